"""What the customer holds: cost, market value, yesterday's earnings, and money on its way back."""

from datetime import date

from pydantic import BaseModel
from sqlalchemy import select

from bank.api.deps import ClockDep, CustomerDep, SessionDep, customer_router
from bank.models import Holding, Order
from bank.money import ZERO, Money
from bank.wealth import lot_status

router = customer_router("holdings")


class LotOut(BaseModel):
    confirmed_on: date
    cost: Money
    market_value: Money
    status: str  # awaiting_confirmation, closed (closed-end, before maturity) or redeemable
    matures_on: date | None


class HoldingOut(BaseModel):
    product_code: str
    name_zh: str
    name_en: str
    risk: str
    cost: Money
    market_value: Money
    profit: Money
    yesterday_earnings: Money | None  # None where the bank does not report it
    redeemable: Money  # market value that can be redeemed today
    lots: list[LotOut]  # one per purchase, oldest first


class InTransitOut(BaseModel):
    order_id: int
    product_code: str
    name_zh: str
    name_en: str
    proceeds: Money
    arrival_date: date


class HoldingsOut(BaseModel):
    total_cost: Money
    total_market_value: Money
    holdings: list[HoldingOut]
    redemptions_in_transit: list[InTransitOut]


def summarise(lots: list[Holding], today: date) -> HoldingOut:
    product = lots[0].product
    earnings = [lot.yesterday_earnings for lot in lots if lot.yesterday_earnings is not None]
    cost = sum((lot.cost for lot in lots), ZERO)
    value = sum((lot.market_value for lot in lots), ZERO)
    return HoldingOut(
        product_code=product.code, name_zh=product.name_zh, name_en=product.name_en,
        risk=f"R{product.risk}", cost=cost, market_value=value, profit=value - cost,
        yesterday_earnings=sum(earnings, ZERO) if earnings else None,
        redeemable=sum((lot.market_value for lot in lots if lot_status(lot, today) == "redeemable"),
                       ZERO),
        lots=[LotOut(confirmed_on=lot.confirmed_on, cost=lot.cost, market_value=lot.market_value,
                     status=lot_status(lot, today), matures_on=lot.matures_on) for lot in lots],
    )


@router.get("/holdings")
def list_holdings(customer: CustomerDep, session: SessionDep, clock: ClockDep) -> HoldingsOut:
    today = clock.today()
    lots = session.scalars(
        select(Holding).where(Holding.customer_id == customer.id)
        .order_by(Holding.product_code, Holding.confirmed_on, Holding.id)
    ).all()
    by_product: dict[str, list[Holding]] = {}
    for lot in lots:
        by_product.setdefault(lot.product_code, []).append(lot)
    in_transit = session.scalars(
        select(Order).where(Order.customer_id == customer.id, Order.side == "redeem",
                            Order.proceeds_paid_on.is_(None)).order_by(Order.id)
    )
    return HoldingsOut(
        total_cost=sum((lot.cost for lot in lots), ZERO),
        total_market_value=sum((lot.market_value for lot in lots), ZERO),
        holdings=[summarise(group, today) for group in by_product.values()],
        redemptions_in_transit=[
            InTransitOut(order_id=o.id, product_code=o.product_code, name_zh=o.product.name_zh,
                         name_en=o.product.name_en, proceeds=o.amount - o.fee,
                         arrival_date=o.arrival_date)
            for o in in_transit if o.arrival_date  # every redemption has one
        ],
    )
