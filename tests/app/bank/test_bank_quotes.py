"""Quotes: what an order or a repayment would do now, refused exactly as the real one, and
nothing moves."""


def quote(api, customer, side, product, amount):
    body = {"side": side, "product_code": product, "amount": amount}
    return api.post(customer, "/orders/quote", body)


def holdings(api, customer):
    return api.get(customer, "/holdings").json()


def test_a_buy_quote_states_the_dates_fee_and_risk_notice_and_moves_nothing(api):
    before = holdings(api, "C001")
    response = quote(api, "C001", "buy", "WM004", "10000.00")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["order_id"], body["status"], body["fee"], body["balance"]) == (
        None, "quote", "15.00", "42380.25")
    assert (body["trade_date"], body["confirmation_date"]) == ("2026-11-26", "2026-11-27")
    assert body["risk_notice"]["zh"] == "理财非存款、产品有风险、投资须谨慎"
    assert api.balance("C001") == "52380.25"
    assert holdings(api, "C001") == before
    assert api.get("C001", "/transactions").json()["transactions"][0]["amount"] == "-32.00"


def test_a_buy_quote_after_the_cut_off_names_the_next_trading_day(api):
    api.at(2026, 11, 27, 15, 30)  # Friday after 15:00
    body = quote(api, "C001", "buy", "WM001", "500").json()
    assert (body["trade_date"], body["confirmation_date"]) == ("2026-11-30", "2026-12-01")


def test_a_redeem_quote_moves_nothing(api):
    body = quote(api, "C001", "redeem", "WM001", "12000").json()
    assert (body["status"], body["fast"], body["proceeds"], body["arrival_date"]) == (
        "quote", False, "12000.00", "2026-11-27")
    assert api.balance("C001") == "52380.25"
    assert holdings(api, "C001")["holdings"][0]["redeemable"] == "12000.00"


def test_quotes_are_refused_like_the_real_thing(api):
    api.refused(quote(api, "C001", "buy", "WM005", "1000"), 422, "above_risk_level")
    api.refused(quote(api, "C002", "buy", "WM001", "100"), 422, "risk_assessment_required")
    api.refused(quote(api, "C001", "buy", "WM002", "500"), 422, "below_minimum")
    api.refused(quote(api, "C001", "buy", "WM001", "60000"), 422, "above_balance")
    api.refused(quote(api, "C001", "redeem", "WM001", "12000.01"), 422, "above_holding")
    api.refused(quote(api, "C001", "buy", "WM999", "100"), 404, "unknown_product")
    api.refused(quote(api, "C001", "buy", "WM001", "-5"), 422, "invalid_amount")


def test_a_repayment_quote_splits_the_amount_and_moves_nothing(api):
    response = api.post("C001", "/loans/L1001/repayments/quote", {"amount": "5000"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["repayment_id"] is None
    assert body["amount"] == "5000.00"
    assert body["balance"] == "47380.25"
    assert api.balance("C001") == "52380.25"
    assert api.get("C001", "/loans/L1001").json()["outstanding_principal"] == "10223.96"
    payoff = api.get("C001", "/loans/L1001/payoff").json()["total"]
    api.refused(api.post("C001", "/loans/L1001/repayments/quote", {"amount": "99999"}),
                422, "above_outstanding")
    full = api.post("C001", "/loans/L1001/repayments/quote", {"amount": payoff}).json()
    assert full["loan"]["status"] == "closed"
    api.refused(api.post("C002", "/loans/L2001/repayments/quote", {"amount": "100"}),
                422, "below_amount_due")
    api.refused(api.post("C001", "/loans/L2001/repayments/quote", {"amount": "100"}),
                404, "unknown_loan")
