"""Read-only account actions: identity only from the channel's metadata, the demo customers' real
figures in zh and en, periods, and what the customer gets when the account service fails.

The unit tests use FakeBankClient (the service's own JSON for the demo bank on 2026-11-26); the
last tests run HttpBankClient against the real sandbox service in a subprocess.
"""

import asyncio
import json
import re
import socket
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions import money
from actions.account import (
    ActionCheckBalance,
    ActionCheckCreditLimit,
    ActionCheckHoldings,
    ActionCheckLoan,
    ActionCheckRepaymentSchedule,
    ActionListTransactions,
)
from actions.bank_client import (
    Balance,
    BankRefused,
    BankUnavailable,
    CreditLine,
    Holdings,
    HttpBankClient,
    Installment,
    Loan,
    LoanSchedule,
    Profile,
    Transactions,
    the_bank,
)
from actions.identity import customer_id
from actions.periods import Period, business_today, parse_period, resolve_period
from actions.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 11, 26)  # the spec's "today", a Thursday
ACCOUNT_ACTIONS = [ActionCheckBalance, ActionCheckHoldings, ActionCheckLoan,
                   ActionCheckRepaymentSchedule, ActionCheckCreditLimit, ActionListTransactions]

# The sandbox service's answers for the demo bank on 2026-11-26 (GET /customers/{id}/...).


def _installment(number, due, amount, principal, interest, status, days=0, penalty="0.00"):
    return {"number": number, "due_date": due, "amount": amount, "principal": principal,
            "interest": interest, "status": status, "paid_on": due if status == "paid" else None,
            "days_overdue": days, "penalty_interest": penalty}


L1001_SCHEDULE = [
    _installment(1, "2026-07-15", "2100.33", "1920.33", "180.00", "paid"),
    _installment(2, "2026-08-15", "2100.33", "1937.61", "162.72", "paid"),
    _installment(3, "2026-09-15", "2100.33", "1955.05", "145.28", "paid"),
    _installment(4, "2026-10-15", "2100.33", "1972.65", "127.68", "paid"),
    _installment(5, "2026-11-15", "2100.33", "1990.40", "109.93", "paid"),
    _installment(6, "2026-12-15", "2100.33", "2008.31", "92.02", "upcoming"),
    _installment(7, "2027-01-15", "2100.33", "2026.39", "73.94", "upcoming"),
    _installment(8, "2027-02-15", "2100.33", "2044.63", "55.70", "upcoming"),
    _installment(9, "2027-03-15", "2100.33", "2063.03", "37.30", "upcoming"),
    _installment(10, "2027-04-15", "2100.33", "2081.60", "18.73", "upcoming"),
]
L2001_SCHEDULE = [
    _installment(1, "2026-06-10", "877.63", "802.63", "75.00", "paid"),
    _installment(2, "2026-07-10", "877.63", "814.67", "62.96", "paid"),
    _installment(3, "2026-08-10", "877.63", "826.89", "50.74", "paid"),
    _installment(4, "2026-09-10", "877.63", "839.29", "38.34", "paid"),
    _installment(5, "2026-10-10", "877.63", "851.88", "25.75", "paid"),
    _installment(6, "2026-11-10", "877.61", "864.64", "12.97", "overdue", 16, "10.38"),
]
L1001 = {
    "loan_id": "L1001", "product_code": "LN-P", "name_zh": "随心借", "name_en": "Flexi Loan",
    "principal": "20000.00", "drawn_on": "2026-06-15", "term_months": 10,
    "daily_rate": "0.0003", "monthly_rate": "0.009", "installment": "2100.33",
    "outstanding_principal": "10223.96", "status": "active",
    "next_installment": L1001_SCHEDULE[5], "overdue": None,
}
L2001 = {
    "loan_id": "L2001", "product_code": "LN-P", "name_zh": "随心借", "name_en": "Flexi Loan",
    "principal": "5000.00", "drawn_on": "2026-05-10", "term_months": 6, "daily_rate": "0.0005",
    "monthly_rate": "0.015", "installment": "877.63", "outstanding_principal": "864.64",
    "status": "overdue", "next_installment": L2001_SCHEDULE[5],
    "overdue": {"installments": [6], "amount": "877.61", "principal": "864.64",
                "days_overdue": 16, "in_grace_period": False, "penalty_interest": "10.38"},
}


def _holding(code, zh, en, risk, cost, value, profit, earnings, confirmed_on):
    return {"product_code": code, "name_zh": zh, "name_en": en, "risk": risk, "cost": cost,
            "market_value": value, "profit": profit, "yesterday_earnings": earnings,
            "redeemable": value,
            "lots": [{"confirmed_on": confirmed_on, "cost": cost, "market_value": value,
                      "status": "redeemable", "matures_on": None}]}


C001_TRANSACTIONS = [
    {"booked_on": "2026-11-25", "amount": "-32.00", "description_zh": "咖啡",
     "description_en": "Coffee"},
    {"booked_on": "2026-11-20", "amount": "18500.00", "description_zh": "工资",
     "description_en": "Salary"},
    {"booked_on": "2026-11-15", "amount": "-2100.33", "description_zh": "贷款还款 L1001",
     "description_en": "Loan installment L1001"},
    {"booked_on": "2026-11-12", "amount": "-1000.00", "description_zh": "转账给 王芳",
     "description_en": "Transfer to 王芳"},
    {"booked_on": "2026-11-08", "amount": "-5000.00", "description_zh": "购买 活期宝",
     "description_en": "Purchase Daily Cash"},
]

DEMO_BANK = {
    "C001": {
        "profile": {"customer_id": "C001", "name": "张伟", "language": "zh",
                    "card": {"card_id": "DC001", "masked_number": "6217 **** **** 0428",
                             "frozen": False}},
        "balance": {"card_id": "DC001", "masked_number": "6217 **** **** 0428",
                    "currency": "CNY", "balance": "52380.25", "frozen": False},
        "holdings": {
            "total_cost": "42000.00", "total_market_value": "43245.80",
            "holdings": [
                _holding("WM001", "活期宝", "Daily Cash", "R1", "12000.00", "12000.00", "0.00",
                         "0.61", "2026-11-10"),
                _holding("WM004", "均衡混合", "Balanced Mix Fund", "R3", "30000.00", "31245.80",
                         "1245.80", None, "2026-03-03"),
            ],
            "redemptions_in_transit": [],
        },
        "loans": [L1001],
        "schedules": {"L1001": L1001_SCHEDULE},
        "credit_line": {"limit": "80000.00", "outstanding_principal": "10223.96",
                        "available": "69776.04", "daily_rate": "0.0003", "frozen": False,
                        "frozen_reason": None},
        "transactions": C001_TRANSACTIONS,
    },
    "C002": {
        "profile": {"customer_id": "C002", "name": "李娜", "language": "zh",
                    "card": {"card_id": "DC002", "masked_number": "6217 **** **** 1193",
                             "frozen": False}},
        "balance": {"card_id": "DC002", "masked_number": "6217 **** **** 1193",
                    "currency": "CNY", "balance": "3210.50", "frozen": False},
        "holdings": {"total_cost": "0.00", "total_market_value": "0.00", "holdings": [],
                     "redemptions_in_transit": []},
        "loans": [L2001],
        "schedules": {"L2001": L2001_SCHEDULE},
        "credit_line": {"limit": "5000.00", "outstanding_principal": "864.64",
                        "available": "0.00", "daily_rate": "0.0005", "frozen": True,
                        "frozen_reason": "overdue"},
        "transactions": [],
    },
    "C003": {
        "profile": {"customer_id": "C003", "name": "Emily Chen", "language": "en",
                    "card": {"card_id": "DC003", "masked_number": "6217 **** **** 7750",
                             "frozen": False}},
        "balance": {"card_id": "DC003", "masked_number": "6217 **** **** 7750",
                    "currency": "CNY", "balance": "250000.00", "frozen": False},
        "holdings": {
            "total_cost": "70000.00", "total_market_value": "75392.40",
            "holdings": [
                _holding("WM005", "成长股票", "Growth Equity Fund", "R4", "50000.00", "53912.40",
                         "3912.40", None, "2026-08-24"),
                _holding("WM006", "全球科技QDII", "Global Tech QDII", "R5", "20000.00",
                         "21480.00", "1480.00", None, "2026-08-24"),
            ],
            "redemptions_in_transit": [],
        },
        "loans": [],
        "schedules": {},
        "credit_line": {"limit": "200000.00", "outstanding_principal": "0.00",
                        "available": "200000.00", "daily_rate": "0.0002", "frozen": False,
                        "frozen_reason": None},
        "transactions": [],
    },
}


class FakeBankClient:
    """BankClient over DEMO_BANK; records every call; `failure` is raised by every call."""

    def __init__(self, failure: Exception | None = None) -> None:
        self.calls: list[tuple] = []
        self.failure = failure

    def _customer(self, method: str, customer: str, *args) -> dict:
        self.calls.append((method, customer, *args))
        if self.failure is not None:
            raise self.failure
        if customer not in DEMO_BANK:
            raise BankRefused("unknown_customer", f"There is no customer {customer}.", 404)
        return DEMO_BANK[customer]

    async def profile(self, customer_id):
        return Profile.parse_obj(self._customer("profile", customer_id)["profile"])

    async def balance(self, customer_id):
        return Balance.parse_obj(self._customer("balance", customer_id)["balance"])

    async def holdings(self, customer_id):
        return Holdings.parse_obj(self._customer("holdings", customer_id)["holdings"])

    async def loans(self, customer_id):
        return [Loan.parse_obj(loan) for loan in self._customer("loans", customer_id)["loans"]]

    async def loan_schedules(self, customer_id, loan_id=None):
        data = self._customer("loan_schedules", customer_id, loan_id)
        loans = [loan for loan in data["loans"]
                 if (loan_id is None and loan["status"] != "closed") or loan["loan_id"] == loan_id]
        if loan_id is not None and not loans:
            raise BankRefused("unknown_loan", f"This customer has no loan {loan_id}.", 404)
        return [LoanSchedule(loan=Loan.parse_obj(loan), installments=[
                    Installment.parse_obj(item) for item in data["schedules"][loan["loan_id"]]])
                for loan in loans]

    async def credit_line(self, customer_id):
        return CreditLine.parse_obj(self._customer("credit_line", customer_id)["credit_line"])

    async def transactions(self, customer_id, start, end):
        rows = self._customer("transactions", customer_id, start, end)["transactions"]
        within = [row for row in rows
                  if start <= date.fromisoformat(row["booked_on"]) <= end]
        return Transactions.parse_obj({"start": start.isoformat(), "end": end.isoformat(),
                                   "transactions": within})


DOMAIN = {"slots": {"language": {"type": "categorical", "values": ["zh", "en"]},
                    "period": {"type": "text"}}}


def make_tracker(text="", customer="C001", language="zh", entities=(), slots=None,
                 metadata=None, events=()):
    """A tracker whose latest message came through the authenticated channel as `customer`
    (None: anonymous)."""
    if metadata is None:
        metadata = {"customer_id": customer} if customer else {}
    latest = {"text": text, "intent": {"name": "check_balance", "confidence": 1.0},
              "entities": list(entities), "metadata": metadata}
    return Tracker("conversation-1", {"language": language, **(slots or {})}, latest,
                   list(events), False, None, {}, "action_listen")


def entity(name, value):
    return {"entity": name, "value": value, "start": 0, "end": len(value)}


def run(action, tracker, domain=DOMAIN):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    return dispatcher.messages, events


def texts(messages):
    return [message["text"] for message in messages]


def responses(messages):
    return [message["response"] for message in messages]


def act(action_class, text="", customer="C001", language="zh", client=None, **tracker_args):
    client = client or FakeBankClient()
    action = action_class(client=client, today=lambda: TODAY)
    messages, events = run(action, make_tracker(text, customer, language, **tracker_args))
    return messages, events, client


# Settings, formatting, identity.


def test_settings_defaults_and_the_an_prefix(monkeypatch):
    for name in ("AN_BANK_URL", "AN_BANK_SERVICE_TOKEN", "AN_BANK_TIMEOUT_SECONDS", "AN_BANK_NOW"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.bank_url == "http://127.0.0.1:8010"
    assert settings.bank_service_token == "sandbox-dev-token"
    assert settings.bank_timeout_seconds == 3.0
    assert settings.bank_now is None
    monkeypatch.setenv("AN_BANK_URL", "http://bank.internal:9000")
    monkeypatch.setenv("AN_BANK_SERVICE_TOKEN", "real-token")
    monkeypatch.setenv("AN_BANK_TIMEOUT_SECONDS", "2.5")
    monkeypatch.setenv("AN_BANK_NOW", "2026-11-26T10:00:00")
    settings = Settings()
    assert (settings.bank_url, settings.bank_service_token) == ("http://bank.internal:9000",
                                                                "real-token")
    assert settings.bank_timeout_seconds == 2.5
    assert business_today(settings) == TODAY


def test_settings_refuse_a_timeout_that_breaks_the_5_second_promise():
    with pytest.raises(ValueError):
        Settings(bank_timeout_seconds=10)


def test_only_the_settings_read_the_environment():
    for path in (ROOT / "actions").glob("*.py"):
        if path.name != "settings.py":
            source = path.read_text(encoding="utf-8")
            assert not re.search(r"os\.environ|getenv|from os import", source), path.name


@pytest.mark.parametrize("value, language, signed, shown", [
    ("52380.25", "zh", False, "¥52,380.25"),
    ("52380.25", "en", False, "CNY 52,380.25"),
    ("0.61", "zh", False, "¥0.61"),
    ("0", "en", False, "CNY 0.00"),
    ("-32.00", "zh", True, "-¥32.00"),
    ("-2100.33", "en", True, "-CNY 2,100.33"),
    ("18500", "zh", True, "+¥18,500.00"),
    ("1000000.005", "en", False, "CNY 1,000,000.01"),
])
def test_amounts_per_language(value, language, signed, shown):
    assert money.amount(Decimal(value), language, signed) == shown


def test_dates_per_language():
    assert money.day(date(2026, 12, 15), "zh") == "2026年12月15日"
    assert money.day(date(2026, 12, 15), "en") == "15 Dec 2026"
    assert money.short_day(date(2026, 11, 5), "zh") == "11月5日"
    assert money.short_day(date(2026, 11, 5), "en") == "5 Nov"
    assert money.period(date(2026, 10, 1), date(2026, 10, 31), "zh") == (
        "2026年10月1日至2026年10月31日")
    assert money.period(date(2026, 10, 1), date(2026, 10, 31), "en") == (
        "1 Oct 2026 to 31 Oct 2026")
    assert money.period(TODAY, TODAY, "en") == "26 Nov 2026"


def test_identity_comes_from_the_message_metadata():
    assert customer_id(make_tracker("查余额", customer="C001")) == "C001"
    assert customer_id(make_tracker("balance", customer="C003")) == "C003"


@pytest.mark.parametrize("metadata", [
    {}, {"customer_id": None}, {"customer_id": ""}, {"customer_id": 1001},
    {"customer_id": "C001\r\nX-Customer-Id: C002"}, {"customer_id": "../C002"},
    {"customer": "C001"}, "C001",
])
def test_no_or_malformed_metadata_is_anonymous(metadata):
    assert customer_id(make_tracker("查余额", metadata=metadata)) is None


def test_identity_is_never_taken_from_text_slots_entities_or_the_session_start():
    session_started = {"event": "session_started", "metadata": {"customer_id": "C001"}}
    earlier_message = {"event": "user", "text": "hi", "metadata": {"customer_id": "C001"}}
    tracker = make_tracker(
        "I am C001, my customer_id is C001", customer=None,
        entities=[entity("customer_id", "C001")], slots={"customer_id": "C001"},
        events=[session_started, earlier_message],
    )
    assert customer_id(tracker) is None


# Anonymous visitors and the customer id handed to the account service.


@pytest.mark.parametrize("action_class", ACCOUNT_ACTIONS)
@pytest.mark.parametrize("language", ["zh", "en"])
def test_anonymous_visitors_are_asked_to_log_in(action_class, language):
    session_started = {"event": "session_started", "metadata": {"customer_id": "C001"}}
    text = "我是C001，查一下我的账户" if language == "zh" else "I am C001, show my account"
    messages, events, client = act(
        action_class, text, customer=None, language=language,
        entities=[entity("customer_id", "C001"), entity("loan_id", "L1001")],
        slots={"customer_id": "C001"}, events=[session_started],
    )
    assert responses(messages) == ["utter_login_required"]
    assert events == []
    assert client.calls == []  # nothing was looked up


@pytest.mark.parametrize("action_class", ACCOUNT_ACTIONS)
def test_the_client_gets_exactly_the_metadata_customer(action_class):
    # The text, the slots and the entities name someone else: only the metadata counts.
    _, _, client = act(action_class, "show C001's account", customer="C003", language="en",
                       entities=[entity("customer_id", "C001")], slots={"customer_id": "C001"})
    assert len(client.calls) == 1  # one lookup per request
    assert client.calls[0][1] == "C003"


def test_actions_are_registered_by_the_action_server_under_their_names():
    executor = ActionExecutor()
    executor.register_package("actions")
    names = {action().name() for action in ACCOUNT_ACTIONS}
    assert names == {"action_check_balance", "action_check_holdings", "action_check_loan",
                     "action_check_repayment_schedule", "action_check_credit_limit",
                     "action_list_transactions"}
    assert names <= set(executor.actions)
    assert isinstance(ActionCheckBalance().client, HttpBankClient)  # the default client


def test_the_actions_share_one_long_lived_client_of_the_bank():
    """One client per process, keeping its connections: not one (and one TLS set-up) per call."""
    assert ActionCheckBalance().client is ActionCheckLoan().client is the_bank()

    async def same_connection_pool() -> bool:
        return the_bank()._http.get() is the_bank()._http.get()

    assert asyncio.run(same_connection_pool())


def test_an_action_call_as_rasa_sends_it():
    """The action server's path: the tracker as JSON, the message metadata inside it."""
    executor = ActionExecutor()
    executor.register_action(ActionCheckBalance(client=FakeBankClient(), today=lambda: TODAY))

    def call(metadata):
        tracker = {
            "sender_id": "web-7f3a", "slots": {"language": "en", "customer_id": "C002"},
            "latest_message": {"text": "what's my balance", "intent": {"name": "check_balance"},
                               "entities": [], "metadata": metadata},
            "events": [{"event": "session_started", "metadata": {"customer_id": "C002"}}],
            "paused": False, "followup_action": None, "active_loop": {},
            "latest_action_name": "action_listen",
        }
        answer = asyncio.run(executor.run({"next_action": "action_check_balance",
                                           "sender_id": "web-7f3a", "tracker": tracker,
                                           "domain": DOMAIN, "version": "3.6.21"}))
        json.dumps(answer)  # what goes back to Rasa is plain JSON
        return answer["responses"]

    assert texts(call({"customer_id": "C001"})) == [
        "The balance of your debit card ending 0428 is CNY 52,380.25."]
    assert responses(call({})) == ["utter_login_required"]


# The demo customers' figures, in both languages.


def test_balance():
    messages, _, _ = act(ActionCheckBalance, "我的余额是多少")
    assert texts(messages) == ["您尾号0428的借记卡余额为 ¥52,380.25。"]
    messages, _, _ = act(ActionCheckBalance, "what's my balance", language="en")
    assert texts(messages) == ["The balance of your debit card ending 0428 is CNY 52,380.25."]
    messages, _, _ = act(ActionCheckBalance, "balance", customer="C003", language="en")
    assert texts(messages) == ["The balance of your debit card ending 7750 is CNY 250,000.00."]


def test_holdings():
    messages, _, _ = act(ActionCheckHoldings, "我的持仓")
    assert texts(messages) == [
        "您持有 2 款理财产品，总市值 ¥43,245.80：\n"
        "· 活期宝（WM001）：市值 ¥12,000.00，昨日收益 ¥0.61\n"
        "· 均衡混合（WM004）：成本 ¥30,000.00，市值 ¥31,245.80，持有收益 +¥1,245.80"
    ]
    messages, _, _ = act(ActionCheckHoldings, "my holdings", language="en")
    assert texts(messages) == [
        "You hold 2 wealth products worth CNY 43,245.80 in total:\n"
        "• Daily Cash (WM001): value CNY 12,000.00, yesterday's earnings CNY 0.61\n"
        "• Balanced Mix Fund (WM004): cost CNY 30,000.00, value CNY 31,245.80, "
        "gain +CNY 1,245.80"
    ]


def test_holdings_of_the_english_customer_and_of_a_customer_without_any():
    messages, _, _ = act(ActionCheckHoldings, "what do I hold", customer="C003", language="en")
    assert texts(messages) == [
        "You hold 2 wealth products worth CNY 75,392.40 in total:\n"
        "• Growth Equity Fund (WM005): cost CNY 50,000.00, value CNY 53,912.40, "
        "gain +CNY 3,912.40\n"
        "• Global Tech QDII (WM006): cost CNY 20,000.00, value CNY 21,480.00, gain +CNY 1,480.00"
    ]
    messages, _, _ = act(ActionCheckHoldings, "我的理财", customer="C002")
    assert responses(messages) == ["utter_no_holdings"]


def test_loan():
    messages, _, _ = act(ActionCheckLoan, "我的贷款还剩多少")
    assert texts(messages) == [
        "您的随心借 L1001：借款 ¥20,000.00，分10期，剩余本金 ¥10,223.96。\n"
        "下一期：第6期 ¥2,100.33（本金 ¥2,008.31 + 利息 ¥92.02），"
        "2026年12月15日从您的借记卡自动扣款。"
    ]
    messages, _, _ = act(ActionCheckLoan, "how much do I owe", language="en")
    assert texts(messages) == [
        "Your Flexi Loan L1001: CNY 20,000.00 over 10 months, outstanding principal "
        "CNY 10,223.96.\nNext: installment 6 of CNY 2,100.33 (principal CNY 2,008.31 + "
        "interest CNY 92.02), debited automatically from your debit card on 15 Dec 2026."
    ]


def test_overdue_loan_shows_days_overdue_and_penalty():
    messages, _, _ = act(ActionCheckLoan, "我的贷款", customer="C002")
    assert texts(messages)[0] == (
        "您的随心借 L2001 已逾期16天：第6期共 ¥877.61 未还（应还日 2026年11月10日），"
        "罚息 ¥10.38。剩余本金 ¥864.64。"
    )
    assert responses(messages) == [None, "utter_loan_overdue_advice"]
    messages, _, _ = act(ActionCheckLoan, "my loan", customer="C002", language="en")
    assert texts(messages)[0] == (
        "Your Flexi Loan L2001 is 16 days overdue: installment 6 of CNY 877.61 "
        "(due 10 Nov 2026) is unpaid, and penalty interest is CNY 10.38. "
        "Outstanding principal: CNY 864.64."
    )
    assert responses(messages) == [None, "utter_loan_overdue_advice"]


class EditedBank(FakeBankClient):
    """The demo bank with some answers replaced: {(customer, key): data}."""

    def __init__(self, edits):
        super().__init__()
        self.edits = edits

    def _customer(self, method, customer, *args):
        data = super()._customer(method, customer, *args)
        return {**data, **{key: value for (who, key), value in self.edits.items()
                           if who == customer}}


def test_loan_within_the_grace_period_and_several_installments_overdue():
    in_grace = {**L2001, "next_installment": {**L2001_SCHEDULE[5], "days_overdue": 2,
                                              "penalty_interest": "0.00"},
                "overdue": {**L2001["overdue"], "days_overdue": 2, "in_grace_period": True,
                            "penalty_interest": "0.00"}}
    client = EditedBank({("C002", "loans"): [in_grace]})
    messages, _, _ = act(ActionCheckLoan, "我的贷款", customer="C002", client=client)
    assert texts(messages)[0] == ("您的随心借 L2001：第6期共 ¥877.61 已过还款日（2026年11月10日）"
                                  "2天，还在3天宽限期内。剩余本金 ¥864.64。")
    assert responses(messages) == [None, "utter_loan_grace_period"]
    two_late = {**L2001, "overdue": {**L2001["overdue"], "installments": [5, 6],
                                     "amount": "1755.24", "days_overdue": 46}}
    client = EditedBank({("C002", "loans"): [two_late]})
    messages, _, _ = act(ActionCheckLoan, "my loan", customer="C002", language="en",
                         client=client)
    assert texts(messages)[0].startswith(
        "Your Flexi Loan L2001 is 46 days overdue: installments 5 and 6 of CNY 1,755.24 "
        "(due 10 Nov 2026) are unpaid")


def test_installment_due_today():
    due_today = {**L1001, "next_installment": {**L1001_SCHEDULE[5], "status": "due"}}
    client = EditedBank({("C001", "loans"): [due_today]})
    messages, _, _ = act(ActionCheckLoan, "贷款", client=client)
    assert texts(messages)[0].endswith("今天（2026年12月15日）从您的借记卡自动扣款。")
    messages, _, _ = act(ActionCheckLoan, "loan", language="en", client=client)
    assert texts(messages)[0].endswith("from your debit card today (15 Dec 2026).")


def test_holdings_awaiting_confirmation_at_a_loss_and_on_their_way_back():
    holdings = {
        "total_cost": "5000.00", "total_market_value": "4900.00",
        "holdings": [{**_holding("WM005", "成长股票", "Growth Equity Fund", "R4", "5000.00",
                                 "4900.00", "-100.00", None, "2026-11-27"),
                      "lots": [{"confirmed_on": "2026-11-27", "cost": "5000.00",
                                "market_value": "4900.00", "status": "awaiting_confirmation",
                                "matures_on": None}]}],
        "redemptions_in_transit": [{"order_id": 7, "product_code": "WM004", "name_zh": "均衡混合",
                                    "name_en": "Balanced Mix Fund", "proceeds": "1990.00",
                                    "arrival_date": "2026-12-01"}],
    }
    client = EditedBank({("C001", "holdings"): holdings})
    messages, _, _ = act(ActionCheckHoldings, "持仓", client=client)
    assert texts(messages) == [
        "您持有 1 款理财产品，总市值 ¥4,900.00：\n"
        "· 成长股票（WM005）：成本 ¥5,000.00，市值 ¥4,900.00，持有收益 -¥100.00，"
        "其中 ¥4,900.00 待2026年11月27日确认\n"
        "· 赎回在途：均衡混合（WM004）¥1,990.00，预计2026年12月1日到账"
    ]
    messages, _, _ = act(ActionCheckHoldings, "holdings", language="en", client=client)
    assert texts(messages) == [
        "You hold 1 wealth product worth CNY 4,900.00 in total:\n"
        "• Growth Equity Fund (WM005): cost CNY 5,000.00, value CNY 4,900.00, "
        "loss CNY 100.00, CNY 4,900.00 of it confirmed on 27 Nov 2026\n"
        "• Redemption on its way: Balanced Mix Fund (WM004) CNY 1,990.00, arriving 1 Dec 2026"
    ]


def test_loan_named_by_number_and_customers_without_loans():
    messages, _, _ = act(ActionCheckLoan, "L1001 还剩多少", entities=[entity("loan_id", "l1001")])
    assert "¥10,223.96" in texts(messages)[0]
    # Another customer's loan number shows nothing of that loan.
    messages, _, client = act(ActionCheckLoan, "L2001 还剩多少",
                              entities=[entity("loan_id", "L2001")])
    assert responses(messages) == ["utter_unknown_loan"]
    assert messages[0]["loan_id"] == "L2001"
    assert client.calls == [("loans", "C001")]
    messages, _, _ = act(ActionCheckLoan, "my loans", customer="C003", language="en")
    assert responses(messages) == ["utter_no_loans"]


def test_repayment_schedule():
    messages, _, client = act(ActionCheckRepaymentSchedule, "还款计划")
    assert client.calls == [("loan_schedules", "C001", None)]
    assert texts(messages) == [
        "随心借 L1001 还款计划（共10期，已还5期，剩余本金 ¥10,223.96）：\n"
        "第6期 2026年12月15日 ¥2,100.33（本金 ¥2,008.31，利息 ¥92.02）\n"
        "第7期 2027年1月15日 ¥2,100.33（本金 ¥2,026.39，利息 ¥73.94）\n"
        "第8期 2027年2月15日 ¥2,100.33（本金 ¥2,044.63，利息 ¥55.70）\n"
        "第9期 2027年3月15日 ¥2,100.33（本金 ¥2,063.03，利息 ¥37.30）\n"
        "第10期 2027年4月15日 ¥2,100.33（本金 ¥2,081.60，利息 ¥18.73）"
    ]
    messages, _, _ = act(ActionCheckRepaymentSchedule, "repayment schedule for L1001",
                         language="en", entities=[entity("loan_id", "L1001")])
    lines = texts(messages)[0].split("\n")
    assert lines[0] == ("Flexi Loan L1001 repayment schedule (5 of 10 installments paid, "
                        "outstanding principal CNY 10,223.96):")
    assert lines[1] == ("6. 15 Dec 2026: CNY 2,100.33 (principal CNY 2,008.31, "
                        "interest CNY 92.02)")
    assert len(lines) == 6


def test_repayment_schedule_of_an_overdue_loan_and_of_unknown_loans():
    messages, _, _ = act(ActionCheckRepaymentSchedule, "还款计划", customer="C002")
    assert texts(messages)[0] == (
        "随心借 L2001 还款计划（共6期，已还5期，剩余本金 ¥864.64）：\n"
        "第6期 2026年11月10日 ¥877.61（本金 ¥864.64，利息 ¥12.97），已逾期16天，罚息 ¥10.38"
    )
    assert responses(messages) == [None, "utter_loan_overdue_advice"]
    messages, _, _ = act(ActionCheckRepaymentSchedule, "schedule of L2001", language="en",
                         entities=[entity("loan_id", "L2001")])
    assert responses(messages) == ["utter_unknown_loan"]
    assert messages[0]["loan_id"] == "L2001"
    messages, _, client = act(ActionCheckRepaymentSchedule, "schedule of ../balance",
                              entities=[entity("loan_id", "../balance")])
    assert responses(messages) == ["utter_unknown_loan"]
    assert client.calls == []
    messages, _, _ = act(ActionCheckRepaymentSchedule, "schedule", customer="C003",
                         language="en")
    assert responses(messages) == ["utter_no_loans"]


def test_credit_limit():
    messages, _, _ = act(ActionCheckCreditLimit, "我还能借多少")
    assert texts(messages) == [
        "您的贷款授信额度为 ¥80,000.00，已用 ¥10,223.96，当前可借 ¥69,776.04。"]
    messages, _, _ = act(ActionCheckCreditLimit, "what's my credit limit", language="en")
    assert texts(messages) == ["Your credit line is CNY 80,000.00: CNY 10,223.96 in use, "
                               "CNY 69,776.04 available to borrow."]


def test_frozen_credit_line_is_explained():
    messages, _, _ = act(ActionCheckCreditLimit, "我的额度", customer="C002")
    assert texts(messages)[0] == "您的贷款授信额度为 ¥5,000.00，当前可借 ¥0.00：额度已冻结。"
    assert responses(messages) == [None, "utter_credit_line_frozen_overdue"]
    messages, _, _ = act(ActionCheckCreditLimit, "my credit line", customer="C002",
                         language="en")
    assert texts(messages)[0] == ("Your credit line is CNY 5,000.00, with CNY 0.00 available: "
                                  "the line is frozen.")
    assert responses(messages) == [None, "utter_credit_line_frozen_overdue"]


def test_transactions_this_month():
    messages, events, client = act(ActionListTransactions, "这个月的交易",
                                   entities=[entity("period", "这个月")])
    assert client.calls == [("transactions", "C001", date(2026, 11, 1), TODAY)]
    assert texts(messages) == [
        "2026年11月1日至2026年11月26日共5笔交易，收入 ¥18,500.00，支出 -¥8,132.33：\n"
        "11月25日 咖啡 -¥32.00\n"
        "11月20日 工资 +¥18,500.00\n"
        "11月15日 贷款还款 L1001 -¥2,100.33\n"
        "11月12日 转账给 王芳 -¥1,000.00\n"
        "11月8日 购买 活期宝 -¥5,000.00"
    ]
    assert events == []
    messages, _, _ = act(ActionListTransactions, "transactions this month", language="en",
                         entities=[entity("period", "this month")])
    assert texts(messages)[0].split("\n")[:3] == [
        "5 transactions from 1 Nov 2026 to 26 Nov 2026: money in CNY 18,500.00, "
        "money out -CNY 8,132.33.",
        "25 Nov Coffee -CNY 32.00",
        "20 Nov Salary +CNY 18,500.00",
    ]


def test_transactions_of_a_period_without_any():
    messages, _, _ = act(ActionListTransactions, "上个月的交易",
                         entities=[entity("period", "上个月")])
    assert texts(messages) == ["2026年10月1日至2026年10月31日没有交易记录。"]
    messages, _, _ = act(ActionListTransactions, "transactions today", language="en",
                         entities=[entity("period", "today")])
    assert texts(messages) == ["No transactions on 26 Nov 2026."]


@pytest.mark.parametrize("zh, en, start, end", [
    ("上个月", "last month", date(2026, 10, 1), date(2026, 10, 31)),
    ("这个月", "this month", date(2026, 11, 1), TODAY),
    ("上周", "last week", date(2026, 11, 16), date(2026, 11, 22)),
    ("最近一周", "past week", date(2026, 11, 20), TODAY),
    ("最近三个月", "last 3 months", date(2026, 8, 27), TODAY),
    ("今天", "today", TODAY, TODAY),
    ("昨天", "yesterday", date(2026, 11, 25), date(2026, 11, 25)),
    ("本周", "this week", date(2026, 11, 23), TODAY),
    ("近30天", "last 30 days", date(2026, 10, 28), TODAY),
    ("两周", "past two weeks", date(2026, 11, 13), TODAY),
    ("10月", "October", date(2026, 10, 1), date(2026, 10, 31)),
    ("12月", "Dec 2025", date(2025, 12, 1), date(2025, 12, 31)),
])
def test_periods_in_either_language(zh, en, start, end):
    assert parse_period(zh, TODAY) == Period(start, end)
    assert parse_period(en, TODAY) == Period(start, end)
    assert parse_period(f" {en.upper()} ", TODAY) == Period(start, end)


@pytest.mark.parametrize("text", [None, "", "whenever", "最近", "15日", "最近100000年"])
def test_periods_not_understood_mean_the_last_30_days(text):
    assert parse_period(text, TODAY) is None
    assert resolve_period(text, TODAY) == Period(date(2026, 10, 28), TODAY)


def test_transactions_period_from_the_clock_the_entity_or_the_slot():
    # No period: the last 30 days, counted from the injected clock.
    _, events, client = act(ActionListTransactions, "交易明细")
    assert client.calls == [("transactions", "C001", date(2026, 10, 28), TODAY)]
    assert events == []
    client = FakeBankClient()
    action = ActionListTransactions(client=client, today=lambda: date(2027, 1, 10))
    run(action, make_tracker("上个月的交易", entities=[entity("period", "上个月")]))
    assert client.calls == [("transactions", "C001", date(2026, 12, 1), date(2026, 12, 31))]
    # The slot when the message has no entity; it is cleared so it does not stick.
    _, events, client = act(ActionListTransactions, "交易", slots={"period": "上周"})
    assert client.calls == [("transactions", "C001", date(2026, 11, 16), date(2026, 11, 22))]
    assert events == [SlotSet("period", None)]
    # The entity wins over an older slot value.
    _, _, client = act(ActionListTransactions, "yesterday's", language="en",
                       slots={"period": "上周"}, entities=[entity("period", "yesterday")])
    assert client.calls[0][2:] == (date(2026, 11, 25), date(2026, 11, 25))


def test_long_statements_are_cut_short():
    result = Transactions.parse_obj({"start": "2026-01-01", "end": TODAY.isoformat(),
                                     "transactions": C001_TRANSACTIONS * 3})
    lines = ActionListTransactions.statement(result, "zh").split("\n")
    assert len(lines) == 12
    assert lines[0].startswith("2026年1月1日至2026年11月26日共15笔交易")
    assert lines[-1] == "……还有5笔较早的交易，完整明细请在App中查看。"
    lines = ActionListTransactions.statement(result, "en").split("\n")
    assert lines[-1] == "…and 5 earlier transactions; the app shows the full list."


def test_business_today_is_shanghai_time():
    assert business_today(Settings(bank_now=datetime(2026, 11, 26, 10, 0))) == TODAY
    # 17:00 UTC on the 26th is already the 27th in Shanghai.
    assert business_today(Settings(bank_now="2026-11-26T17:00:00+00:00")) == date(2026, 11, 27)


# Failures of the account service.


@pytest.mark.parametrize("action_class", ACCOUNT_ACTIONS)
@pytest.mark.parametrize("language", ["zh", "en"])
def test_unavailable_service_gets_an_apology_and_a_person(action_class, language):
    client = FakeBankClient(failure=BankUnavailable("connection refused"))
    messages, events, _ = act(action_class, "查询", language=language, client=client)
    assert responses(messages) == ["utter_service_unavailable"]
    assert events == []


@pytest.mark.parametrize("action_class", ACCOUNT_ACTIONS)
def test_refusals_give_the_service_reason(action_class):
    client = FakeBankClient(failure=BankRefused("invalid_period", "The period starts after it "
                                                "ends.", 400))
    messages, _, _ = act(action_class, "查询", client=client)
    assert responses(messages) == ["utter_bank_refused"]
    assert messages[0]["reason"] == "The period starts after it ends."


@pytest.mark.parametrize("action_class", ACCOUNT_ACTIONS)
def test_a_customer_the_bank_does_not_know(action_class):
    messages, _, _ = act(action_class, "查询", customer="C999")
    assert responses(messages) == ["utter_account_not_found"]


@pytest.mark.parametrize("code", ["unauthorised", "customer_id_missing", "other_customer"])
def test_refusals_of_the_integration_itself_are_not_shown_to_customers(code):
    client = FakeBankClient(failure=BankRefused(code, "A valid service token is required.", 401))
    messages, _, _ = act(ActionCheckBalance, "余额", client=client)
    assert responses(messages) == ["utter_service_unavailable"]


def test_no_credit_line_has_its_own_answer():
    client = FakeBankClient(failure=BankRefused("no_credit_line", "No credit line.", 404))
    messages, _, _ = act(ActionCheckCreditLimit, "额度", client=client)
    assert responses(messages) == ["utter_no_credit_line"]


def test_a_bug_while_answering_still_gets_an_answer_and_nothing_half_said():
    class Broken(FakeBankClient):
        async def holdings(self, customer_id):
            await super().holdings(customer_id)
            return None  # not Holdings: writing the answer fails

    messages, _, _ = act(ActionCheckHoldings, "持仓", client=Broken())
    assert responses(messages) == ["utter_service_unavailable"]


# HttpBankClient: the HTTP contract and the failure mapping.


def http_client(handler, timeout=3.0):
    settings = Settings(bank_url="http://bank.test/", bank_service_token="t0ken",
                        bank_timeout_seconds=timeout)
    return HttpBankClient(settings, transport=httpx.MockTransport(handler))


def test_http_client_sends_the_token_and_customer_and_converts_money():
    seen = []

    def handler(request):
        seen.append(request)
        return httpx.Response(200, json=DEMO_BANK["C001"]["balance"])

    balance = asyncio.run(http_client(handler).balance("C001"))
    assert balance.balance == Decimal("52380.25") and isinstance(balance.balance, Decimal)
    request = seen[0]
    assert request.method == "GET"
    assert str(request.url) == "http://bank.test/customers/C001/balance"
    assert request.headers["Authorization"] == "Bearer t0ken"
    assert request.headers["X-Customer-Id"] == "C001"


def test_http_client_transactions_and_schedules():
    seen = []

    def handler(request):
        seen.append(request.url)
        path = request.url.path
        if path.endswith("/transactions"):
            return httpx.Response(200, json={"start": "2026-11-01", "end": "2026-11-26",
                                             "transactions": C001_TRANSACTIONS})
        if path.endswith("/loans"):
            return httpx.Response(200, json=[L1001])
        if path.endswith("/loans/L1001/schedule"):
            return httpx.Response(200, json=L1001_SCHEDULE)
        if path.endswith("/loans/L1001"):
            return httpx.Response(200, json=L1001)
        return httpx.Response(404, json={"detail": "no", "code": "not_found"})

    client = http_client(handler)
    result = asyncio.run(client.transactions("C001", date(2026, 11, 1), TODAY))
    assert seen[0].params["start"] == "2026-11-01" and seen[0].params["end"] == "2026-11-26"
    assert result.transactions[1].amount == Decimal("18500.00")
    schedules = asyncio.run(client.loan_schedules("C001"))
    assert [s.loan.loan_id for s in schedules] == ["L1001"]
    assert schedules[0].installments[5].due_date == date(2026, 12, 15)
    schedules = asyncio.run(client.loan_schedules("C001", "L1001"))
    assert schedules[0].loan.outstanding_principal == Decimal("10223.96")
    assert [url.path for url in seen[1:]] == [
        "/customers/C001/loans", "/customers/C001/loans/L1001/schedule",
        "/customers/C001/loans/L1001", "/customers/C001/loans/L1001/schedule"]


def test_http_client_keeps_what_a_customer_typed_inside_one_path_segment():
    seen = []

    def handler(request):
        seen.append(request.url.raw_path)
        return httpx.Response(404, json={"detail": "This customer has no loan.",
                                         "code": "unknown_loan"})

    with pytest.raises(BankRefused):
        asyncio.run(http_client(handler).loan_schedules("C001", "../balance"))
    assert seen == [b"/customers/C001/loans/..%2Fbalance"]


@pytest.mark.parametrize("response, code", [
    (httpx.Response(404, json={"detail": "This customer has no loan L2001.",
                               "code": "unknown_loan"}), "unknown_loan"),
    (httpx.Response(401, json={"detail": "A valid service token is required.",
                               "code": "unauthorised"}), "unauthorised"),
    (httpx.Response(403, text="<html>forbidden</html>"), "http_403"),
])
def test_http_client_4xx_is_a_refusal_with_the_reason(response, code):
    with pytest.raises(BankRefused) as refused:
        asyncio.run(http_client(lambda request: response).balance("C001"))
    assert refused.value.code == code
    assert refused.value.status == response.status_code
    assert refused.value.detail


def _raise(error):
    def handler(request):
        raise error
    return handler


@pytest.mark.parametrize("handler", [
    lambda request: httpx.Response(500, text="Internal Server Error"),
    lambda request: httpx.Response(503, json={"detail": "db", "code": "database_not_ready"}),
    lambda request: httpx.Response(200, text="not json"),
    lambda request: httpx.Response(200, json={"balance": 52380.25}),  # not the API's shape
    lambda request: httpx.Response(200, json={**DEMO_BANK["C001"]["balance"], "balance": "NaN"}),
    lambda request: httpx.Response(302, headers={"Location": "http://elsewhere/"}),
    _raise(httpx.ConnectError("connection refused")),
    _raise(httpx.ReadTimeout("read timed out")),
    _raise(httpx.RemoteProtocolError("server disconnected")),
])
def test_http_client_failures_are_unavailability(handler):
    with pytest.raises(BankUnavailable):
        asyncio.run(http_client(handler).balance("C001"))


def test_http_client_gives_up_at_its_deadline_even_on_a_trickling_answer():
    async def slow(request):
        await asyncio.sleep(10)
        return httpx.Response(200, json=DEMO_BANK["C001"]["balance"])

    started = time.monotonic()
    with pytest.raises(BankUnavailable):
        asyncio.run(http_client(slow, timeout=0.3).balance("C001"))
    assert time.monotonic() - started < 1.5


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_service_that_is_down_gets_the_apology_at_once():
    settings = Settings(bank_url=f"http://127.0.0.1:{free_port()}")  # nobody listens there
    action = ActionCheckBalance(client=HttpBankClient(settings), today=lambda: TODAY)
    started = time.monotonic()
    messages, _ = run(action, make_tracker("余额"))
    assert responses(messages) == ["utter_service_unavailable"]
    assert time.monotonic() - started < 2


def test_a_service_that_hangs_gets_the_apology_within_5_seconds():
    # Accepts connections (the kernel's backlog) and never answers.
    with socket.socket() as hanging:
        hanging.bind(("127.0.0.1", 0))
        hanging.listen(8)
        settings = Settings(bank_url=f"http://127.0.0.1:{hanging.getsockname()[1]}")
        assert settings.bank_timeout_seconds == 3.0  # the default, as in production
        action = ActionCheckLoan(client=HttpBankClient(settings), today=lambda: TODAY)
        started = time.monotonic()
        messages, _ = run(action, make_tracker("how much do I owe", language="en"))
        elapsed = time.monotonic() - started
    assert responses(messages) == ["utter_service_unavailable"]
    assert 2.5 < elapsed < 5


# HttpBankClient against the real sandbox account service.

def test_real_service_balance_and_loan_of_c001(sandbox_bank):
    client = HttpBankClient(sandbox_bank)
    balance = asyncio.run(client.balance("C001"))
    assert balance.balance == Decimal("52380.25")
    assert balance.last_digits == "0428"
    (loan,) = asyncio.run(client.loans("C001"))
    assert loan.loan_id == "L1001"
    assert loan.outstanding_principal == Decimal("10223.96")
    assert loan.installment == Decimal("2100.33")
    following = loan.next_installment
    assert (following.number, following.amount, following.due_date) == (
        6, Decimal("2100.33"), date(2026, 12, 15))
    assert (following.principal, following.interest) == (Decimal("2008.31"), Decimal("92.02"))
    (schedule,) = asyncio.run(client.loan_schedules("C001", "L1001"))
    assert len(schedule.installments) == 10
    assert [i.status for i in schedule.installments].count("paid") == 5


def test_real_service_other_figures(sandbox_bank):
    client = HttpBankClient(sandbox_bank)
    assert asyncio.run(client.profile("C003")).language == "en"
    holdings = asyncio.run(client.holdings("C001"))
    assert {h.product_code: h.market_value for h in holdings.holdings} == {
        "WM001": Decimal("12000.00"), "WM004": Decimal("31245.80")}
    line = asyncio.run(client.credit_line("C002"))
    assert (line.limit, line.available, line.frozen, line.frozen_reason) == (
        Decimal("5000.00"), Decimal("0.00"), True, "overdue")
    (loan,) = asyncio.run(client.loans("C002"))
    assert (loan.overdue.days_overdue, loan.overdue.penalty_interest) == (16, Decimal("10.38"))
    result = asyncio.run(client.transactions("C001", date(2026, 11, 1), TODAY))
    assert [t.amount for t in result.transactions][:2] == [Decimal("-32.00"),
                                                          Decimal("18500.00")]


def test_real_service_refusals(sandbox_bank):
    with pytest.raises(BankRefused) as refused:
        asyncio.run(HttpBankClient(sandbox_bank).loan_schedules("C001", "L2001"))
    assert refused.value.code == "unknown_loan"
    assert refused.value.detail == "This customer has no loan L2001."
    wrong_token = Settings(bank_url=sandbox_bank.bank_url, bank_service_token="wrong")
    with pytest.raises(BankRefused) as refused:
        asyncio.run(HttpBankClient(wrong_token).balance("C001"))
    assert (refused.value.code, refused.value.status) == ("unauthorised", 401)


def test_real_service_through_the_actions(sandbox_bank):
    client = HttpBankClient(sandbox_bank)
    messages, _ = run(ActionCheckBalance(client=client, today=lambda: TODAY),
                      make_tracker("余额"))
    assert texts(messages) == ["您尾号0428的借记卡余额为 ¥52,380.25。"]
    messages, _ = run(ActionCheckCreditLimit(client=client, today=lambda: TODAY),
                      make_tracker("my credit line", customer="C002", language="en"))
    assert texts(messages)[0] == ("Your credit line is CNY 5,000.00, with CNY 0.00 available: "
                                  "the line is frozen.")
    messages, _ = run(ActionListTransactions(client=client, today=lambda: TODAY),
                      make_tracker("这个月的交易", entities=[entity("period", "这个月")]))
    assert texts(messages)[0].startswith("2026年11月1日至2026年11月26日共5笔交易")
