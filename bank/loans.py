"""Loan arithmetic of the spec, to the cent.

Monthly rate = daily rate x 360 / 12. Equal installment (等额本息) = P*r/(1-(1+r)^-n), rounded; each
period's interest = outstanding principal x r, rounded; the last installment pays what remains.
Early repayment pays interest only for the days used. Past the 3-day grace period, penalty
interest of 1.5 x the daily rate runs on the overdue principal from the due date.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol

from dateutil.relativedelta import relativedelta

from bank.models import Installment, Loan
from bank.money import ZERO, cents

GRACE_DAYS = 3
PENALTY_FACTOR = Decimal("1.5")
FLEXI_LOAN = "LN-P"
LOAN_PRODUCT_NAMES = {
    "LN-P": ("随心借", "Flexi Loan"),
    "LN-B": ("小微经营贷", "Small Business Loan"),
}
FLEXI_LOAN_TERMS = (3, 6, 10, 12, 24)
FLEXI_LOAN_MINIMUM = Decimal("500.00")


def monthly_rate(daily_rate: Decimal) -> Decimal:
    return daily_rate * 360 / 12


def equal_installment(principal: Decimal, rate: Decimal, periods: int) -> Decimal:
    return cents(principal * rate / (1 - (1 + rate) ** -periods))


@dataclass(frozen=True)
class Period:
    principal: Decimal
    interest: Decimal


def amortize(principal: Decimal, rate: Decimal, periods: int) -> tuple[Decimal, list[Period]]:
    """The installment amount and each period's principal and interest."""
    installment = equal_installment(principal, rate, periods)
    outstanding, schedule = principal, []
    for number in range(1, periods + 1):
        interest = cents(outstanding * rate)
        repaid = outstanding if number == periods else installment - interest
        schedule.append(Period(repaid, interest))
        outstanding -= repaid
    return installment, schedule


def due_dates(drawn_on: date, periods: int) -> list[date]:
    """Monthly on the drawdown's day of the month, or the month's last day (31 Jan -> 28 Feb)."""
    return [drawn_on + relativedelta(months=number) for number in range(1, periods + 1)]


def days_overdue(due_date: date, today: date) -> int:
    return max(0, (today - due_date).days)


def penalty_interest(
    overdue_principal: Decimal, daily_rate: Decimal, due: date, today: date
) -> Decimal:
    days = days_overdue(due, today)
    if in_grace_period(days):
        return ZERO
    return cents(overdue_principal * daily_rate * PENALTY_FACTOR * days)


class ScheduledInstallment(Protocol):
    number: int
    due_date: date
    principal: Decimal
    interest: Decimal
    paid_on: date | None


def installment_status(installment: ScheduledInstallment, today: date) -> str:
    """paid, upcoming, due (today) or overdue."""
    if installment.paid_on is not None:
        return "paid"
    if installment.due_date > today:
        return "upcoming"
    return "due" if installment.due_date == today else "overdue"


def loan_status(installments: Sequence[ScheduledInstallment], today: date) -> str:
    """closed (all paid), overdue (an installment is past its due date) or active."""
    statuses = {installment_status(i, today) for i in installments}
    return "closed" if statuses <= {"paid"} else "overdue" if "overdue" in statuses else "active"


def in_grace_period(days_late: int) -> bool:
    """No penalty interest yet, and the credit line stays open."""
    return days_late <= GRACE_DAYS


def loan_number(customer_id: str, sequence: int) -> str:
    """L, the customer's number, then the customer's loan count: C001's are L1001, L1002, ..."""
    return f"L{int(customer_id[1:])}{sequence:03d}"


@dataclass(frozen=True)
class Payoff:
    """What it takes to repay a loan in full today, in the order a repayment settles it."""

    due: list[ScheduledInstallment]  # unpaid and due on or before today: settled first, whole
    penalty: Decimal
    principal_not_due: Decimal
    daily_rate: Decimal
    days_used: int  # since the last due date (or the drawdown) on the principal not yet due
    interest_for_days_used: Decimal

    @property
    def amount_due(self) -> Decimal:
        return sum((i.principal + i.interest for i in self.due), ZERO) + self.penalty

    @property
    def total(self) -> Decimal:
        return self.amount_due + self.principal_not_due + self.interest_for_days_used

    def split_early_repayment(self, amount: Decimal) -> tuple[Decimal, Decimal]:
        """(principal, interest) of an early repayment: principal plus its days-used interest."""
        if amount == self.principal_not_due + self.interest_for_days_used:
            return self.principal_not_due, self.interest_for_days_used
        days_factor = self.daily_rate * self.days_used
        interest = cents(amount * days_factor / (1 + days_factor))
        return amount - interest, interest


def payoff(
    installments: Sequence[ScheduledInstallment], daily_rate: Decimal, drawn_on: date, today: date
) -> Payoff:
    unpaid = [i for i in installments if i.paid_on is None]
    due = [i for i in unpaid if i.due_date <= today]
    not_due = sum((i.principal for i in unpaid if i.due_date > today), ZERO)
    accrual_start = max([i.due_date for i in installments if i.due_date <= today], default=drawn_on)
    days_used = (today - accrual_start).days
    return Payoff(
        due=due,
        penalty=sum(
            (penalty_interest(i.principal, daily_rate, i.due_date, today) for i in due), ZERO
        ),
        principal_not_due=not_due,
        daily_rate=daily_rate,
        days_used=days_used,
        interest_for_days_used=cents(not_due * daily_rate * days_used),
    )


def open_loan(
    loan_id: str, customer_id: str, principal: Decimal, daily_rate: Decimal, term_months: int,
    drawn_on: date,
) -> Loan:
    installment, periods = amortize(principal, monthly_rate(daily_rate), term_months)
    return Loan(
        id=loan_id, customer_id=customer_id, product_code=FLEXI_LOAN, principal=principal,
        daily_rate=daily_rate, term_months=term_months, drawn_on=drawn_on, installment=installment,
        installments=[
            Installment(number=number, due_date=due, principal=period.principal,
                        interest=period.interest)
            for number, (due, period) in enumerate(
                zip(due_dates(drawn_on, term_months), periods, strict=True), start=1
            )
        ],
    )


def reamortize(loan: Loan, remaining: Decimal, today: date) -> None:
    """After an early repayment: the remaining principal over the same remaining due dates."""
    future = [i for i in loan.installments if i.paid_on is None and i.due_date > today]
    if remaining == 0:
        for installment in future:
            loan.installments.remove(installment)
        return
    loan.installment, periods = amortize(remaining, monthly_rate(loan.daily_rate), len(future))
    for installment, period in zip(future, periods, strict=True):
        installment.principal, installment.interest = period.principal, period.interest
