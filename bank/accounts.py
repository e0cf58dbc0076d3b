"""The customer's money at the bank: the debit card's ledger and the credit line."""

import threading
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bank.errors import RuleBroken
from bank.loans import days_overdue, in_grace_period
from bank.models import CreditLine, DebitCard, Installment, Loan, Order, Transaction
from bank.money import ZERO, show


def lock_card(session: Session, customer_id: str) -> DebitCard:
    """Every money move locks the customer's card row first, so moves for one customer queue up."""
    return session.scalars(
        select(DebitCard).where(DebitCard.customer_id == customer_id)
        .with_for_update(of=DebitCard).execution_options(populate_existing=True)  # fresh read
    ).one()


def debit(session: Session, card: DebitCard, amount: Decimal, on: date, zh: str, en: str) -> None:
    if card.frozen:
        raise RuleBroken(
            "card_frozen",
            f"Debit card {card.masked_number} is frozen, so no money can leave it.",
        )
    if amount > card.balance:
        raise RuleBroken(
            "above_balance",
            f"{show(amount)} is more than the balance of {show(card.balance)} "
            f"on debit card {card.masked_number}.",
            balance=f"{card.balance:.2f}",
        )
    card.balance -= amount
    session.add(Transaction(customer_id=card.customer_id, booked_on=on, amount=-amount,
                            description_zh=zh, description_en=en))


def credit(session: Session, card: DebitCard, amount: Decimal, on: date, zh: str, en: str) -> None:
    card.balance += amount
    session.add(Transaction(customer_id=card.customer_id, booked_on=on, amount=amount,
                            description_zh=zh, description_en=en))


def settle_arrivals(session: Session, customer_id: str, today: date) -> None:
    """Credit redemption proceeds whose arrival date has come (the bank's batch run does this)."""
    arrived = (
        select(Order)
        .where(Order.customer_id == customer_id, Order.side == "redeem",
               Order.proceeds_paid_on.is_(None), Order.arrival_date <= today)
        .order_by(Order.id)
    )
    if session.scalars(arrived).first() is None:
        return
    card = lock_card(session, customer_id)
    for order in session.scalars(arrived).all():  # read again under the lock
        arrival = order.arrival_date
        assert arrival is not None  # selected above: a redemption whose arrival date has come
        credit(session, card, order.amount - order.fee, arrival,
               f"赎回到账 {order.product.name_zh}", f"Redemption of {order.product.name_en}")
        order.proceeds_paid_on = arrival


class DailyBatch:
    """The bank's start-of-day run: redemption proceeds whose arrival date has come reach the
    customers' cards. A bank runs it at midnight; the sandbox, whose clock tests move, runs it
    before the first request of each business day. Running it again changes nothing."""

    def __init__(self, database: Engine) -> None:
        self.database = database
        self.done_for: date | None = None
        self._lock = threading.Lock()

    def run(self, today: date) -> None:
        if self.done_for == today:
            return
        with self._lock, Session(self.database) as session:
            if self.done_for == today:  # another request ran it meanwhile
                return
            waiting = session.scalars(
                select(Order.customer_id).distinct()
                .where(Order.side == "redeem", Order.proceeds_paid_on.is_(None),
                       Order.arrival_date <= today).order_by(Order.customer_id)).all()
            for customer_id in waiting:
                settle_arrivals(session, customer_id, today)
            session.commit()
            self.done_for = today


@dataclass(frozen=True)
class CreditLineStatus:
    limit: Decimal
    outstanding: Decimal  # principal owed on all loans
    daily_rate: Decimal
    frozen_reason: str | None  # "overdue": an installment is past the grace period

    @property
    def available(self) -> Decimal:
        return ZERO if self.frozen_reason else max(ZERO, self.limit - self.outstanding)


def credit_line_status(session: Session, customer_id: str, today: date) -> CreditLineStatus | None:
    line = session.get(CreditLine, customer_id)
    if line is None:
        return None
    unpaid = session.scalars(
        select(Installment).join(Loan)
        .where(Loan.customer_id == customer_id, Installment.paid_on.is_(None))
    ).all()
    overdue = any(not in_grace_period(days_overdue(i.due_date, today)) for i in unpaid)
    return CreditLineStatus(
        limit=line.limit,
        outstanding=sum((i.principal for i in unpaid), ZERO),
        daily_rate=line.daily_rate,
        frozen_reason="overdue" if overdue else None,
    )
