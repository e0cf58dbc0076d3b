"""The public webhook's contract, with Rasa replaced by a fake transport."""

import httpx
import pytest
from fastapi.testclient import TestClient

from web.api.deps import get_rasa
from web.main import app
from web.rasa_client import RasaClient


def client_with_rasa(handler) -> TestClient:
    async def fake_rasa():
        async with httpx.AsyncClient(
            transport=httpx.MockTransport(handler), base_url="http://rasa"
        ) as http:
            yield RasaClient(http)

    app.dependency_overrides[get_rasa] = fake_rasa
    return TestClient(app)


@pytest.fixture(autouse=True)
def reset_overrides():
    yield
    app.dependency_overrides.clear()


def echo(request: httpx.Request) -> httpx.Response:
    import json

    body = json.loads(request.content)
    return httpx.Response(200, json=[{"recipient_id": body["sender"], "text": body["message"]}])


def test_passes_the_message_to_rasa_and_returns_its_replies():
    client = client_with_rasa(echo)
    response = client.post("/webhooks/rest/webhook", json={"sender": "s1", "message": "你好"})
    assert response.status_code == 200
    assert response.json() == [{"recipient_id": "s1", "text": "你好"}]


def test_caller_metadata_is_not_passed_on_as_identity():
    seen = {}

    def record(request: httpx.Request) -> httpx.Response:
        import json

        seen.update(json.loads(request.content))
        return httpx.Response(200, json=[])

    client = client_with_rasa(record)
    client.post(
        "/webhooks/rest/webhook",
        json={"sender": "s1", "message": "balance", "metadata": {"customer_id": "C003"}},
    )
    assert "customer_id" not in seen["metadata"]


@pytest.mark.parametrize(
    "body, reason",
    [
        ({"message": "hi"}, "sender"),
        ({"sender": "s1"}, "message"),
        ({"sender": "s1", "message": ""}, "message"),
        ({"sender": "s1", "message": 5}, "message"),
    ],
)
def test_missing_or_bad_fields_get_400_with_the_reason(body, reason):
    response = client_with_rasa(echo).post("/webhooks/rest/webhook", json=body)
    assert response.status_code == 400
    assert reason in response.json()["detail"]


def test_malformed_json_gets_400():
    response = client_with_rasa(echo).post(
        "/webhooks/rest/webhook", content=b"{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


def test_a_message_over_2000_characters_gets_413():
    response = client_with_rasa(echo).post(
        "/webhooks/rest/webhook", json={"sender": "s1", "message": "好" * 2001}
    )
    assert response.status_code == 413


def test_rasa_down_gets_503_with_a_kind_message():
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    response = client_with_rasa(down).post(
        "/webhooks/rest/webhook", json={"sender": "s1", "message": "hi"}
    )
    assert response.status_code == 503
    assert "not available" in response.json()["detail"]


def test_health_reports_rasa_state():
    client = client_with_rasa(lambda request: httpx.Response(200, json={}))
    assert client.get("/health").json() == {"status": "ok", "rasa": "ready"}
    client = client_with_rasa(lambda request: httpx.Response(503))
    assert client.get("/health").json()["rasa"] == "unavailable"


def test_chat_page_is_served():
    response = client_with_rasa(echo).get("/")
    assert response.status_code == 200
    assert "/webhooks/rest/webhook" in response.text
