"""The authenticated channel end to end: tokens from the web app's sign-in reach the real Rasa
and actions as the only identity; partner keys and strangers get no account data."""

import uuid

import httpx
import pytest

URL = "/webhooks/rest/webhook"


@pytest.fixture(scope="module", autouse=True)
def seeded_bank(reseed_bank):
    reseed_bank()


@pytest.fixture
def web(stack):
    with httpx.Client(base_url=stack.settings.web_url, timeout=30) as client:
        yield client


def token(web, customer, password):
    response = web.post("/auth/token", json={"customer_id": customer, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def said(response) -> str:
    assert response.status_code == 200, response.text
    return "\n".join(reply.get("text") or "" for reply in response.json())


def test_a_signed_in_customer_sees_their_balance_and_nobody_else_does(web):
    sender = f"chan-{uuid.uuid4().hex}"
    c001 = {"Authorization": f"Bearer {token(web, 'C001', 'zhangwei-2026')}"}
    reply = web.post(URL, headers=c001, json={"sender": sender, "message": "我的余额是多少"})
    assert "52,380.25" in said(reply)
    assert reply.headers["X-Renewed-Token"]
    c003 = {"Authorization": f"Bearer {token(web, 'C003', 'emily-2026')}"}
    stranger = web.post(URL, headers=c003, json={"sender": sender, "message": "my balance"})
    assert stranger.status_code == 403 and "52,380.25" not in stranger.text


@pytest.mark.parametrize("message, login", [("我的余额是多少", "登录"),
                                            ("what's my balance", "log in")])
def test_a_partner_key_asking_for_account_data_is_asked_to_log_in(stack, web, message, login):
    partner = {"X-API-Key": stack.settings.partner_api_keys[0]}
    reply = said(web.post(URL, headers=partner, json={
        "sender": f"partner-{uuid.uuid4().hex}", "message": message,
        "metadata": {"customer_id": "C001"}}))
    assert login in reply and "52,380.25" not in reply


def test_identity_in_the_callers_metadata_proves_nothing(web):
    reply = said(web.post(URL, json={"sender": f"anon-{uuid.uuid4().hex}",
                                     "message": "我的余额是多少",
                                     "metadata": {"customer_id": "C001"}}))
    assert "52,380.25" not in reply and "登录" in reply
