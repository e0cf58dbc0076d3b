"""Loans the customer holds: finding one, repaying it (due installments first, then early
repayment of principal) and drawing a new one on the credit line (the arithmetic:
bank/loans.py)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bank.accounts import credit, credit_line_status, debit, lock_card
from bank.errors import NotFound, RuleBroken
from bank.loans import (
    FLEXI_LOAN_MINIMUM,
    FLEXI_LOAN_TERMS,
    loan_number,
    open_loan,
    payoff,
    reamortize,
)
from bank.models import Customer, Loan, Repayment
from bank.money import ZERO, require_positive, show


@dataclass(frozen=True)
class Repaid:
    repayment: Repayment
    loan: Loan  # after the repayment
    installments_settled: list[int]
    balance: Decimal  # the debit card's, after the repayment


@dataclass(frozen=True)
class Drawn:
    loan: Loan
    balance: Decimal  # the debit card's, with the loan paid in


def find_loan(session: Session, customer: Customer, loan_id: str) -> Loan:
    """The customer's own loan; another customer's looks exactly like one that does not exist."""
    loan = session.scalars(
        select(Loan).where(Loan.id == loan_id.upper(), Loan.customer_id == customer.id)
    ).one_or_none()
    if loan is None:
        raise NotFound("unknown_loan", f"This customer has no loan {loan_id}.")
    return loan


def repay(session: Session, customer: Customer, loan_id: str, amount: Decimal,
          today: date) -> Repaid:
    require_positive(amount)
    card = lock_card(session, customer.id)
    loan = find_loan(session, customer, loan_id)
    quote = payoff(loan.installments, loan.daily_rate, loan.drawn_on, today)
    if quote.total == 0:
        raise RuleBroken("loan_closed", f"Loan {loan.id} is already repaid in full.")
    if amount > quote.total:
        raise RuleBroken("above_outstanding",
                         f"{show(amount)} is more than the {show(quote.total)} that repays loan "
                         f"{loan.id} in full today.", payoff=f"{quote.total:.2f}")
    if amount < quote.amount_due:
        raise RuleBroken("below_amount_due",
                         f"Loan {loan.id} has {show(quote.amount_due)} due now (overdue "
                         "installments with penalty interest); a repayment must cover at least "
                         "that.", amount_due=f"{quote.amount_due:.2f}")
    debit(session, card, amount, today, f"贷款还款 {loan.id}", f"Loan repayment {loan.id}")
    for installment in quote.due:
        installment.paid_on = today
    early_principal, early_interest = quote.split_early_repayment(amount - quote.amount_due)
    if early_principal:
        reamortize(loan, quote.principal_not_due - early_principal, today)
    repayment = Repayment(
        loan_id=loan.id, paid_on=today, amount=amount, penalty=quote.penalty,
        principal=sum((i.principal for i in quote.due), ZERO) + early_principal,
        interest=sum((i.interest for i in quote.due), ZERO) + early_interest,
    )
    session.add(repayment)
    session.flush()
    return Repaid(repayment, loan, [i.number for i in quote.due], card.balance)


def draw_down(session: Session, customer: Customer, amount: Decimal, term_months: int,
              today: date) -> Drawn:
    require_positive(amount)
    card = lock_card(session, customer.id)
    line = credit_line_status(session, customer.id, today)
    if line is None:
        raise NotFound("no_credit_line", "This customer has no credit line.")
    if line.frozen_reason:
        raise RuleBroken("credit_line_frozen",
                         "The credit line is frozen because a repayment is overdue; it reopens "
                         "once the overdue amount is repaid.", frozen_reason=line.frozen_reason)
    if term_months not in FLEXI_LOAN_TERMS:
        raise RuleBroken("invalid_term", "The term must be one of "
                         + ", ".join(map(str, FLEXI_LOAN_TERMS)) + " months.")
    if amount < FLEXI_LOAN_MINIMUM:
        raise RuleBroken("below_minimum", f"The smallest loan is {show(FLEXI_LOAN_MINIMUM)}.",
                         minimum=f"{FLEXI_LOAN_MINIMUM:.2f}")
    if amount > line.available:
        raise RuleBroken("above_available_credit",
                         f"{show(amount)} is more than the {show(line.available)} available on "
                         "the credit line.", available=f"{line.available:.2f}")
    held = session.execute(
        select(func.count()).where(Loan.customer_id == customer.id)).scalar_one()
    loan = open_loan(loan_number(customer.id, held + 1), customer.id, amount, line.daily_rate,
                     term_months, today)
    session.add(loan)
    credit(session, card, amount, today, f"贷款放款 {loan.id}", f"Loan drawdown {loan.id}")
    session.flush()
    return Drawn(loan, card.balance)
