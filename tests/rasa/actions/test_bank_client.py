"""HttpBankClient (actions/bank_client.py): the HTTP contract, the failure mapping, the one
long-lived client, the 5-second promise, and the client against the real sandbox account service
(the sandbox_bank fixture, tests/rasa/actions/conftest.py: one service for this module).
"""

import asyncio
import socket
import time
from datetime import date
from decimal import Decimal

import httpx
import pytest

from actions.account import (
    ActionCheckBalance,
    ActionCheckCreditLimit,
    ActionCheckLoan,
    ActionListTransactions,
)
from actions.bank_client import BankRefused, BankUnavailable, HttpBankClient, the_bank
from actions.settings import Settings
from tests.rasa.actions.demo_bank import C001_TRANSACTIONS, DEMO_BANK, L1001, L1001_SCHEDULE
from tests.rasa.actions.fakes import (
    TODAY,
    entity,
    free_port,
    make_tracker,
    responses,
    run_action,
    texts,
)


def test_the_actions_share_one_long_lived_client_of_the_bank():
    """One client per process, keeping its connections: not one (and one TLS set-up) per call."""
    assert ActionCheckBalance().client is ActionCheckLoan().client is the_bank()

    async def same_connection_pool() -> bool:
        return the_bank()._http.get() is the_bank()._http.get()

    assert asyncio.run(same_connection_pool())


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


def test_a_service_that_is_down_gets_the_apology_at_once():
    settings = Settings(bank_url=f"http://127.0.0.1:{free_port()}")  # nobody listens there
    action = ActionCheckBalance(client=HttpBankClient(settings), today=lambda: TODAY)
    started = time.monotonic()
    messages, _ = run_action(action, make_tracker("余额"))
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
        messages, _ = run_action(action, make_tracker("how much do I owe", language="en"))
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
    messages, _ = run_action(ActionCheckBalance(client=client, today=lambda: TODAY),
                             make_tracker("余额"))
    assert texts(messages) == ["您尾号0428的借记卡余额为 ¥52,380.25。"]
    messages, _ = run_action(ActionCheckCreditLimit(client=client, today=lambda: TODAY),
                             make_tracker("my credit line", customer="C002", language="en"))
    assert texts(messages)[0] == ("Your credit line is CNY 5,000.00, with CNY 0.00 available: "
                                  "the line is frozen.")
    messages, _ = run_action(ActionListTransactions(client=client, today=lambda: TODAY),
                             make_tracker("这个月的交易", entities=[entity("period", "这个月")]))
    assert texts(messages)[0].startswith("2026年11月1日至2026年11月26日共5笔交易")


# The forms' calls against the same sandbox service: these move money, so they come last.


def test_real_service_quotes_then_moves_money_once_per_key(sandbox_bank):
    client = HttpBankClient(sandbox_bank)
    quote = asyncio.run(client.repay("C001", "L1001", Decimal("5000"), key=None))
    assert quote.repayment_id is None and quote.balance == Decimal("47380.25")
    assert asyncio.run(client.balance("C001")).balance == Decimal("52380.25")
    first = asyncio.run(client.repay("C001", "L1001", Decimal("5000"), key="test-key-1"))
    again = asyncio.run(client.repay("C001", "L1001", Decimal("5000"), key="test-key-1"))
    assert first.repayment_id == again.repayment_id is not None
    assert asyncio.run(client.balance("C001")).balance == Decimal("47380.25")
    with pytest.raises(BankRefused) as refused:
        asyncio.run(client.repay("C001", "L1001", Decimal("99999"), key=None))
    assert refused.value.code == "above_outstanding" and "payoff" in refused.value.extra


def test_real_service_orders_risk_profile_freeze_and_handoff(sandbox_bank):
    client = HttpBankClient(sandbox_bank)
    quote = asyncio.run(client.order("C003", "buy", "WM006", Decimal("5000"), key=None))
    assert (quote.order_id, quote.confirmation_date) == (None, date(2026, 11, 27))
    assert quote.risk_notice["zh"] == "理财非存款、产品有风险、投资须谨慎"
    with pytest.raises(BankRefused) as refused:
        asyncio.run(client.order("C001", "buy", "WM005", Decimal("5000"), key=None))
    assert refused.value.code == "above_risk_level" and refused.value.extra["alternatives"]
    profile = asyncio.run(client.assess_risk("C002", list("DDDDADD")))
    assert (profile.level, profile.valid_until, profile.valid) == ("C1", date(2027, 11, 26), True)
    suitable = asyncio.run(client.suitable_products("C002"))
    assert [p.code for p in suitable.products] == ["WM001"]
    assert [p.code for p in asyncio.run(client.products())][:2] == ["WM001", "WM002"]
    frozen = asyncio.run(client.freeze_card("C003", "DC003", "lost", key="freeze-1"))
    assert (frozen.last_digits, frozen.already_frozen) == ("7750", False)
    queued = asyncio.run(client.request_handoff("C003", "Wants to talk about a loan.", "en"))
    assert queued.agents_on_duty and queued.position >= 1
