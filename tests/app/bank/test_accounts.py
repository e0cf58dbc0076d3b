"""Profile, balance, transactions, holdings, credit line, products, card freeze and hand-offs."""


def test_profile(api):
    assert api.get("C001").json() == {
        "customer_id": "C001", "name": "张伟", "language": "zh",
        "card": {"card_id": "DC001", "masked_number": "6217 **** **** 0428", "frozen": False},
    }
    assert api.get("C003").json()["language"] == "en"


def test_balances_of_the_demo_customers(api):
    assert [api.balance(c) for c in ("C001", "C002", "C003")] == ["52380.25", "3210.50",
                                                                   "250000.00"]
    assert api.get("C001", "/balance").json()["currency"] == "CNY"


def test_transactions_newest_first(api):
    body = api.get("C001", "/transactions").json()
    assert [(t["booked_on"], t["amount"], t["description_en"]) for t in body["transactions"]] == [
        ("2026-11-25", "-32.00", "Coffee"),
        ("2026-11-20", "18500.00", "Salary"),
        ("2026-11-15", "-2100.33", "Loan installment L1001"),
        ("2026-11-12", "-1000.00", "Transfer to 王芳"),
        ("2026-11-08", "-5000.00", "Purchase Daily Cash"),
    ]
    assert (body["start"], body["end"]) == ("2026-10-27", "2026-11-26")


def test_transactions_in_a_period(api):
    body = api.get("C001", "/transactions", start="2026-11-12", end="2026-11-20").json()
    assert [t["booked_on"] for t in body["transactions"]] == ["2026-11-20", "2026-11-15",
                                                              "2026-11-12"]
    assert api.get("C002", "/transactions").json()["transactions"] == []
    api.refused(api.get("C001", "/transactions", start="2026-11-20", end="2026-11-01"), 400,
                "invalid_period")
    api.refused(api.get("C001", "/transactions", start="last month"), 400, "invalid_request")


def test_holdings_of_c001(api):
    body = api.get("C001", "/holdings").json()
    wm001, wm004 = body["holdings"]
    assert (wm001["product_code"], wm001["market_value"], wm001["yesterday_earnings"]) == (
        "WM001", "12000.00", "0.61")
    assert (wm004["product_code"], wm004["cost"], wm004["market_value"], wm004["profit"]) == (
        "WM004", "30000.00", "31245.80", "1245.80")
    assert wm004["redeemable"] == "31245.80" and wm004["lots"][0]["status"] == "redeemable"
    assert (body["total_cost"], body["total_market_value"]) == ("42000.00", "43245.80")
    assert body["redemptions_in_transit"] == []


def test_holdings_of_c003_and_c002(api):
    holdings = api.get("C003", "/holdings").json()["holdings"]
    assert [(h["product_code"], h["cost"], h["market_value"]) for h in holdings] == [
        ("WM005", "50000.00", "53912.40"), ("WM006", "20000.00", "21480.00")]
    assert api.get("C002", "/holdings").json()["holdings"] == []


def test_credit_lines(api):
    c001 = api.get("C001", "/credit-line").json()
    assert (c001["limit"], c001["available"], c001["outstanding_principal"], c001["frozen"]) == (
        "80000.00", "69776.04", "10223.96", False)
    c002 = api.get("C002", "/credit-line").json()
    assert (c002["limit"], c002["available"], c002["frozen"], c002["frozen_reason"]) == (
        "5000.00", "0.00", True, "overdue")
    c003 = api.get("C003", "/credit-line").json()
    assert (c003["limit"], c003["available"], c003["frozen"]) == ("200000.00", "200000.00", False)


def test_products(api):
    headers = {"Authorization": api.headers("C001")["Authorization"]}
    products = api.client.get("/products", headers=headers).json()
    assert [(p["code"], p["risk"], p["min_purchase"]) for p in products] == [
        ("WM001", "R1", "1.00"), ("WM002", "R2", "1000.00"), ("WM003", "R2", "100.00"),
        ("WM004", "R3", "100.00"), ("WM005", "R4", "100.00"), ("WM006", "R5", "1000.00")]
    wm006 = api.client.get("/products/wm006", headers=headers).json()
    assert (wm006["name_zh"], wm006["purchase_fee_rate"], wm006["redemption_days"]) == (
        "全球科技QDII", "0.0012", 7)
    assert wm006["redemption_fees"] == [{"min_days_held": 0, "rate": "0.015"},
                                        {"min_days_held": 7, "rate": "0.005"}]
    assert products[0]["fast_redemption_daily_limit"] == "10000.00"
    assert products[1]["closed_days"] == 90
    api.refused(api.client.get("/products/WM999", headers=headers), 404, "unknown_product")


def test_freeze_card_blocks_money_leaving_it(api):
    response = api.post("C001", "/cards/DC001/freeze", {"reason": "lost"}, key="freeze-1")
    assert response.status_code == 200
    body = response.json()
    assert (body["frozen"], body["reason"], body["already_frozen"]) == (True, "lost", False)
    assert body["frozen_at"].startswith("2026-11-26T10:00:00+08:00")
    assert api.get("C001").json()["card"]["frozen"] is True
    assert api.get("C001", "/balance").json()["frozen"] is True
    # Repeating the key changes nothing; a new request says it was frozen already.
    repeat = api.post("C001", "/cards/DC001/freeze", {"reason": "lost"}, key="freeze-1")
    assert repeat.json() == body
    again = api.post("C001", "/cards/DC001/freeze", {"reason": "fraud"}).json()
    assert (again["already_frozen"], again["reason"]) == (True, "lost")

    buy = api.post("C001", "/orders", {"side": "buy", "product_code": "WM001", "amount": "100.00"})
    api.refused(buy, 422, "card_frozen")
    repay = api.post("C001", "/loans/L1001/repayments", {"amount": "100.00"})
    api.refused(repay, 422, "card_frozen")
    assert api.balance("C001") == "52380.25"
    # Money may still come in: a fast redemption of Daily Cash arrives.
    redeem = api.post("C001", "/orders", {"side": "redeem", "product_code": "WM001",
                                          "amount": "100.00"})
    assert redeem.status_code == 201 and api.balance("C001") == "52480.25"


def test_freeze_needs_an_idempotency_key_and_a_known_reason(api):
    response = api.client.post("/customers/C001/cards/DC001/freeze", json={"reason": "lost"},
                               headers=api.headers("C001"))
    api.refused(response, 400, "idempotency_key_missing")
    api.refused(api.post("C001", "/cards/DC001/freeze", {"reason": "bored"}), 400,
                "invalid_request")
    api.refused(api.post("C001", "/cards/DC999/freeze", {}), 404, "unknown_card")
    assert api.get("C001").json()["card"]["frozen"] is False


def test_handoff_inside_service_hours_gets_a_queue_position(api):
    first = api.post("C001", "/handoffs", {"summary": "想咨询提前还款"})
    assert first.status_code == 201
    body = first.json()
    assert (body["position"], body["agents_on_duty"], body["status"]) == (1, True, "waiting")
    second = api.post("C003", "/handoffs", {"summary": "Question about QDII fees",
                                            "language": "en"}).json()
    assert second["position"] == 2


def test_handoff_outside_service_hours_says_when_an_agent_replies(api):
    api.at(2026, 11, 26, 21, 0)
    late = api.post("C001", "/handoffs", {"summary": "card lost"}).json()
    assert (late["agents_on_duty"], late["agent_available_at"]) == (
        False, "2026-11-27T09:00:00+08:00")
    api.at(2026, 11, 27, 8, 59)
    early = api.post("C001", "/handoffs", {"summary": "card lost"}).json()
    assert (early["agents_on_duty"], early["agent_available_at"]) == (
        False, "2026-11-27T09:00:00+08:00")
    assert early["position"] == 2  # still queued behind the night's first request
    api.at(2026, 11, 28, 20, 59)  # Saturday evening: agents work every day
    assert api.post("C001", "/handoffs", {"summary": "x"}).json()["agents_on_duty"] is True


def test_handoff_needs_a_summary(api):
    api.refused(api.post("C001", "/handoffs", {"summary": ""}), 400, "invalid_request")
