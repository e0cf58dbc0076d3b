"""The investor risk profile (风险测评) and what it lets the customer buy (适当性)."""

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from bank.api.deps import ClockDep, CustomerDep, SessionDep, customer_router
from bank.api.routes.products import ProductOut
from bank.errors import rule
from bank.models import Product, RiskProfile
from bank.risk import LEVEL_NAMES, QUESTIONS, RISK_NOTICE, level_for, may_buy, score, valid_until

router = customer_router("risk profile")


class RiskProfileOut(BaseModel):
    level: str | None  # C1-C5; None: never assessed
    name_zh: str | None
    name_en: str | None
    max_product_risk: str | None  # may buy products up to this risk
    score: int | None  # None for assessments made before this service kept the answers
    assessed_on: date | None
    valid_until: date | None
    valid: bool  # False: the customer must (re)take the assessment before buying

    @classmethod
    def of(cls, profile: RiskProfile | None, today: date) -> "RiskProfileOut":
        if profile is None:
            return cls(level=None, name_zh=None, name_en=None, max_product_risk=None, score=None,
                       assessed_on=None, valid_until=None, valid=False)
        name_zh, name_en = LEVEL_NAMES[profile.level]
        return cls(
            level=f"C{profile.level}", name_zh=name_zh, name_en=name_en,
            max_product_risk=f"R{profile.level}",
            score=score(profile.answers) if profile.answers else None,
            assessed_on=profile.assessed_on, valid_until=profile.valid_until,
            valid=today <= profile.valid_until,
        )


class AnswersIn(BaseModel):
    answers: Annotated[
        list[Literal["A", "B", "C", "D"]], Field(min_length=QUESTIONS, max_length=QUESTIONS)
    ] = Field(description="Answers to questions 1-7 in order", examples=[list("DCCCCCC")])


class SuitableProductsOut(BaseModel):
    level: str
    products: list[ProductOut]
    risk_notice: dict[str, str]


def valid_profile(session: Session, customer_id: str, today: date) -> RiskProfile:
    profile = session.get(RiskProfile, customer_id)
    if profile is None or today > profile.valid_until:
        why = "has expired" if profile else "has not been taken"
        raise rule("risk_assessment_required",
                   f"The risk assessment {why}; it must be taken before buying or recommending "
                   "wealth products.")
    return profile


def suitable_products(session: Session, level: int) -> list[Product]:
    """Products the level may buy, closest to the level's limit first."""
    products = session.scalars(select(Product).order_by(Product.risk.desc(), Product.code))
    return [product for product in products if may_buy(level, product.risk)]


@router.get("/risk-profile")
def get_risk_profile(customer: CustomerDep, session: SessionDep, clock: ClockDep) -> RiskProfileOut:
    return RiskProfileOut.of(session.get(RiskProfile, customer.id), clock.today())


@router.put("/risk-profile")
def assess_risk_profile(
    body: AnswersIn, customer: CustomerDep, session: SessionDep, clock: ClockDep
) -> RiskProfileOut:
    today, answers = clock.today(), "".join(body.answers)
    profile = session.get(RiskProfile, customer.id) or RiskProfile(customer_id=customer.id)
    profile.level, profile.answers = level_for(answers), answers
    profile.assessed_on, profile.valid_until = today, valid_until(today)
    session.add(profile)
    session.commit()
    return RiskProfileOut.of(profile, today)


@router.get("/suitable-products")
def list_suitable_products(
    customer: CustomerDep, session: SessionDep, clock: ClockDep
) -> SuitableProductsOut:
    profile = valid_profile(session, customer.id, clock.today())
    return SuitableProductsOut(
        level=f"C{profile.level}", risk_notice=RISK_NOTICE,
        products=[ProductOut.of(p) for p in suitable_products(session, profile.level)],
    )
