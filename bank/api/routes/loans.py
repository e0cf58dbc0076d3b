"""Loans: summary, schedule, payoff amount, repayments and drawdowns on the credit line (the
rules: bank/lending.py and bank/loans.py)."""

from datetime import date

from fastapi import Request
from pydantic import BaseModel
from sqlalchemy import select

from bank.api.deps import ClockDep, CustomerDep, IdempotencyKeyDep, SessionDep, customer_router
from bank.idempotency import fingerprint, once
from bank.lending import Drawn, Repaid, draw_down, find_loan, repay
from bank.loans import (
    LOAN_PRODUCT_NAMES,
    days_overdue,
    in_grace_period,
    installment_status,
    loan_status,
    monthly_rate,
    payoff,
    penalty_interest,
)
from bank.models import Installment, Loan
from bank.money import ZERO, AmountIn, Money, Rate

router = customer_router("loans")


class InstallmentOut(BaseModel):
    number: int
    due_date: date
    amount: Money
    principal: Money
    interest: Money
    status: str  # paid, upcoming, due (today) or overdue
    paid_on: date | None
    days_overdue: int
    penalty_interest: Money  # accrues only after the 3-day grace period

    @classmethod
    def of(cls, installment: Installment, loan: Loan, today: date) -> "InstallmentOut":
        unpaid = installment.paid_on is None
        return cls(
            number=installment.number, due_date=installment.due_date,
            amount=installment.principal + installment.interest, principal=installment.principal,
            interest=installment.interest, status=installment_status(installment, today),
            paid_on=installment.paid_on,
            days_overdue=days_overdue(installment.due_date, today) if unpaid else 0,
            penalty_interest=penalty_interest(installment.principal, loan.daily_rate,
                                              installment.due_date, today) if unpaid else ZERO,
        )


class OverdueOut(BaseModel):
    installments: list[int]
    amount: Money  # principal + interest of the overdue installments
    principal: Money
    days_overdue: int  # of the oldest
    in_grace_period: bool
    penalty_interest: Money


class LoanOut(BaseModel):
    loan_id: str
    product_code: str
    name_zh: str
    name_en: str
    principal: Money
    drawn_on: date
    term_months: int
    daily_rate: Rate
    monthly_rate: Rate
    installment: Money  # the regular monthly installment
    outstanding_principal: Money
    status: str  # active, overdue or closed
    next_installment: InstallmentOut | None  # the first one not paid
    overdue: OverdueOut | None

    @classmethod
    def of(cls, loan: Loan, today: date) -> "LoanOut":
        schedule = [InstallmentOut.of(i, loan, today) for i in loan.installments]
        unpaid = [i for i in schedule if i.status != "paid"]
        late = [i for i in unpaid if i.status == "overdue"]
        name_zh, name_en = LOAN_PRODUCT_NAMES[loan.product_code]
        return cls(
            loan_id=loan.id, product_code=loan.product_code, name_zh=name_zh, name_en=name_en,
            principal=loan.principal, drawn_on=loan.drawn_on, term_months=loan.term_months,
            daily_rate=loan.daily_rate, monthly_rate=monthly_rate(loan.daily_rate),
            installment=loan.installment,
            outstanding_principal=sum((i.principal for i in unpaid), ZERO),
            status=loan_status(loan.installments, today),
            next_installment=unpaid[0] if unpaid else None,
            overdue=OverdueOut(
                installments=[i.number for i in late], amount=sum((i.amount for i in late), ZERO),
                principal=sum((i.principal for i in late), ZERO),
                days_overdue=late[0].days_overdue,
                in_grace_period=in_grace_period(late[0].days_overdue),
                penalty_interest=sum((i.penalty_interest for i in late), ZERO),
            ) if late else None,
        )


class PayoffOut(BaseModel):
    loan_id: str
    as_of: date
    due_installments: list[int]  # unpaid and due by today: settled first, whole
    amount_due: Money  # their principal and interest plus penalty interest
    penalty_interest: Money
    principal_not_due: Money
    days_used: int  # since the last due date (or the drawdown)
    interest_for_days_used: Money
    total: Money  # to repay the loan in full today


class RepaymentIn(BaseModel):
    amount: AmountIn


class RepaymentOut(BaseModel):
    repayment_id: int | None  # None in a quote: nothing was done
    loan_id: str
    paid_on: date
    amount: Money
    principal: Money
    interest: Money
    penalty_interest: Money
    installments_settled: list[int]
    loan: LoanOut  # after the repayment
    balance: Money  # debit card balance after the repayment

    @classmethod
    def of(cls, repaid: Repaid, today: date) -> "RepaymentOut":
        repayment = repaid.repayment
        return cls(
            repayment_id=repayment.id, loan_id=repaid.loan.id, paid_on=repayment.paid_on,
            amount=repayment.amount, principal=repayment.principal, interest=repayment.interest,
            penalty_interest=repayment.penalty, installments_settled=repaid.installments_settled,
            loan=LoanOut.of(repaid.loan, today), balance=repaid.balance,
        )


class DrawdownIn(BaseModel):
    amount: AmountIn
    term_months: int


class DrawdownOut(BaseModel):
    loan: LoanOut
    schedule: list[InstallmentOut]
    balance: Money

    @classmethod
    def of(cls, drawn: Drawn, today: date) -> "DrawdownOut":
        loan = drawn.loan
        return cls(loan=LoanOut.of(loan, today), balance=drawn.balance,
                   schedule=[InstallmentOut.of(i, loan, today) for i in loan.installments])


@router.get("/loans")
def list_loans(customer: CustomerDep, session: SessionDep, clock: ClockDep) -> list[LoanOut]:
    loans = session.scalars(select(Loan).where(Loan.customer_id == customer.id).order_by(Loan.id))
    return [LoanOut.of(loan, clock.today()) for loan in loans]


@router.get("/loans/{loan_id}")
def get_loan(loan_id: str, customer: CustomerDep, session: SessionDep, clock: ClockDep) -> LoanOut:
    return LoanOut.of(find_loan(session, customer, loan_id), clock.today())


@router.get("/loans/{loan_id}/schedule")
def get_schedule(
    loan_id: str, customer: CustomerDep, session: SessionDep, clock: ClockDep
) -> list[InstallmentOut]:
    loan = find_loan(session, customer, loan_id)
    return [InstallmentOut.of(i, loan, clock.today()) for i in loan.installments]


@router.get("/loans/{loan_id}/payoff")
def get_payoff(
    loan_id: str, customer: CustomerDep, session: SessionDep, clock: ClockDep
) -> PayoffOut:
    loan, today = find_loan(session, customer, loan_id), clock.today()
    quote = payoff(loan.installments, loan.daily_rate, loan.drawn_on, today)
    return PayoffOut(
        loan_id=loan.id, as_of=today, due_installments=[i.number for i in quote.due],
        amount_due=quote.amount_due, penalty_interest=quote.penalty,
        principal_not_due=quote.principal_not_due, days_used=quote.days_used,
        interest_for_days_used=quote.interest_for_days_used, total=quote.total,
    )


@router.post("/loans/{loan_id}/repayments", status_code=201)
def make_repayment(
    loan_id: str, body: RepaymentIn, request: Request, customer: CustomerDep, session: SessionDep,
    clock: ClockDep, key: IdempotencyKeyDep,
) -> RepaymentOut:
    asked = fingerprint("POST", request.url.path, body)
    today = clock.today()
    return once(session, customer.id, key, asked, lambda: RepaymentOut.of(
        repay(session, customer, loan_id, body.amount, today), today), RepaymentOut)


@router.post("/loans/{loan_id}/repayments/quote")
def quote_repayment(
    loan_id: str, body: RepaymentIn, customer: CustomerDep, session: SessionDep, clock: ClockDep
) -> RepaymentOut:
    """What POST /loans/{loan_id}/repayments would do now, with the same checks and refusals,
    without moving money: the summary the customer confirms."""
    today = clock.today()
    try:
        result = RepaymentOut.of(repay(session, customer, loan_id, body.amount, today), today)
    finally:
        session.rollback()  # a dry run: nothing it wrote is kept
    return result.model_copy(update={"repayment_id": None})


@router.post("/loans", status_code=201)
def draw_loan(
    body: DrawdownIn, request: Request, customer: CustomerDep, session: SessionDep,
    clock: ClockDep, key: IdempotencyKeyDep,
) -> DrawdownOut:
    asked = fingerprint("POST", request.url.path, body)
    today = clock.today()
    return once(session, customer.id, key, asked, lambda: DrawdownOut.of(
        draw_down(session, customer, body.amount, body.term_months, today), today), DrawdownOut)
