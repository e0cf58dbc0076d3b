"""Buying and redeeming wealth products (the rules: bank/wealth.py)."""

from datetime import date
from typing import Literal

from fastapi import Request
from pydantic import BaseModel

from bank.api.deps import ClockDep, CustomerDep, IdempotencyKeyDep, SessionDep, customer_router
from bank.idempotency import fingerprint, once
from bank.money import AmountIn, Money
from bank.products import find_product
from bank.risk import RISK_NOTICE
from bank.wealth import Placed, buy, redeem

router = customer_router("orders")


class OrderIn(BaseModel):
    side: Literal["buy", "redeem"]
    product_code: str
    amount: AmountIn  # buy: money paid in; redeem: market value to redeem


class OrderOut(BaseModel):
    order_id: int | None  # None in a quote: nothing was done
    side: str
    # buy: awaiting_confirmation; redeem: processing, or paid once the money arrived; quote
    status: str
    product_code: str
    name_zh: str
    name_en: str
    amount: Money
    fee: Money
    trade_date: date  # T, after the 15:00 cut-off and weekends
    confirmation_date: date | None = None  # buy: T+1
    earning_date: date | None = None  # buy: starts earning, T+1
    matures_on: date | None = None  # buy of a closed-end product
    payback_date: date | None = None  # buy of a closed-end product: 1 working day after maturity
    proceeds: Money | None = None  # redeem: amount - fee
    arrival_date: date | None = None  # redeem: proceeds reach the debit card
    fast: bool | None = None  # redeem: fast redemption, arrives at once
    balance: Money  # debit card balance after the order
    risk_notice: dict[str, str] | None = None  # buy

    @classmethod
    def of(cls, placed: Placed) -> "OrderOut":
        order, product = placed.order, placed.order.product
        common = cls(
            order_id=order.id, side=order.side, status=placed.status, product_code=product.code,
            name_zh=product.name_zh, name_en=product.name_en, amount=order.amount, fee=order.fee,
            trade_date=order.trade_date, balance=placed.balance,
        )
        if order.side == "buy":
            return common.model_copy(update=dict(
                confirmation_date=order.confirmation_date, earning_date=order.confirmation_date,
                matures_on=placed.matures_on, payback_date=placed.payback_date,
                risk_notice=RISK_NOTICE))
        return common.model_copy(update=dict(
            proceeds=order.amount - order.fee, arrival_date=order.arrival_date, fast=order.fast))


def place(body: OrderIn, customer: CustomerDep, session: SessionDep, clock: ClockDep) -> OrderOut:
    product = find_product(session, body.product_code)
    side = buy if body.side == "buy" else redeem
    return OrderOut.of(side(session, customer, product, body.amount, clock.now()))


@router.post("/orders", status_code=201)
def place_order(
    body: OrderIn, request: Request, customer: CustomerDep, session: SessionDep, clock: ClockDep,
    key: IdempotencyKeyDep,
) -> OrderOut:
    return once(session, customer.id, key, fingerprint("POST", request.url.path, body),
                lambda: place(body, customer, session, clock), OrderOut)


@router.post("/orders/quote")
def quote_order(
    body: OrderIn, customer: CustomerDep, session: SessionDep, clock: ClockDep
) -> OrderOut:
    """What POST /orders would do now, with the same checks and refusals, without doing it.

    The assistant shows this as the summary the customer confirms (fee, trade and confirmation
    dates, arrival date) before it places the order.
    """
    try:
        order = place(body, customer, session, clock)
    finally:
        session.rollback()  # a dry run: nothing it wrote is kept
    return order.model_copy(update={"order_id": None, "status": "quote"})
