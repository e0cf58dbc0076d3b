"""Transactions on the debit card, newest first."""

from datetime import date, timedelta
from typing import Annotated

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import select

from bank.api.deps import ClockDep, CustomerDep, SessionDep, customer_router
from bank.api.errors import Refused
from bank.models import Transaction
from bank.money import Money

router = customer_router("transactions")
DEFAULT_DAYS = 30


class TransactionOut(BaseModel):
    booked_on: date
    amount: Money  # money in positive, money out negative
    description_zh: str
    description_en: str


class TransactionsOut(BaseModel):
    start: date
    end: date
    transactions: list[TransactionOut]


@router.get("/transactions")
def list_transactions(
    customer: CustomerDep,
    session: SessionDep,
    clock: ClockDep,
    start: Annotated[date | None, Query(description="First day; default end - 30 days")] = None,
    end: Annotated[date | None, Query(description="Last day, inclusive; default today")] = None,
) -> TransactionsOut:
    end = end or clock.today()
    start = start or end - timedelta(days=DEFAULT_DAYS)
    if start > end:
        raise Refused(400, "invalid_period", f"The period starts ({start}) after it ends ({end}).")
    rows = session.scalars(
        select(Transaction)
        .where(Transaction.customer_id == customer.id, Transaction.booked_on.between(start, end))
        .order_by(Transaction.booked_on.desc(), Transaction.id.desc())
    )
    return TransactionsOut(start=start, end=end, transactions=[
        TransactionOut(booked_on=t.booked_on, amount=t.amount, description_zh=t.description_zh,
                       description_en=t.description_en)
        for t in rows
    ])
