"""The bank's wealth products: each one's public sheet (what the catalogue shows, and what a
refusal offers as alternatives)."""

from pydantic import BaseModel
from sqlalchemy.orm import Session

from bank.errors import NotFound
from bank.models import Product
from bank.money import Money, Rate


class RedemptionFeeOut(BaseModel):
    min_days_held: int
    rate: Rate


class ProductOut(BaseModel):
    code: str
    name_zh: str
    name_en: str
    risk: str
    return_zh: str
    return_en: str
    min_purchase: Money
    purchase_fee_rate: Rate
    redemption_days: int
    closed_days: int | None
    fast_redemption_daily_limit: Money | None
    redemption_fees: list[RedemptionFeeOut]

    @classmethod
    def of(cls, product: Product) -> "ProductOut":
        return cls(
            code=product.code, name_zh=product.name_zh, name_en=product.name_en,
            risk=f"R{product.risk}", return_zh=product.return_zh, return_en=product.return_en,
            min_purchase=product.min_purchase, purchase_fee_rate=product.purchase_fee_rate,
            redemption_days=product.redemption_days, closed_days=product.closed_days,
            fast_redemption_daily_limit=product.fast_redemption_daily_limit,
            redemption_fees=[
                RedemptionFeeOut(min_days_held=tier.min_days_held, rate=tier.rate)
                for tier in sorted(product.redemption_fees, key=lambda tier: tier.min_days_held)
            ],
        )


def find_product(session: Session, code: str) -> Product:
    product = session.get(Product, code.upper())
    if product is None:
        raise NotFound("unknown_product", f"There is no product {code}.")
    return product
