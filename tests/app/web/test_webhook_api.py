"""The public webhook's contract and its guards, with Rasa replaced by a fake transport."""

import json
import time
from contextlib import ExitStack

import httpx
import jwt
import pytest
from fastapi.testclient import TestClient

from core.config import Settings, get_settings
from web.main import create_app
from web.manage import migrate
from web.security import issue_token

PARTNER_KEY = "partner-test-key"
URL = "/webhooks/rest/webhook"


@pytest.fixture
def settings(tmp_path):
    settings = Settings(data_dir=tmp_path, partner_api_keys=[PARTNER_KEY], rate_limit_messages=5,
                        rate_limit_seconds=60, token_secret="test-secret-" + "x" * 32)
    migrate(settings)
    return settings


@pytest.fixture
def seen():
    """What the fake Rasa received, request by request."""
    return []


@pytest.fixture
def client(client_with_rasa, seen):
    def echo(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        seen.append(body)
        return httpx.Response(200, json=[{"recipient_id": body["sender"], "text": body["message"]}])

    return client_with_rasa(echo)


@pytest.fixture
def client_with_rasa(settings):
    """Starts the web app with a fake Rasa answering as `handler` does."""
    with ExitStack() as started:
        yield lambda handler: started.enter_context(
            TestClient(create_app(settings, httpx.MockTransport(handler))))


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def sign_in(client, customer="C001", password="zhangwei-2026"):
    return client.post("/auth/token", json={"customer_id": customer, "password": password})


# -- the message and Rasa ----------------------------------------------------------------------

def test_passes_the_message_to_rasa_and_returns_its_replies(client):
    response = client.post(URL, json={"sender": "s1", "message": "你好"})
    assert response.status_code == 200
    assert response.json() == [{"recipient_id": "s1", "text": "你好"}]


@pytest.mark.parametrize(
    "body, reason",
    [
        ({"message": "hi"}, "sender"),
        ({"sender": "s1"}, "message"),
        ({"sender": "s1", "message": ""}, "message"),
        ({"sender": "s1", "message": 5}, "message"),
        ({"sender": "s1", "message": "hi", "metadata": "x"}, "metadata"),
    ],
)
def test_missing_or_bad_fields_get_400_with_the_reason(client, body, reason):
    response = client.post(URL, json=body)
    assert response.status_code == 400
    assert reason in response.json()["detail"]


@pytest.mark.parametrize("content", [b"{not json", b"", b"[1, 2]", "好".encode("gbk")])
def test_malformed_bodies_get_400(client, content):
    response = client.post(URL, content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.json()["detail"]


def test_a_message_over_2000_characters_gets_413(client, seen):
    response = client.post(URL, json={"sender": "s1", "message": "好" * 2001})
    assert response.status_code == 413
    assert "2000" in response.json()["detail"]
    assert client.post(URL, json={"sender": "s1", "message": "好" * 2000}).status_code == 200
    assert len(seen) == 1


def test_rasa_down_gets_503_with_a_kind_message(client_with_rasa):
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    response = client_with_rasa(down).post(URL, json={"sender": "s1", "message": "hi"})
    assert response.status_code == 503
    assert "not available" in response.json()["detail"]


def test_too_many_messages_on_one_conversation_get_429_with_retry_after(client, seen):
    for _ in range(5):
        assert client.post(URL, json={"sender": "busy", "message": "hi"}).status_code == 200
    response = client.post(URL, json={"sender": "busy", "message": "hi"})
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert len(seen) == 5  # the sixth never reached Rasa
    assert client.post(URL, json={"sender": "another", "message": "hi"}).status_code == 200


def test_health_reports_rasa_state(client_with_rasa):
    client = client_with_rasa(lambda request: httpx.Response(200, json={}))
    assert client.get("/health").json() == {"status": "ok", "rasa": "ready"}
    client = client_with_rasa(lambda request: httpx.Response(503))
    assert client.get("/health").json()["rasa"] == "unavailable"


def test_the_webhook_is_documented_in_openapi(client):
    spec = client.get("/openapi.json").json()
    webhook = spec["paths"][URL]["post"]
    assert {"400", "401", "403", "413", "429", "503"} <= set(webhook["responses"])
    assert {"HTTPBearer", "APIKeyHeader"} <= set(spec["components"]["securitySchemes"])
    assert "/auth/token" in spec["paths"]


# -- identity ----------------------------------------------------------------------------------

def test_anonymous_messages_carry_no_identity_whatever_the_metadata_says(client, seen):
    client.post(URL, json={"sender": "s1", "message": "balance",
                           "metadata": {"customer_id": "C003", "channel": "app"}})
    assert seen[-1]["metadata"] == {"channel": "app"}


def test_a_signed_in_customer_is_passed_on_and_the_token_renewed(client, seen, settings):
    signed = sign_in(client)
    assert signed.status_code == 200
    token = signed.json()["access_token"]
    assert signed.json()["name"] == "张伟" and signed.json()["expires_in"] == 30 * 60
    response = client.post(URL, headers=bearer(token), json={
        "sender": "c1", "message": "我的余额", "metadata": {"customer_id": "C003"}})
    assert response.status_code == 200
    assert seen[-1]["metadata"] == {"customer_id": "C001"}  # the token's, not the caller's
    renewed = jwt.decode(response.headers["X-Renewed-Token"], settings.token_secret,
                         algorithms=["HS256"])
    assert renewed["sub"] == "C001" and renewed["exp"] > time.time() + 29 * 60


@pytest.mark.parametrize("customer, password", [
    ("C001", "wrong"), ("C001", "lina-2026"), ("C999", "zhangwei-2026"), ("", "x")])
def test_a_wrong_password_or_unknown_customer_cannot_sign_in(client, customer, password):
    response = sign_in(client, customer, password)
    assert response.status_code in (400, 401)
    assert "access_token" not in response.json()


def test_password_guessing_is_slowed_down(client):
    for _ in range(5):
        assert sign_in(client, "C002", "guess").status_code == 401
    response = sign_in(client, "C002", "lina-2026")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1


def test_the_demo_passwords_are_stored_hashed():
    stored = get_settings().customer_logins.read_text(encoding="utf-8")
    assert "zhangwei-2026" not in stored and stored.count("$argon2id$") == 3


def expired(settings):
    return jwt.encode({"sub": "C001", "exp": int(time.time()) - 5}, settings.token_secret,
                      algorithm="HS256")


def forged(settings):
    return jwt.encode({"sub": "C001", "exp": int(time.time()) + 600}, "someone-else's-secret" * 2,
                      algorithm="HS256")


def unsigned(settings):
    return jwt.encode({"sub": "C001", "exp": int(time.time()) + 600}, None, algorithm="none")


@pytest.mark.parametrize("headers, reason", [
    (lambda s: bearer(expired(s)), "expired"),
    (lambda s: bearer(forged(s)), "not valid"),
    (lambda s: bearer(unsigned(s)), "not valid"),
    (lambda s: bearer("not.a.token"), "not valid"),
    (lambda s: bearer(jwt.encode({"sub": "C001"}, s.token_secret, algorithm="HS256")),
     "not valid"),  # no expiry
    (lambda s: {"Authorization": "Basic QzAwMTpwdw=="}, "Bearer"),
    (lambda s: {"Authorization": "Bearer"}, "Bearer"),
    (lambda s: {"X-API-Key": "guessed"}, "partner"),
])
def test_bad_credentials_get_401_and_reach_nobody(client, seen, settings, headers, reason):
    response = client.post(URL, headers=headers(settings), json={"sender": "s1", "message": "hi"})
    assert response.status_code == 401
    assert reason in response.json()["detail"]
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert seen == []


def test_a_conversation_is_refused_to_another_customer_and_to_anonymous(client, seen, settings):
    mine = {"sender": "conv-1", "message": "我的余额"}
    assert client.post(URL, headers=bearer(issue_token("C001", settings)), json=mine
                       ).status_code == 200
    for headers in (bearer(issue_token("C003", settings)), {"X-API-Key": PARTNER_KEY}, {}):
        response = client.post(URL, headers=headers, json=mine)
        assert response.status_code == 403
        assert "another customer" in response.json()["detail"]
    assert len(seen) == 1
    assert client.post(URL, headers=bearer(issue_token("C001", settings)), json=mine
                       ).status_code == 200


def test_an_anonymous_conversation_continues_after_signing_in(client, seen, settings):
    assert client.post(URL, json={"sender": "conv-2", "message": "hi"}).status_code == 200
    response = client.post(URL, headers=bearer(issue_token("C002", settings)),
                           json={"sender": "conv-2", "message": "我的余额"})
    assert response.status_code == 200 and seen[-1]["metadata"] == {"customer_id": "C002"}


def test_a_partner_asks_anonymously_even_for_account_data(client, seen):
    response = client.post(URL, headers={"X-API-Key": PARTNER_KEY}, json={
        "sender": "partner-1", "message": "我的余额是多少", "metadata": {"customer_id": "C001"}})
    assert response.status_code == 200
    assert "customer_id" not in seen[-1]["metadata"]
    assert "X-Renewed-Token" not in response.headers


def test_a_token_and_a_partner_key_together_are_refused(client, settings):
    headers = {**bearer(issue_token("C001", settings)), "X-API-Key": PARTNER_KEY}
    response = client.post(URL, headers=headers, json={"sender": "s1", "message": "hi"})
    assert response.status_code == 400


def test_chat_page_is_served(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "widget.js" in response.text
