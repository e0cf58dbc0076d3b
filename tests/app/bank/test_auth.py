"""Every call carries the service token and the customer it is about; nobody sees another's data."""

import pytest

CUSTOMER_GETS = ["", "/balance", "/transactions", "/holdings", "/loans", "/loans/L1001",
                 "/loans/L1001/schedule", "/loans/L1001/payoff", "/credit-line", "/risk-profile",
                 "/suitable-products"]


def test_health_needs_no_token(api):
    assert api.client.get("/health").json() == {"status": "ok"}


@pytest.mark.parametrize("path", [f"/customers/C001{p}" for p in CUSTOMER_GETS] + ["/products"])
@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token", "Basic dGVzdA==", "Bearer "])
def test_no_or_wrong_token_is_401(api, path, authorization):
    headers = {"X-Customer-Id": "C001"}
    if authorization:
        headers["Authorization"] = authorization
    api.refused(api.client.get(path, headers=headers), 401, "unauthorised")


def test_money_moving_calls_need_the_token_too(api):
    response = api.client.post("/customers/C001/orders", headers={"X-Customer-Id": "C001",
                               "Idempotency-Key": "k1"},
                               json={"side": "buy", "product_code": "WM001", "amount": "10.00"})
    api.refused(response, 401, "unauthorised")
    assert api.balance("C001") == "52380.25"


@pytest.mark.parametrize("path", CUSTOMER_GETS)
def test_another_customers_id_is_403(api, path):
    response = api.client.get(f"/customers/C002{path}", headers=api.headers("C001"))
    body = api.refused(response, 403, "other_customer")
    assert "李娜" not in response.text and "3210.50" not in response.text, body


def test_money_moving_call_for_another_customer_is_403_and_moves_nothing(api):
    response = api.client.post(
        "/customers/C002/loans/L2001/repayments", json={"amount": "887.99"},
        headers=api.headers("C001", key="k2"),
    )
    api.refused(response, 403, "other_customer")
    assert api.balance("C002") == "3210.50"


def test_missing_customer_header_is_400(api):
    response = api.client.get("/customers/C001/balance",
                              headers={"Authorization": api.headers("C001")["Authorization"]})
    api.refused(response, 400, "customer_id_missing")


def test_unknown_customer_is_404(api):
    api.refused(api.get("C999", "/balance"), 404, "unknown_customer")


@pytest.mark.parametrize("path", ["/loans/L2001", "/loans/L2001/schedule", "/loans/L2001/payoff"])
def test_another_customers_loan_looks_like_no_loan(api, path):
    response = api.get("C001", path)
    body = api.refused(response, 404, "unknown_loan")
    assert "864.64" not in response.text and "C002" not in response.text, body
    assert api.get("C001", "/loans/L9999").json()["code"] == "unknown_loan"


def test_repaying_another_customers_loan_is_404_and_moves_nothing(api, moves):
    path = "/loans/L2001/repayments" + ("" if moves else "/quote")
    api.refused(api.post("C001", path, {"amount": "887.99"}), 404, "unknown_loan")
    api.refused(api.post("C001", path, {"amount": "100"}), 404, "unknown_loan")
    assert api.balance("C001") == "52380.25"
    assert api.get("C002", "/loans/L2001").json()["status"] == "overdue"


def test_freezing_another_customers_card_is_404(api):
    api.refused(api.post("C001", "/cards/DC002/freeze", {"reason": "lost"}), 404, "unknown_card")
    assert api.get("C002").json()["card"]["frozen"] is False


def test_openapi_documents_every_route(api):
    paths = api.client.get("/openapi.json").json()["paths"]
    for path in ["/health", "/products", "/products/{code}", "/customers/{customer_id}",
                 "/customers/{customer_id}/balance", "/customers/{customer_id}/transactions",
                 "/customers/{customer_id}/holdings", "/customers/{customer_id}/orders",
                 "/customers/{customer_id}/risk-profile",
                 "/customers/{customer_id}/suitable-products", "/customers/{customer_id}/loans",
                 "/customers/{customer_id}/loans/{loan_id}",
                 "/customers/{customer_id}/loans/{loan_id}/schedule",
                 "/customers/{customer_id}/loans/{loan_id}/payoff",
                 "/customers/{customer_id}/loans/{loan_id}/repayments",
                 "/customers/{customer_id}/credit-line",
                 "/customers/{customer_id}/cards/{card_id}/freeze",
                 "/customers/{customer_id}/handoffs"]:
        assert path in paths, path
    assert api.client.get("/docs").status_code == 200
