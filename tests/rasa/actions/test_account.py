"""The read-only account actions (actions/account.py): only logged-in customers, exactly the
channel's customer asked about, the demo customers' real figures in zh and en, and what the
customer gets when the account service fails. The loans' answers are in test_account_loans.py.
"""

import asyncio
import json
from datetime import date

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import ActionExecutor

from actions.account import (
    ActionCheckBalance,
    ActionCheckCreditLimit,
    ActionCheckHoldings,
    ActionCheckLoan,
    ActionCheckRepaymentSchedule,
    ActionListTransactions,
)
from actions.bank_client import BankRefused, BankUnavailable, HttpBankClient
from actions.bank_replies import Transactions
from actions.wording import Wording
from tests.rasa.actions.demo_bank import C001_TRANSACTIONS, _holding
from tests.rasa.actions.fakes import (
    TODAY,
    EditedBank,
    FakeBankClient,
    act,
    entity,
    make_tracker,
    responses,
    run_action,
    texts,
)
from tests.rasa.rendering import DOMAIN, rendered

ACCOUNT_ACTIONS = [ActionCheckBalance, ActionCheckHoldings, ActionCheckLoan,
                   ActionCheckRepaymentSchedule, ActionCheckCreditLimit, ActionListTransactions]


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
        return [rendered(message, "en") for message in answer["responses"]]

    assert texts(call({"customer_id": "C001"})) == [
        "The balance of your debit card ending 0428 is CNY 52,380.25."]
    assert responses(call({})) == ["utter_login_required"]


# The demo customers' figures, in both languages.


@pytest.mark.parametrize("text, customer, language, answer", [
    ("我的余额是多少", "C001", "zh", "您尾号0428的借记卡余额为 ¥52,380.25。"),
    ("what's my balance", "C001", "en",
     "The balance of your debit card ending 0428 is CNY 52,380.25."),
    ("balance", "C003", "en", "The balance of your debit card ending 7750 is CNY 250,000.00."),
])
def test_balance(text, customer, language, answer):
    messages, _, _ = act(ActionCheckBalance, text, customer=customer, language=language)
    assert texts(messages) == [answer]


@pytest.mark.parametrize("text, language, answer", [
    ("我的持仓", "zh",
     "您持有 2 款理财产品，总市值 ¥43,245.80：\n"
     "· 活期宝（WM001）：市值 ¥12,000.00，昨日收益 ¥0.61\n"
     "· 均衡混合（WM004）：成本 ¥30,000.00，市值 ¥31,245.80，持有收益 +¥1,245.80"),
    ("my holdings", "en",
     "Your wealth products (2), worth CNY 43,245.80 in total:\n"
     "• Daily Cash (WM001): value CNY 12,000.00, yesterday's earnings CNY 0.61\n"
     "• Balanced Mix Fund (WM004): cost CNY 30,000.00, value CNY 31,245.80, "
     "gain +CNY 1,245.80"),
])
def test_holdings(text, language, answer):
    messages, _, _ = act(ActionCheckHoldings, text, language=language)
    assert texts(messages) == [answer]


def test_holdings_of_the_english_customer_and_of_a_customer_without_any():
    messages, _, _ = act(ActionCheckHoldings, "what do I hold", customer="C003", language="en")
    assert texts(messages) == [
        "Your wealth products (2), worth CNY 75,392.40 in total:\n"
        "• Growth Equity Fund (WM005): cost CNY 50,000.00, value CNY 53,912.40, "
        "gain +CNY 3,912.40\n"
        "• Global Tech QDII (WM006): cost CNY 20,000.00, value CNY 21,480.00, gain +CNY 1,480.00"
    ]
    messages, _, _ = act(ActionCheckHoldings, "我的理财", customer="C002")
    assert responses(messages) == ["utter_no_holdings"]


@pytest.mark.parametrize("text, language, answer", [
    ("持仓", "zh",
     "您持有 1 款理财产品，总市值 ¥4,900.00：\n"
     "· 成长股票（WM005）：成本 ¥5,000.00，市值 ¥4,900.00，持有亏损 ¥100.00，"
     "其中 ¥4,900.00 待2026年11月27日确认\n"
     "· 赎回在途：均衡混合（WM004）¥1,990.00，预计2026年12月1日到账"),
    ("holdings", "en",
     "Your wealth products (1), worth CNY 4,900.00 in total:\n"
     "• Growth Equity Fund (WM005): cost CNY 5,000.00, value CNY 4,900.00, "
     "loss CNY 100.00, CNY 4,900.00 of it confirmed on 27 Nov 2026\n"
     "• Redemption on its way: Balanced Mix Fund (WM004) CNY 1,990.00, arriving 1 Dec 2026"),
])
def test_holdings_awaiting_confirmation_at_a_loss_and_on_their_way_back(text, language, answer):
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
    messages, _, _ = act(ActionCheckHoldings, text, language=language, client=client)
    assert texts(messages) == [answer]


@pytest.mark.parametrize("text, language, answer", [
    ("我还能借多少", "zh", "您的贷款授信额度为 ¥80,000.00，已用 ¥10,223.96，当前可借 ¥69,776.04。"),
    ("what's my credit limit", "en", "Your credit line is CNY 80,000.00: CNY 10,223.96 in use, "
                                     "CNY 69,776.04 available to borrow."),
])
def test_credit_limit(text, language, answer):
    messages, _, _ = act(ActionCheckCreditLimit, text, language=language)
    assert texts(messages) == [answer]


@pytest.mark.parametrize("text, language, answer", [
    ("我的额度", "zh", "您的贷款授信额度为 ¥5,000.00，当前可借 ¥0.00：额度已冻结。"),
    ("my credit line", "en", "Your credit line is CNY 5,000.00, with CNY 0.00 available: "
                             "the line is frozen."),
])
def test_frozen_credit_line_is_explained(text, language, answer):
    messages, _, _ = act(ActionCheckCreditLimit, text, customer="C002", language=language)
    assert texts(messages)[0] == answer
    assert responses(messages) == ["utter_credit_line_frozen_figures",
                                   "utter_credit_line_frozen_overdue"]


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
        "Transactions from 1 Nov 2026 to 26 Nov 2026: 5, money in CNY 18,500.00, "
        "money out -CNY 8,132.33.",
        "25 Nov Coffee -CNY 32.00",
        "20 Nov Salary +CNY 18,500.00",
    ]


@pytest.mark.parametrize("text, period, language, answer", [
    ("上个月的交易", "上个月", "zh", "2026年10月1日至2026年10月31日没有交易记录。"),
    ("transactions today", "today", "en", "No transactions on 26 Nov 2026."),
])
def test_transactions_of_a_period_without_any(text, period, language, answer):
    messages, _, _ = act(ActionListTransactions, text, language=language,
                         entities=[entity("period", period)])
    assert texts(messages) == [answer]


def test_transactions_period_from_the_clock_the_entity_or_the_slot():
    # No period: the last 30 days, counted from the injected clock.
    _, events, client = act(ActionListTransactions, "交易明细")
    assert client.calls == [("transactions", "C001", date(2026, 10, 28), TODAY)]
    assert events == []
    client = FakeBankClient()
    action = ActionListTransactions(client=client, today=lambda: date(2027, 1, 10))
    run_action(action, make_tracker("上个月的交易", entities=[entity("period", "上个月")]))
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
    lines = ActionListTransactions.statement(Wording(make_tracker(), DOMAIN), result).split("\n")
    assert len(lines) == 12
    assert lines[0].startswith("2026年1月1日至2026年11月26日共15笔交易")
    assert lines[-1] == "……还有5笔较早的交易，完整明细请在App中查看。"
    english = Wording(make_tracker(language="en"), DOMAIN)
    lines = ActionListTransactions.statement(english, result).split("\n")
    assert lines[-1] == "…and 5 more, earlier; the app shows the full list."


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

