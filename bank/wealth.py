"""Wealth products: suitability (适当性), buying and redeeming with the spec's cut-off, minimum,
fast-redemption and fee rules, and what each purchase (lot) may do today."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bank.accounts import debit, lock_card, settle_arrivals
from bank.errors import RuleBroken
from bank.models import Customer, Holding, Order, Product, RiskProfile
from bank.money import ZERO, cents, require_positive, show
from bank.products import ProductOut
from bank.risk import LEVEL_NAMES, RISK_NOTICE, level_for, may_buy, valid_until
from bank.trading import add_trading_days, confirmation_date, redemption_fee_rate, trade_date


@dataclass(frozen=True)
class Placed:
    """An order as placed (or quoted), with what the customer is told about it."""

    order: Order
    balance: Decimal  # the debit card's, after the order
    matures_on: date | None = None  # a closed-end purchase

    @property
    def payback_date(self) -> date | None:
        """A closed-end purchase is paid back one trading day after it matures."""
        return add_trading_days(self.matures_on, 1) if self.matures_on else None

    @property
    def status(self) -> str:
        if self.order.side == "buy":
            return "awaiting_confirmation"
        return "paid" if self.order.proceeds_paid_on else "processing"


def valid_profile(session: Session, customer_id: str, today: date) -> RiskProfile:
    profile = session.get(RiskProfile, customer_id)
    if profile is None or today > profile.valid_until:
        why = "has expired" if profile else "has not been taken"
        raise RuleBroken("risk_assessment_required",
                         f"The risk assessment {why}; it must be taken before buying or "
                         "recommending wealth products.")
    return profile


def suitable_products(session: Session, level: int) -> list[Product]:
    """Products the level may buy, closest to the level's limit first."""
    products = session.scalars(select(Product).order_by(Product.risk.desc(), Product.code))
    return [product for product in products if may_buy(level, product.risk)]


def assess(session: Session, customer_id: str, answers: str, today: date) -> RiskProfile:
    """The questionnaire's answers (A-D, in order) set the level for a year."""
    profile = session.get(RiskProfile, customer_id) or RiskProfile(customer_id=customer_id)
    profile.level, profile.answers = level_for(answers), answers
    profile.assessed_on, profile.valid_until = today, valid_until(today)
    session.add(profile)
    return profile


def buy(session: Session, customer: Customer, product: Product, amount: Decimal,
        now: datetime) -> Placed:
    require_positive(amount)
    if amount < product.min_purchase:
        raise RuleBroken(
            "below_minimum",
            f"The minimum purchase of {product.name_en} is {show(product.min_purchase)}.",
            minimum=f"{product.min_purchase:.2f}")
    profile = valid_profile(session, customer.id, now.date())
    suitable = suitable_products(session, profile.level)
    if product not in suitable:
        raise RuleBroken(
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
    return Placed(order, card.balance, lot.matures_on)


def fast_redeemed_today(
    session: Session, customer_id: str, product: Product, today: date
) -> Decimal:
    amounts = session.scalars(select(Order.amount).where(
        Order.customer_id == customer_id, Order.product_code == product.code,
        Order.side == "redeem", Order.fast.is_(True), Order.trade_date == today,
    ))
    return sum(amounts, ZERO)


def redeem(session: Session, customer: Customer, product: Product, amount: Decimal,
           now: datetime) -> Placed:
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
        raise RuleBroken("not_held", f"There is no holding of {product.name_en} to redeem.")
    redeemable = [lot for lot in lots if lot_status(lot, today) == "redeemable"]
    available = sum((lot.market_value for lot in redeemable), ZERO)
    if amount > available:
        closed = [lot.matures_on for lot in lots if lot.matures_on and lot.matures_on > today]
        if closed:
            matures_on = closed[0]
            payback = add_trading_days(matures_on, 1)
            raise RuleBroken(
                "closed_period",
                f"{product.name_en} is closed for {product.closed_days} days with no early "
                f"redemption; it matures on {matures_on} and is paid back on {payback}.",
                matures_on=str(matures_on), payback_date=str(payback),
            )
        raise RuleBroken(
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
    return Placed(order, card.balance)


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


def lot_status(lot: Holding, today: date) -> str:
    """awaiting_confirmation (bought, not yet T+1), closed (closed-end, before maturity) or
    redeemable."""
    if lot.confirmed_on > today:
        return "awaiting_confirmation"
    if lot.matures_on and lot.matures_on > today:
        return "closed"
    return "redeemable"
