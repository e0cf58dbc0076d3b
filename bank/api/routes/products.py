"""The bank's wealth products: public facts, so only the service token is needed."""

from fastapi import APIRouter, Depends
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from bank.api.deps import REFUSALS, SessionDep, require_service_token
from bank.errors import not_found
from bank.models import Product
from bank.money import Money, Rate

router = APIRouter(prefix="/products", tags=["products"], responses=REFUSALS,
                   dependencies=[Depends(require_service_token)])


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


def product_or_404(session: Session, code: str) -> Product:
    product = session.get(Product, code.upper())
    if product is None:
        raise not_found("unknown_product", f"There is no product {code}.")
    return product


@router.get("")
def list_products(session: SessionDep) -> list[ProductOut]:
    return [ProductOut.of(p) for p in session.scalars(select(Product).order_by(Product.code))]


@router.get("/{code}")
def get_product(code: str, session: SessionDep) -> ProductOut:
    return ProductOut.of(product_or_404(session, code))
