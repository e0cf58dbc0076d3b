"""Buying and redeeming wealth products, with the suitability, cut-off and fee rules of the spec."""

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from fastapi import Request
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from bank.accounts import debit, lock_card, settle_arrivals
from bank.api.deps import ClockDep, CustomerDep, IdempotencyKeyDep, SessionDep, customer_router
from bank.api.routes.products import ProductOut, product_or_404
from bank.api.routes.risk_profile import suitable_products, valid_profile
from bank.errors import rule
from bank.idempotency import fingerprint, once
from bank.models import Customer, Holding, Order, Product
from bank.money import ZERO, AmountIn, Money, cents, require_positive, show
from bank.risk import LEVEL_NAMES, RISK_NOTICE
from bank.trading import add_trading_days, confirmation_date, redemption_fee_rate, trade_date

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


def buy(session: Session, customer: Customer, product: Product, amount: Decimal,
        now: datetime) -> OrderOut:
    require_positive(amount)
    if amount < product.min_purchase:
        raise rule("below_minimum",
                   f"The minimum purchase of {product.name_en} is {show(product.min_purchase)}.",
                   minimum=f"{product.min_purchase:.2f}")
    profile = valid_profile(session, customer.id, now.date())
    suitable = suitable_products(session, profile.level)
    if product not in suitable:
        raise rule(
            "above_risk_level",
            f"{product.name_en} is R{product.risk}, above what risk level C{profile.level} "
            f"({LEVEL_NAMES[profile.level][1]}) may buy (up to R{profile.level}).",
            alternatives=[ProductOut.of(p).model_dump(mode="json") for p in suitable],
            risk_notice=RISK_NOTICE,  # the alternatives are a recommendation
        )
    card = lock_card(session, customer.id)
    debit(session, card, amount, now.date(),
          f"购买 {product.name_zh}", f"Purchase {product.name_en}")
    fee = cents(amount * product.purchase_fee_rate)
    trade = trade_date(now)
    confirmed = confirmation_date(trade)
    lot = Holding(customer_id=customer.id, product=product, cost=amount,
                  market_value=amount - fee, confirmed_on=confirmed)
    order = Order(customer_id=customer.id, product=product, side="buy", amount=amount, fee=fee,
                  placed_at=now, trade_date=trade, confirmation_date=confirmed)
    session.add_all([lot, order])
    session.flush()
    return OrderOut(
        order_id=order.id, side="buy", status="awaiting_confirmation", product_code=product.code,
        name_zh=product.name_zh, name_en=product.name_en, amount=amount, fee=fee, trade_date=trade,
        confirmation_date=confirmed, earning_date=confirmed, matures_on=lot.matures_on,
        payback_date=add_trading_days(lot.matures_on, 1) if lot.matures_on else None,
        balance=card.balance, risk_notice=RISK_NOTICE,
    )


def fast_redeemed_today(
    session: Session, customer_id: str, product: Product, today: date
) -> Decimal:
    amounts = session.scalars(select(Order.amount).where(
        Order.customer_id == customer_id, Order.product_code == product.code,
        Order.side == "redeem", Order.fast.is_(True), Order.trade_date == today,
    ))
    return sum(amounts, ZERO)


def redeem(session: Session, customer: Customer, product: Product, amount: Decimal,
           now: datetime) -> OrderOut:
    require_positive(amount)
    today = now.date()
    card = lock_card(session, customer.id)
    lots = session.scalars(
        select(Holding)
        .where(Holding.customer_id == customer.id, Holding.product_code == product.code)
        .order_by(Holding.confirmed_on, Holding.id)
        .with_for_update(of=Holding).execution_options(populate_existing=True)
    ).all()
    if not lots:
        raise rule("not_held", f"There is no holding of {product.name_en} to redeem.")
    confirmed = [lot for lot in lots if lot.confirmed_on <= today]
    redeemable = [lot for lot in confirmed if lot.matures_on is None or lot.matures_on <= today]
    available = sum((lot.market_value for lot in redeemable), ZERO)
    if amount > available:
        closed = [lot.matures_on for lot in lots if lot.matures_on and lot.matures_on > today]
        if closed:
            matures_on = closed[0]
            payback = add_trading_days(matures_on, 1)
            raise rule(
                "closed_period",
                f"{product.name_en} is closed for {product.closed_days} days with no early "
                f"redemption; it matures on {matures_on} and is paid back on {payback}.",
                matures_on=str(matures_on), payback_date=str(payback),
            )
        raise rule(
            "above_holding",
            f"{show(amount)} is more than the {show(available)} of {product.name_en} that can be "
            "redeemed now (purchases count once confirmed).",
            redeemable=f"{available:.2f}",
        )

    limit = product.fast_redemption_daily_limit
    fast = limit is not None and amount <= limit - fast_redeemed_today(
        session, customer.id, product, today)
    trade = today if fast else trade_date(now)
    fee = take_from_lots(session, redeemable, amount, product, trade)
    order = Order(customer_id=customer.id, product=product, side="redeem", amount=amount, fee=fee,
                  placed_at=now, trade_date=trade, fast=fast,
                  arrival_date=today if fast else add_trading_days(trade, product.redemption_days))
    session.add(order)
    session.flush()
    settle_arrivals(session, customer.id, today)  # a fast redemption arrives at once
    return OrderOut(
        order_id=order.id, side="redeem",
        status="paid" if order.proceeds_paid_on else "processing", product_code=product.code,
        name_zh=product.name_zh, name_en=product.name_en, amount=amount, fee=fee, trade_date=trade,
        proceeds=amount - fee, arrival_date=order.arrival_date, fast=fast, balance=card.balance,
    )


def take_from_lots(session: Session, lots: list[Holding], amount: Decimal, product: Product,
                   trade: date) -> Decimal:
    """Redeem `amount` of market value, oldest purchase first; returns the fee (by days held)."""
    tiers = [(tier.min_days_held, tier.rate) for tier in product.redemption_fees]
    fee, left = ZERO, amount
    for lot in lots:
        if left == 0:
            break
        part = min(left, lot.market_value)
        fee += cents(part * redemption_fee_rate(tiers, (trade - lot.confirmed_on).days))
        lot.cost -= cents(lot.cost * part / lot.market_value)
        lot.market_value -= part
        left -= part
        if lot.market_value == 0:
            session.delete(lot)
    return fee


@router.post("/orders", status_code=201)
def place_order(
    body: OrderIn, request: Request, customer: CustomerDep, session: SessionDep, clock: ClockDep,
    key: IdempotencyKeyDep,
) -> OrderOut:
    def operation() -> OrderOut:
        product = product_or_404(session, body.product_code)
        side = buy if body.side == "buy" else redeem
        return side(session, customer, product, body.amount, clock.now())

    return once(session, customer.id, key, fingerprint("POST", request.url.path, body), operation,
                OrderOut)


@router.post("/orders/quote")
def quote_order(
    body: OrderIn, customer: CustomerDep, session: SessionDep, clock: ClockDep
) -> OrderOut:
    """What POST /orders would do now, with the same checks and refusals, without doing it.

    The assistant shows this as the summary the customer confirms (fee, trade and confirmation
    dates, arrival date) before it places the order.
    """
    product = product_or_404(session, body.product_code)
    side = buy if body.side == "buy" else redeem
    try:
        order = side(session, customer, product, body.amount, clock.now())
    finally:
        session.rollback()  # a dry run: nothing it wrote is kept
    return order.model_copy(update={"order_id": None, "status": "quote"})
