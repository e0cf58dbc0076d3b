"""Buying and redeeming: suitability, minimums, balance, the 15:00 cut-off, fees, arrival dates.

A test that takes `moves` runs on POST /orders and on POST /orders/quote (what the order would
do now, refused exactly as the real one, and nothing moves)."""

from datetime import date
from decimal import Decimal as D

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bank.models import Order, Transaction


def order(api, customer, side, product, amount, key=None, moves=True):
    """POST /orders, or with moves=False its quote."""
    body = {"side": side, "product_code": product, "amount": amount}
    return api.post(customer, "/orders" if moves else "/orders/quote", body, key=key)


def holdings(api, customer):
    return api.get(customer, "/holdings").json()


def test_buy_before_the_cut_off(api, moves):
    before = holdings(api, "C001")
    body = api.accepted(order(api, "C001", "buy", "WM004", "10000.00", moves=moves), moves)
    assert (body["order_id"] is None) is not moves
    assert (body["status"], body["amount"], body["fee"]) == (
        "awaiting_confirmation" if moves else "quote", "10000.00", "15.00")  # purchase fee 0.15%
    assert (body["trade_date"], body["confirmation_date"], body["earning_date"]) == (
        "2026-11-26", "2026-11-27", "2026-11-27")
    assert body["risk_notice"] == {
        "zh": "理财非存款、产品有风险、投资须谨慎",
        "en": "Wealth products are not deposits. Investing involves risk.",
    }
    assert body["balance"] == "42380.25"
    assert api.balance("C001") == ("42380.25" if moves else "52380.25")
    if not moves:  # the quote moved nothing
        assert holdings(api, "C001") == before
        assert api.get("C001", "/transactions").json()["transactions"][0]["amount"] == "-32.00"
        return
    wm004 = holdings(api, "C001")["holdings"][1]
    new_lot = wm004["lots"][1]
    assert (new_lot["status"], new_lot["cost"], new_lot["market_value"]) == (
        "awaiting_confirmation", "10000.00", "9985.00")
    assert wm004["redeemable"] == "31245.80"
    latest = api.get("C001", "/transactions").json()["transactions"][0]
    assert (latest["amount"], latest["description_zh"]) == ("-10000.00", "购买 均衡混合")

    api.at(2026, 11, 27, 9, 0)
    assert api.get("C001", "/holdings").json()["holdings"][1]["redeemable"] == "41230.80"


def test_cut_off_across_15_00_and_the_weekend(api, moves):
    def dates():
        body = order(api, "C001", "buy", "WM001", "100.00", moves=moves).json()
        return body["trade_date"], body["confirmation_date"]

    api.at(2026, 11, 26, 14, 59)
    assert dates() == ("2026-11-26", "2026-11-27")  # Thursday before 15:00: T+1 is Friday
    api.at(2026, 11, 26, 15, 0)
    assert dates() == ("2026-11-27", "2026-11-30")  # 15:00 counts as Friday: T+1 is Monday
    api.at(2026, 11, 27, 15, 30)
    assert dates() == ("2026-11-30", "2026-12-01")  # Friday after 15:00: Monday, Tuesday
    api.at(2026, 11, 27, 16, 0)
    assert dates() == ("2026-11-30", "2026-12-01")  # later on Friday too
    api.at(2026, 11, 28, 11, 0)
    assert dates() == ("2026-11-30", "2026-12-01")  # Saturday
    api.at(2026, 11, 29, 14, 0)
    assert dates() == ("2026-11-30", "2026-12-01")  # Sunday before 15:00 too


def test_unknown_product_and_amount_refusals(api, moves):
    def refused(side, product, amount, status, code):
        api.refused(order(api, "C001", side, product, amount, moves=moves), status, code)

    refused("buy", "WM999", "100.00", 404, "unknown_product")
    refused("redeem", "XYZ", "100.00", 404, "unknown_product")
    refused("buy", "WM001", "0", 422, "invalid_amount")
    refused("buy", "WM001", "-5", 422, "invalid_amount")
    refused("redeem", "WM001", "-1", 422, "invalid_amount")
    refused("buy", "WM001", "abc", 400, "invalid_request")
    refused("sell", "WM001", "1", 400, "invalid_request")


def test_below_minimum(api, moves):
    body = api.refused(order(api, "C001", "buy", "WM002", "999.99", moves=moves), 422,
                       "below_minimum")
    assert body["minimum"] == "1000.00" and "1,000.00" in body["detail"]
    api.refused(order(api, "C001", "buy", "WM002", "500", moves=moves), 422, "below_minimum")
    api.refused(order(api, "C001", "buy", "WM004", "99.99", moves=moves), 422, "below_minimum")
    api.accepted(order(api, "C001", "buy", "WM001", "1.00", moves=moves), moves)


def test_above_balance(api, moves):
    body = api.refused(order(api, "C001", "buy", "WM001", "52380.26", moves=moves), 422,
                       "above_balance")
    assert body["balance"] == "52380.25"
    api.refused(order(api, "C001", "buy", "WM001", "60000", moves=moves), 422, "above_balance")
    assert order(api, "C001", "buy", "WM001", "52380.25", moves=moves).json()["balance"] == "0.00"


def test_no_risk_profile_means_no_purchase(api, moves):
    api.refused(order(api, "C002", "buy", "WM001", "100.00", moves=moves), 422,
                "risk_assessment_required")
    api.refused(api.get("C002", "/suitable-products"), 422, "risk_assessment_required")
    assert api.balance("C002") == "3210.50"


def test_product_above_the_risk_level_is_refused_with_suitable_alternatives(api, moves):
    body = api.refused(order(api, "C001", "buy", "WM005", "1000.00", moves=moves), 422,
                       "above_risk_level")
    assert "R4" in body["detail"] and "C3" in body["detail"]
    assert [p["code"] for p in body["alternatives"]] == ["WM004", "WM002", "WM003", "WM001"]
    assert body["risk_notice"]["en"] == "Wealth products are not deposits. Investing involves risk."
    api.refused(order(api, "C001", "buy", "WM006", "1000.00", moves=moves), 422,
                "above_risk_level")
    assert api.balance("C001") == "52380.25"


def test_c5_may_buy_r5(api):
    response = order(api, "C003", "buy", "WM006", "1000.00")
    assert response.status_code == 201, response.text
    assert (response.json()["fee"], response.json()["balance"]) == ("1.20", "249000.00")
    suitable = api.get("C003", "/suitable-products").json()
    assert suitable["level"] == "C5" and len(suitable["products"]) == 6
    assert (suitable["name_zh"], suitable["name_en"]) == ("进取型", "Aggressive")
    c001 = api.get("C001", "/suitable-products").json()
    assert [p["code"] for p in c001["products"]] == ["WM004", "WM002", "WM003", "WM001"]
    assert c001["risk_notice"]["zh"] == "理财非存款、产品有风险、投资须谨慎"


def test_an_expired_risk_profile_must_be_retaken(api):
    api.at(2027, 3, 1, 10, 0)  # valid until 2027-03-01 inclusive
    assert order(api, "C001", "buy", "WM001", "10.00").status_code == 201
    api.at(2027, 3, 2, 10, 0)
    body = api.refused(order(api, "C001", "buy", "WM001", "10.00"), 422,
                       "risk_assessment_required")
    assert "expired" in body["detail"]
    assert api.get("C001", "/risk-profile").json()["valid"] is False


def test_fast_redemption_of_daily_cash_arrives_at_once_up_to_10000_a_day(api):
    first = order(api, "C001", "redeem", "WM001", "6000.00").json()
    assert (first["fast"], first["status"], first["arrival_date"], first["fee"]) == (
        True, "paid", "2026-11-26", "0.00")
    assert first["balance"] == "58380.25" == api.balance("C001")
    second = order(api, "C001", "redeem", "WM001", "4000.01").json()  # 10,000.01 today: normal
    assert (second["fast"], second["status"], second["arrival_date"]) == (
        False, "processing", "2026-11-27")
    assert api.balance("C001") == "58380.25"
    holdings = api.get("C001", "/holdings").json()
    assert holdings["holdings"][0]["market_value"] == "1999.99"
    [in_transit] = holdings["redemptions_in_transit"]
    assert (in_transit["proceeds"], in_transit["arrival_date"]) == ("4000.01", "2026-11-27")
    third = order(api, "C001", "redeem", "WM001", "1999.99").json()  # 7,999.99 fast today
    assert (third["fast"], third["balance"]) == (True, "60380.24")
    assert [h["product_code"] for h in api.get("C001", "/holdings").json()["holdings"]] == [
        "WM004"]

    api.at(2026, 11, 27, 0, 1)  # arrival day of the normal redemption: the money is there
    assert api.balance("C001") == "64380.25"
    assert api.get("C001", "/holdings").json()["redemptions_in_transit"] == []
    latest = api.get("C001", "/transactions").json()["transactions"][0]
    assert (latest["booked_on"], latest["amount"], latest["description_zh"]) == (
        "2026-11-27", "4000.01", "赎回到账 活期宝")


def test_proceeds_arrive_by_the_banks_daily_run_for_every_customer_once(api, bank_db):
    """The start-of-day run credits every customer's arrived proceeds, whoever asks first; the
    day's other reads write nothing."""
    order(api, "C001", "redeem", "WM001", "10000.01")  # above the fast limit: arrives T+1
    api.at(2026, 11, 27, 9, 0)
    assert api.balance("C003") == "250000.00"  # another customer's request ran the day's batch
    with Session(bank_db) as session:
        assert session.scalars(select(Order.proceeds_paid_on).where(Order.side == "redeem")
                               ).all() == [date(2026, 11, 27)]
        booked = session.scalar(select(func.count()).select_from(Transaction))
    for _ in range(3):
        assert api.balance("C001") == "62380.26"
    with Session(bank_db) as session:  # credited once, however often the balance is read
        assert session.scalar(select(func.count()).select_from(Transaction)) == booked


def test_a_fast_redemption_above_the_daily_limit_is_a_normal_one(api, moves):
    body = api.accepted(order(api, "C001", "redeem", "WM001", "10000.01", moves=moves), moves)
    assert (body["status"], body["proceeds"]) == ("processing" if moves else "quote", "10000.01")
    assert (body["fast"], body["arrival_date"]) == (False, "2026-11-27")
    assert api.balance("C001") == "52380.25"  # not before the arrival date (a quote: never)
    assert holdings(api, "C001")["holdings"][0]["redeemable"] == (
        "1999.99" if moves else "12000.00")
    api.at(2026, 11, 27, 16, 0)  # the daily limit starts again
    body = order(api, "C001", "redeem", "WM001", "1999.99", moves=moves).json()
    assert (body["fast"], body["trade_date"], body["arrival_date"]) == (
        True, "2026-11-27", "2026-11-27")


def test_fund_redemption_fee_and_t_plus_3(api):
    body = order(api, "C001", "redeem", "WM004", "10000.00").json()
    assert (body["fee"], body["proceeds"], body["trade_date"], body["arrival_date"]) == (
        "50.00", "9950.00", "2026-11-26", "2026-12-01")  # held 268 days: 0.5%
    wm004 = api.get("C001", "/holdings").json()["holdings"][1]
    assert (wm004["cost"], wm004["market_value"]) == ("20398.71", "21245.80")
    api.at(2026, 11, 30, 23, 59)
    assert api.balance("C001") == "52380.25"
    api.at(2026, 12, 1, 0, 0)
    assert api.balance("C001") == "62330.25"


def test_redemption_after_the_cut_off_counts_from_the_next_trading_day(api):
    api.at(2026, 11, 27, 15, 30)  # Friday afternoon
    body = order(api, "C003", "redeem", "WM006", "1000.00").json()
    assert (body["trade_date"], body["arrival_date"], body["fee"]) == (
        "2026-11-30", "2026-12-09", "5.00")  # T+7 trading days; held > 7 days: 0.5%


def test_each_purchase_pays_the_fee_for_its_own_holding_period(api):
    assert order(api, "C003", "buy", "WM005", "1000.00").json()["fee"] == "1.50"
    api.at(2026, 11, 30, 10, 0)
    body = order(api, "C003", "redeem", "WM005", "54910.90").json()
    # 53,912.40 held since 2026-08-24 at 0.5% (269.56) + 998.50 held 3 days at 1.5% (14.98)
    assert (body["fee"], body["proceeds"], body["arrival_date"]) == (
        "284.54", "54626.36", "2026-12-03")
    assert [h["product_code"] for h in api.get("C003", "/holdings").json()["holdings"]] == [
        "WM006"]


def test_redemption_refusals(api, moves):
    def redeem(product, amount):
        return order(api, "C001", "redeem", product, amount, moves=moves)

    body = api.refused(redeem("WM004", "31245.81"), 422, "above_holding")
    assert body["redeemable"] == "31245.80"
    assert api.refused(redeem("WM001", "12000.01"), 422, "above_holding")["redeemable"] == \
        "12000.00"
    api.refused(redeem("WM005", "100.00"), 422, "not_held")
    assert order(api, "C001", "buy", "WM003", "1000.00").status_code == 201  # a real order
    body = api.refused(redeem("WM003", "100.00"), 422, "above_holding")
    assert body["redeemable"] == "0.00"  # the purchase is not confirmed yet
    assert api.balance("C001") == "51380.25"


def test_closed_period_redemption_is_refused_until_maturity(api):
    bought = order(api, "C003", "buy", "WM002", "10000.00").json()
    assert (bought["fee"], bought["confirmation_date"], bought["matures_on"],
            bought["payback_date"]) == ("0.00", "2026-11-27", "2027-02-25", "2027-02-26")
    api.refused(order(api, "C003", "redeem", "WM002", "100.00"), 422, "closed_period")
    api.at(2026, 12, 1, 10, 0)
    lot = api.get("C003", "/holdings").json()["holdings"][0]["lots"][0]
    assert (lot["status"], lot["matures_on"]) == ("closed", "2027-02-25")
    body = api.refused(order(api, "C003", "redeem", "WM002", "10000.00"), 422, "closed_period")
    assert (body["matures_on"], body["payback_date"]) == ("2027-02-25", "2027-02-26")
    api.at(2027, 2, 25, 10, 0)
    redeemed = order(api, "C003", "redeem", "WM002", "10000.00").json()
    assert (redeemed["fee"], redeemed["arrival_date"]) == ("0.00", "2027-02-26")


def test_amounts_are_decimal_strings_end_to_end(api):
    body = order(api, "C001", "buy", "WM004", 333.33).json()  # a JSON number is accepted too
    assert body["fee"] == "0.50"  # 333.33 x 0.15% = 0.499995, half up
    assert D(body["balance"]) == D("52380.25") - D("333.33")
