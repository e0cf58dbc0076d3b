"""The bank's wealth products: public facts, so only the service token is needed."""

from fastapi import APIRouter, Depends
from sqlalchemy import select

from bank.api.deps import REFUSALS, SessionDep, require_service_token
from bank.models import Product
from bank.products import ProductOut, find_product

router = APIRouter(prefix="/products", tags=["products"], responses=REFUSALS,
                   dependencies=[Depends(require_service_token)])


@router.get("")
def list_products(session: SessionDep) -> list[ProductOut]:
    return [ProductOut.of(p) for p in session.scalars(select(Product).order_by(Product.code))]


@router.get("/{code}")
def get_product(code: str, session: SessionDep) -> ProductOut:
    return ProductOut.of(find_product(session, code))
