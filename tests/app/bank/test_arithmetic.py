"""The spec's loan formula, grace period and trading calendar, to the cent and to the day."""

from datetime import date, datetime
from decimal import Decimal as D

import pytest

from bank.clock import BUSINESS_TZ
from bank.loans import (
    amortize,
    due_dates,
    equal_installment,
    monthly_rate,
    open_loan,
    payoff,
    penalty_interest,
)
from bank.money import cents
from bank.risk import level_for, score, valid_until
from bank.trading import add_trading_days, confirmation_date, redemption_fee_rate, trade_date

TODAY = date(2026, 11, 26)


def paid_loan(loan_id, principal, daily_rate, months, drawn_on, paid):
    loan = open_loan(loan_id, "C", D(principal), D(daily_rate), months, drawn_on)
    for installment in loan.installments[:paid]:
        installment.paid_on = installment.due_date
    return loan


def test_monthly_rate_is_daily_rate_times_360_over_12():
    assert monthly_rate(D("0.0003")) == D("0.009")
    assert monthly_rate(D("0.0005")) == D("0.015")


def test_l1001_schedule_matches_the_spec():
    installment, periods = amortize(D("20000.00"), monthly_rate(D("0.0003")), 10)
    assert installment == D("2100.33")
    assert sum(p.principal for p in periods) == D("20000.00")  # the last one pays what remains
    assert D("20000.00") - sum(p.principal for p in periods[:5]) == D("10223.96")
    assert (periods[5].principal, periods[5].interest) == (D("2008.31"), D("92.02"))
    assert all(p.principal + p.interest == D("2100.33") for p in periods)
    assert due_dates(date(2026, 6, 15), 10)[0] == date(2026, 7, 15)
    assert due_dates(date(2026, 6, 15), 10)[5] == date(2026, 12, 15)


def test_l2001_last_installment_pays_the_remaining_principal():
    installment, periods = amortize(D("5000.00"), monthly_rate(D("0.0005")), 6)
    assert installment == D("877.63")
    assert all(p.principal + p.interest == D("877.63") for p in periods[:5])
    assert (periods[5].principal, periods[5].interest) == (D("864.64"), D("12.97"))
    assert due_dates(date(2026, 5, 10), 6)[5] == date(2026, 11, 10)


def test_equal_installment_formula_rounds_half_up():
    assert equal_installment(D("20000"), D("0.009"), 10) == cents(
        D("20000") * D("0.009") / (1 - D("1.009") ** -10)
    )


def test_penalty_interest_starts_after_the_3_day_grace_period_and_runs_from_the_due_date():
    due = date(2026, 11, 10)
    for late in (0, 1, 2, 3):
        assert penalty_interest(D("864.64"), D("0.0005"), due, date(2026, 11, 10 + late)) == 0
    assert penalty_interest(D("864.64"), D("0.0005"), due, date(2026, 11, 14)) == D("2.59")
    assert penalty_interest(D("864.64"), D("0.0005"), due, TODAY) == D("10.38")  # x 0.075% x 16


def test_payoff_charges_interest_only_for_the_days_used():
    quote = payoff(paid_loan("L1001", "20000.00", "0.0003", 10, date(2026, 6, 15), 5).installments,
                   D("0.0003"), date(2026, 6, 15), TODAY)
    assert (quote.principal_not_due, quote.days_used) == (D("10223.96"), 11)
    assert quote.interest_for_days_used == D("33.74")  # 10,223.96 x 0.03% x 11
    assert quote.total == D("10257.70")
    assert quote.split_early_repayment(quote.total) == (D("10223.96"), D("33.74"))
    assert quote.split_early_repayment(D("1003.30")) == (D("1000.00"), D("3.30"))


def test_payoff_of_an_overdue_loan_is_the_installment_plus_penalty():
    quote = payoff(paid_loan("L2001", "5000.00", "0.0005", 6, date(2026, 5, 10), 5).installments,
                   D("0.0005"), date(2026, 5, 10), TODAY)
    assert [i.number for i in quote.due] == [6]
    assert (quote.penalty, quote.amount_due, quote.total) == (D("10.38"), D("887.99"), D("887.99"))


def test_interest_for_days_used_runs_from_the_drawdown_before_the_first_due_date():
    quote = payoff(paid_loan("L9", "1000.00", "0.0005", 3, date(2026, 11, 16), 0).installments,
                   D("0.0005"), date(2026, 11, 16), TODAY)
    assert (quote.days_used, quote.interest_for_days_used) == (10, D("5.00"))


def test_due_dates_keep_the_drawdown_day_or_take_the_month_end():
    assert due_dates(date(2026, 6, 15), 6)[-1] == date(2026, 12, 15)
    assert due_dates(date(2026, 1, 31), 3) == [date(2026, 2, 28), date(2026, 3, 31),
                                               date(2026, 4, 30)]
    assert due_dates(date(2028, 2, 29), 12)[-1] == date(2029, 2, 28)
    assert due_dates(date(2026, 11, 30), 3)[-1] == date(2027, 2, 28)


@pytest.mark.parametrize(
    ("placed", "trade", "confirmed"),
    [
        ((2026, 11, 26, 14, 59, 59), date(2026, 11, 26), date(2026, 11, 27)),  # Thu before 15:00
        ((2026, 11, 26, 15, 0, 0), date(2026, 11, 27), date(2026, 11, 30)),  # Thu 15:00 -> Fri
        ((2026, 11, 27, 14, 0, 0), date(2026, 11, 27), date(2026, 11, 30)),  # Fri -> Mon
        ((2026, 11, 27, 15, 30, 0), date(2026, 11, 30), date(2026, 12, 1)),  # Fri late -> Mon
        ((2026, 11, 28, 10, 0, 0), date(2026, 11, 30), date(2026, 12, 1)),  # Saturday
        ((2026, 11, 29, 23, 59, 0), date(2026, 11, 30), date(2026, 12, 1)),  # Sunday
    ],
)
def test_cut_off_at_15_00_and_weekends(placed, trade, confirmed):
    assert trade_date(datetime(*placed, tzinfo=BUSINESS_TZ)) == trade
    assert confirmation_date(trade) == confirmed


def test_cut_off_is_judged_in_shanghai_time():
    from zoneinfo import ZoneInfo

    utc = ZoneInfo("UTC")
    assert trade_date(datetime(2026, 11, 26, 6, 59, tzinfo=utc)) == date(2026, 11, 26)  # 14:59
    assert trade_date(datetime(2026, 11, 26, 7, 0, tzinfo=utc)) == date(2026, 11, 27)  # 15:00
    assert trade_date(datetime(2026, 11, 26, 14, 59)) == date(2026, 11, 26)  # naive = Shanghai


def test_t_plus_n_skips_weekends():
    assert add_trading_days(date(2026, 11, 26), 3) == date(2026, 12, 1)
    assert add_trading_days(date(2026, 11, 27), 7) == date(2026, 12, 8)
    assert add_trading_days(date(2026, 11, 28), 1) == date(2026, 11, 30)


def test_redemption_fee_tiers():
    equity = [(0, D("0.015")), (7, D("0.005")), (365, D("0"))]
    assert redemption_fee_rate(equity, 6) == D("0.015")
    assert redemption_fee_rate(equity, 7) == D("0.005")
    assert redemption_fee_rate(equity, 364) == D("0.005")
    assert redemption_fee_rate(equity, 365) == D("0")
    assert redemption_fee_rate([], 1) == D("0")


@pytest.mark.parametrize(
    ("answers", "total", "level"),
    [
        ("AAAAAAA", 7, 1), ("BBAABAA", 10, 1), ("BBBABAA", 11, 2), ("BBBBBBB", 14, 2),
        ("CBBBBBB", 15, 3), ("CCCCCBB", 19, 3), ("CCCCCCB", 20, 4), ("DDDCCCC", 24, 4),
        ("DDDDCCC", 25, 5), ("DDDDDDD", 28, 5),
        ("DDDDADD", 25, 1),  # question 5 answered A: C1 whatever the total
    ],
)
def test_risk_score_bands_and_the_question_5_override(answers, total, level):
    assert (score(answers), level_for(answers)) == (total, level)


def test_risk_assessment_is_valid_for_12_months():
    assert valid_until(date(2026, 11, 26)) == date(2027, 11, 26)
