"""Loans: the spec's figures through the API, repayments, the grace period and drawdowns.

A test that takes `moves` runs on POST .../repayments and on POST .../repayments/quote (what the
repayment would do now, refused exactly as the real one, and nothing moves)."""

from decimal import Decimal as D

from bank.loans import amortize, equal_installment, monthly_rate


def repay(api, customer, loan_id, amount, key=None, moves=True):
    """POST .../repayments, or with moves=False its quote."""
    path = f"/loans/{loan_id}/repayments" + ("" if moves else "/quote")
    return api.post(customer, path, {"amount": amount}, key=key)


def test_c001_loan_summary(api):
    [loan] = api.get("C001", "/loans").json()
    assert (loan["loan_id"], loan["name_zh"], loan["principal"], loan["term_months"]) == (
        "L1001", "随心借", "20000.00", 10)
    assert (loan["daily_rate"], loan["monthly_rate"], loan["installment"]) == (
        "0.0003", "0.009", "2100.33")
    assert (loan["outstanding_principal"], loan["status"], loan["overdue"]) == (
        "10223.96", "active", None)
    nxt = loan["next_installment"]
    assert (nxt["number"], nxt["amount"], nxt["principal"], nxt["interest"], nxt["due_date"]) == (
        6, "2100.33", "2008.31", "92.02", "2026-12-15")
    assert api.get("C001", "/loans/l1001").json() == loan
    assert api.get("C003", "/loans").json() == []


def test_c002_loan_is_overdue_with_penalty(api):
    loan = api.get("C002", "/loans/L2001").json()
    assert (loan["installment"], loan["status"], loan["outstanding_principal"]) == (
        "877.63", "overdue", "864.64")
    assert loan["overdue"] == {"installments": [6], "amount": "877.61", "principal": "864.64",
                               "days_overdue": 16, "in_grace_period": False,
                               "penalty_interest": "10.38"}


def test_schedules(api):
    schedule = api.get("C001", "/loans/L1001/schedule").json()
    assert [i["status"] for i in schedule] == ["paid"] * 5 + ["upcoming"] * 5
    assert schedule[0] == {"number": 1, "due_date": "2026-07-15", "amount": "2100.33",
                           "principal": "1920.33", "interest": "180.00", "status": "paid",
                           "paid_on": "2026-07-15", "days_overdue": 0, "penalty_interest": "0.00"}
    assert sum(D(i["principal"]) for i in schedule) == D("20000.00")
    assert schedule[-1]["due_date"] == "2027-04-15"
    last = api.get("C002", "/loans/L2001/schedule").json()[-1]
    assert (last["amount"], last["principal"], last["interest"], last["due_date"]) == (
        "877.61", "864.64", "12.97", "2026-11-10")
    assert (last["status"], last["days_overdue"], last["penalty_interest"]) == (
        "overdue", 16, "10.38")


def test_payoff_amounts(api):
    c001 = api.get("C001", "/loans/L1001/payoff").json()
    assert (c001["principal_not_due"], c001["days_used"], c001["interest_for_days_used"],
            c001["total"]) == ("10223.96", 11, "33.74", "10257.70")
    c002 = api.get("C002", "/loans/L2001/payoff").json()
    assert (c002["due_installments"], c002["penalty_interest"], c002["amount_due"],
            c002["total"]) == ([6], "10.38", "887.99", "887.99")


def test_repaying_in_full_closes_the_loan_and_restores_the_credit_line(api, moves):
    body = api.accepted(repay(api, "C001", "L1001", "10257.70", moves=moves), moves)
    assert (body["repayment_id"] is None) is not moves
    assert (body["principal"], body["interest"], body["penalty_interest"]) == (
        "10223.96", "33.74", "0.00")
    assert (body["loan"]["status"], body["loan"]["outstanding_principal"]) == ("closed", "0.00")
    assert body["balance"] == "42122.55"
    if not moves:  # the quote moved nothing
        assert api.balance("C001") == "52380.25"
        assert api.get("C001", "/loans/L1001").json()["outstanding_principal"] == "10223.96"
        return
    assert api.balance("C001") == "42122.55"
    assert len(api.get("C001", "/loans/L1001/schedule").json()) == 5
    assert api.get("C001", "/credit-line").json()["available"] == "80000.00"
    latest = api.get("C001", "/transactions").json()["transactions"][0]
    assert (latest["booked_on"], latest["amount"], latest["description_en"]) == (
        "2026-11-26", "-10257.70", "Loan repayment L1001")
    api.refused(repay(api, "C001", "L1001", "1.00"), 422, "loan_closed")


def test_partial_early_repayment_pays_days_used_interest_and_lowers_the_installments(api,
                                                                                       moves):
    body = api.accepted(repay(api, "C001", "L1001", "1003.30", moves=moves), moves)
    assert (body["repayment_id"] is None) is not moves
    assert (body["amount"], body["principal"], body["interest"]) == (
        "1003.30", "1000.00", "3.30")  # 1,000 x 0.03% x 11
    loan = body["loan"]
    assert loan["outstanding_principal"] == "9223.96"
    new_installment, periods = amortize(D("9223.96"), monthly_rate(D("0.0003")), 5)
    assert loan["installment"] == f"{new_installment}"
    assert body["balance"] == "51376.95"
    if not moves:  # the quote moved nothing
        assert api.balance("C001") == "52380.25"
        assert api.get("C001", "/loans/L1001").json()["outstanding_principal"] == "10223.96"
        assert api.get("C001", "/loans/L1001/payoff").json()["total"] == "10257.70"
        return
    schedule = api.get("C001", "/loans/L1001/schedule").json()[5:]
    assert [i["due_date"] for i in schedule] == ["2026-12-15", "2027-01-15", "2027-02-15",
                                                 "2027-03-15", "2027-04-15"]
    assert [(D(i["principal"]), D(i["interest"])) for i in schedule] == [
        (p.principal, p.interest) for p in periods]
    assert api.get("C001", "/loans/L1001/payoff").json()["total"] == "9254.40"  # + 30.44
    assert api.balance("C001") == "51376.95"


def test_repaying_the_overdue_installment_unfreezes_the_credit_line(api):
    body = repay(api, "C002", "L2001", "887.99").json()
    assert (body["installments_settled"], body["principal"], body["interest"],
            body["penalty_interest"]) == ([6], "864.64", "12.97", "10.38")
    assert body["loan"]["status"] == "closed" and body["balance"] == "2322.51"
    line = api.get("C002", "/credit-line").json()
    assert (line["frozen"], line["available"]) == (False, "5000.00")


def test_repayment_refusals(api, moves):
    def refused(customer, loan_id, amount, status, code):
        return api.refused(repay(api, customer, loan_id, amount, moves=moves), status, code)

    refused("C001", "L1001", "0.00", 422, "invalid_amount")
    refused("C001", "L1001", "-5.00", 422, "invalid_amount")
    refused("C001", "L1001", "1.005", 400, "invalid_request")
    body = refused("C001", "L1001", "10257.71", 422, "above_outstanding")
    assert body["payoff"] == "10257.70" and "10,257.70" in body["detail"]
    refused("C001", "L1001", "99999", 422, "above_outstanding")
    body = refused("C002", "L2001", "500.00", 422, "below_amount_due")
    assert body["amount_due"] == "887.99"
    refused("C002", "L2001", "100", 422, "below_amount_due")
    refused("C002", "L2001", "888.00", 422, "above_outstanding")
    buy = api.post("C001", "/orders", {"side": "buy", "product_code": "WM001", "amount": "45000"})
    assert buy.status_code == 201  # a real order
    body = refused("C001", "L1001", "10000.00", 422, "above_balance")
    assert body["balance"] == "7380.25"
    assert api.get("C001", "/loans/L1001/payoff").json()["total"] == "10257.70"
    assert api.get("C002", "/loans/L2001").json()["status"] == "overdue"


def test_grace_period(api):
    api.at(2026, 11, 13, 10, 0)  # 3 days after the due date: overdue, no penalty, line open
    loan = api.get("C002", "/loans/L2001").json()
    assert loan["overdue"]["in_grace_period"] is True
    assert loan["overdue"]["penalty_interest"] == "0.00"
    assert api.get("C002", "/loans/L2001/payoff").json()["total"] == "877.61"
    line = api.get("C002", "/credit-line").json()
    assert (line["frozen"], line["available"]) == (False, "4135.36")  # 5,000.00 - 864.64

    api.at(2026, 11, 14, 0, 0)  # day 4: penalty from the due date, line frozen
    loan = api.get("C002", "/loans/L2001").json()
    assert (loan["overdue"]["in_grace_period"], loan["overdue"]["penalty_interest"]) == (
        False, "2.59")
    assert api.get("C002", "/credit-line").json()["frozen"] is True


def test_installment_due_today(api):
    api.at(2026, 12, 15, 9, 0)
    nxt = api.get("C001", "/loans/L1001").json()["next_installment"]
    assert (nxt["number"], nxt["status"]) == (6, "due")
    quote = api.get("C001", "/loans/L1001/payoff").json()
    assert (quote["amount_due"], quote["principal_not_due"], quote["days_used"]) == (
        "2100.33", "8215.65", 0)
    body = repay(api, "C001", "L1001", "2100.33").json()
    assert body["installments_settled"] == [6]
    assert body["loan"]["outstanding_principal"] == "8215.65"
    assert body["loan"]["installment"] == "2100.33"  # nothing paid early: schedule unchanged


def test_drawdown_on_the_credit_line(api):
    response = api.post("C001", "/loans", {"amount": "10000.00", "term_months": 12})
    assert response.status_code == 201, response.text
    body = response.json()
    loan = body["loan"]
    assert (loan["loan_id"], loan["principal"], loan["daily_rate"], loan["drawn_on"]) == (
        "L1002", "10000.00", "0.0003", "2026-11-26")
    assert loan["installment"] == f"{equal_installment(D('10000'), D('0.009'), 12)}"
    assert [i["due_date"] for i in body["schedule"]][:2] == ["2026-12-26", "2027-01-26"]
    assert sum(D(i["principal"]) for i in body["schedule"]) == D("10000.00")
    assert body["balance"] == "62380.25" == api.balance("C001")
    assert api.get("C001", "/credit-line").json()["available"] == "59776.04"
    assert [loan["loan_id"] for loan in api.get("C001", "/loans").json()] == ["L1001", "L1002"]
    latest = api.get("C001", "/transactions").json()["transactions"][0]
    assert (latest["amount"], latest["description_en"]) == ("10000.00", "Loan drawdown L1002")


def test_drawdown_refusals(api):
    def draw(customer, amount, months=12):
        return api.post(customer, "/loans", {"amount": amount, "term_months": months})

    body = api.refused(draw("C002", "1000.00"), 422, "credit_line_frozen")
    assert body["frozen_reason"] == "overdue"
    api.refused(draw("C001", "1000.00", 7), 422, "invalid_term")
    api.refused(draw("C001", "499.99"), 422, "below_minimum")
    api.refused(draw("C001", "0"), 422, "invalid_amount")
    body = api.refused(draw("C001", "69776.05"), 422, "above_available_credit")
    assert body["available"] == "69776.04"
    assert draw("C001", "69776.04").status_code == 201
    assert api.balance("C002") == "3210.50"
