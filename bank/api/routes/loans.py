"""Loans: summary, schedule, payoff amount, repayments and drawdowns on the credit line."""

from datetime import date
from decimal import Decimal

from fastapi import Request
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bank.accounts import credit, credit_line_status, debit, lock_card
from bank.api.deps import ClockDep, CustomerDep, IdempotencyKeyDep, SessionDep, customer_router
from bank.errors import not_found, rule
from bank.idempotency import fingerprint, once
from bank.loans import (
    FLEXI_LOAN_MINIMUM,
    FLEXI_LOAN_TERMS,
    GRACE_DAYS,
    LOAN_PRODUCT_NAMES,
    days_overdue,
    monthly_rate,
    open_loan,
    payoff,
    penalty_interest,
    reamortize,
)
from bank.models import Customer, Installment, Loan, Repayment
from bank.money import ZERO, AmountIn, Money, Rate, require_positive, show

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
        if not unpaid:
            status = "paid"
        elif installment.due_date > today:
            status = "upcoming"
        else:
            status = "due" if installment.due_date == today else "overdue"
        return cls(
            number=installment.number, due_date=installment.due_date,
            amount=installment.principal + installment.interest, principal=installment.principal,
            interest=installment.interest, status=status, paid_on=installment.paid_on,
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
            status="closed" if not unpaid else "overdue" if late else "active",
            next_installment=unpaid[0] if unpaid else None,
            overdue=OverdueOut(
                installments=[i.number for i in late], amount=sum((i.amount for i in late), ZERO),
                principal=sum((i.principal for i in late), ZERO),
                days_overdue=late[0].days_overdue,
                in_grace_period=late[0].days_overdue <= GRACE_DAYS,
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


class DrawdownIn(BaseModel):
    amount: AmountIn
    term_months: int


class DrawdownOut(BaseModel):
    loan: LoanOut
    schedule: list[InstallmentOut]
    balance: Money


def loan_of(session: Session, customer: Customer, loan_id: str) -> Loan:
    """The customer's own loan; another customer's looks exactly like one that does not exist."""
    loan = session.scalars(
        select(Loan).where(Loan.id == loan_id.upper(), Loan.customer_id == customer.id)
    ).one_or_none()
    if loan is None:
        raise not_found("unknown_loan", f"This customer has no loan {loan_id}.")
    return loan


@router.get("/loans")
def list_loans(customer: CustomerDep, session: SessionDep, clock: ClockDep) -> list[LoanOut]:
    loans = session.scalars(select(Loan).where(Loan.customer_id == customer.id).order_by(Loan.id))
    return [LoanOut.of(loan, clock.today()) for loan in loans]


@router.get("/loans/{loan_id}")
def get_loan(loan_id: str, customer: CustomerDep, session: SessionDep, clock: ClockDep) -> LoanOut:
    return LoanOut.of(loan_of(session, customer, loan_id), clock.today())


@router.get("/loans/{loan_id}/schedule")
def get_schedule(
    loan_id: str, customer: CustomerDep, session: SessionDep, clock: ClockDep
) -> list[InstallmentOut]:
    loan = loan_of(session, customer, loan_id)
    return [InstallmentOut.of(i, loan, clock.today()) for i in loan.installments]


@router.get("/loans/{loan_id}/payoff")
def get_payoff(
    loan_id: str, customer: CustomerDep, session: SessionDep, clock: ClockDep
) -> PayoffOut:
    loan, today = loan_of(session, customer, loan_id), clock.today()
    quote = payoff(loan.installments, loan.daily_rate, loan.drawn_on, today)
    return PayoffOut(
        loan_id=loan.id, as_of=today, due_installments=[i.number for i in quote.due],
        amount_due=quote.amount_due, penalty_interest=quote.penalty,
        principal_not_due=quote.principal_not_due, days_used=quote.days_used,
        interest_for_days_used=quote.interest_for_days_used, total=quote.total,
    )


def repay(session: Session, customer: Customer, loan_id: str, amount: Decimal,
          today: date) -> RepaymentOut:
    require_positive(amount)
    card = lock_card(session, customer.id)
    loan = loan_of(session, customer, loan_id)
    quote = payoff(loan.installments, loan.daily_rate, loan.drawn_on, today)
    if quote.total == 0:
        raise rule("loan_closed", f"Loan {loan.id} is already repaid in full.")
    if amount > quote.total:
        raise rule("above_outstanding",
                   f"{show(amount)} is more than the {show(quote.total)} that repays loan "
                   f"{loan.id} in full today.", payoff=f"{quote.total:.2f}")
    if amount < quote.amount_due:
        raise rule("below_amount_due",
                   f"Loan {loan.id} has {show(quote.amount_due)} due now (overdue installments "
                   "with penalty interest); a repayment must cover at least that.",
                   amount_due=f"{quote.amount_due:.2f}")
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
    return RepaymentOut(
        repayment_id=repayment.id, loan_id=loan.id, paid_on=today, amount=amount,
        principal=repayment.principal, interest=repayment.interest,
        penalty_interest=repayment.penalty, installments_settled=[i.number for i in quote.due],
        loan=LoanOut.of(loan, today), balance=card.balance,
    )


@router.post("/loans/{loan_id}/repayments", status_code=201)
def make_repayment(
    loan_id: str, body: RepaymentIn, request: Request, customer: CustomerDep, session: SessionDep,
    clock: ClockDep, key: IdempotencyKeyDep,
) -> RepaymentOut:
    asked = fingerprint("POST", request.url.path, body)
    return once(session, customer.id, key, asked,
                lambda: repay(session, customer, loan_id, body.amount, clock.today()), RepaymentOut)


@router.post("/loans/{loan_id}/repayments/quote")
def quote_repayment(
    loan_id: str, body: RepaymentIn, customer: CustomerDep, session: SessionDep, clock: ClockDep
) -> RepaymentOut:
    """What POST /loans/{loan_id}/repayments would do now, with the same checks and refusals,
    without moving money: the summary the customer confirms."""
    try:
        result = repay(session, customer, loan_id, body.amount, clock.today())
    finally:
        session.rollback()  # a dry run: nothing it wrote is kept
    return result.model_copy(update={"repayment_id": None})


def draw_down(session: Session, customer: Customer, amount: Decimal, term_months: int,
              today: date) -> DrawdownOut:
    require_positive(amount)
    card = lock_card(session, customer.id)
    line = credit_line_status(session, customer.id, today)
    if line is None:
        raise not_found("no_credit_line", "This customer has no credit line.")
    if line.frozen_reason:
        raise rule("credit_line_frozen",
                   "The credit line is frozen because a repayment is overdue; it reopens once the "
                   "overdue amount is repaid.", frozen_reason=line.frozen_reason)
    if term_months not in FLEXI_LOAN_TERMS:
        raise rule("invalid_term", "The term must be one of "
                   + ", ".join(map(str, FLEXI_LOAN_TERMS)) + " months.")
    if amount < FLEXI_LOAN_MINIMUM:
        raise rule("below_minimum", f"The smallest loan is {show(FLEXI_LOAN_MINIMUM)}.",
                   minimum=f"{FLEXI_LOAN_MINIMUM:.2f}")
    if amount > line.available:
        raise rule("above_available_credit",
                   f"{show(amount)} is more than the {show(line.available)} available on the "
                   "credit line.", available=f"{line.available:.2f}")
    # Loan numbers: L, the customer's number, then a sequence (C001's are L1001, L1002, ...).
    count = session.execute(
        select(func.count()).where(Loan.customer_id == customer.id)).scalar_one()
    loan = open_loan(f"L{int(customer.id[1:])}{count + 1:03d}", customer.id, amount,
                     line.daily_rate, term_months, today)
    session.add(loan)
    credit(session, card, amount, today, f"贷款放款 {loan.id}", f"Loan drawdown {loan.id}")
    session.flush()
    return DrawdownOut(loan=LoanOut.of(loan, today), balance=card.balance,
                       schedule=[InstallmentOut.of(i, loan, today) for i in loan.installments])


@router.post("/loans", status_code=201)
def draw_loan(
    body: DrawdownIn, request: Request, customer: CustomerDep, session: SessionDep,
    clock: ClockDep, key: IdempotencyKeyDep,
) -> DrawdownOut:
    asked = fingerprint("POST", request.url.path, body)
    return once(session, customer.id, key, asked,
                lambda: draw_down(session, customer, body.amount, body.term_months, clock.today()),
                DrawdownOut)
