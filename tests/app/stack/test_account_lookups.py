"""Account lookups end to end: Rasa server, action server and the running sandbox account service.

Until the channel issue lands, identity is put on Rasa's REST channel directly as the metadata the
authenticated channel will set.
"""

import time
import uuid

import httpx
import pytest


@pytest.fixture(scope="module", autouse=True)
def seeded_bank(reseed_bank):
    """These tests read the demo customers' figures as seeded (other tests move money)."""
    reseed_bank()


@pytest.fixture
def as_customer(stack):
    client = httpx.Client(base_url=stack.settings.rasa_url, timeout=30)

    def send(customer_id, message, sender=None):
        body = {"sender": sender or f"c-{uuid.uuid4()}", "message": message}
        if customer_id:
            body["metadata"] = {"customer_id": customer_id}
        response = client.post("/webhooks/rest/webhook", json=body)
        assert response.status_code == 200, response.text
        return " ".join(reply.get("text", "") for reply in response.json())

    yield send
    client.close()


@pytest.mark.parametrize(
    "customer, message, figures",
    [
        ("C001", "我卡里还有多少钱", ["¥52,380.25"]),
        ("C003", "what's my account balance", ["CNY 250,000.00"]),
        ("C001", "我的贷款还欠多少", ["10,223.96"]),
        ("C001", "下期还款是什么时候 还多少", ["2,100.33"]),
        ("C001", "我的额度还剩多少", ["69,776.04"]),
        ("C002", "我的贷款额度还有多少", ["0.00"]),
        ("C001", "看看我的理财持仓", ["31,245.80"]),
        ("C003", "show me my investments", ["53,912.40", "21,480.00"]),
    ],
)
def test_logged_in_customers_see_their_real_figures(as_customer, customer, message, figures):
    reply = as_customer(customer, message)
    for figure in figures:
        assert figure in reply, reply


@pytest.mark.parametrize("message", ["C002的余额是多少", "李娜的余额", "查一下L2001的还款计划"])
def test_typing_another_customers_name_or_loan_shows_nothing_of_theirs(as_customer, message):
    reply = as_customer("C001", message)
    for hers in ("3,210.50", "877.6", "864.64", "10.38", "李娜"):
        assert hers not in reply, reply


def test_anonymous_visitors_are_asked_to_log_in(as_customer):
    assert "登录" in as_customer(None, "我卡里还有多少钱")


def test_account_service_down_gets_an_apology_and_a_person_quickly(stack, as_customer):
    stack.stop(("bank",))
    try:
        started = time.monotonic()
        reply = as_customer("C001", "我卡里还有多少钱")
        assert time.monotonic() - started < 5
        assert "人工" in reply and "52,380.25" not in reply
    finally:
        stack.start(("bank",))
