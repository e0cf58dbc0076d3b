"""The investor risk profile (风险测评) and what it lets the customer buy (适当性; the rules:
bank/risk.py and bank/wealth.py)."""

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from bank.api.deps import ClockDep, CustomerDep, SessionDep, customer_router
from bank.models import RiskProfile
from bank.products import ProductOut
from bank.risk import LEVEL_NAMES, QUESTIONS, RISK_NOTICE, score
from bank.wealth import assess, suitable_products, valid_profile

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
    name_zh: str  # the level's name (保守型 ... 进取型)
    name_en: str
    products: list[ProductOut]
    risk_notice: dict[str, str]


@router.get("/risk-profile")
def get_risk_profile(customer: CustomerDep, session: SessionDep, clock: ClockDep) -> RiskProfileOut:
    return RiskProfileOut.of(session.get(RiskProfile, customer.id), clock.today())


@router.put("/risk-profile")
def assess_risk_profile(
    body: AnswersIn, customer: CustomerDep, session: SessionDep, clock: ClockDep
) -> RiskProfileOut:
    profile = assess(session, customer.id, "".join(body.answers), clock.today())
    session.commit()
    return RiskProfileOut.of(profile, clock.today())


@router.get("/suitable-products")
def list_suitable_products(
    customer: CustomerDep, session: SessionDep, clock: ClockDep
) -> SuitableProductsOut:
    profile = valid_profile(session, customer.id, clock.today())
    return SuitableProductsOut(
        level=f"C{profile.level}", name_zh=LEVEL_NAMES[profile.level][0],
        name_en=LEVEL_NAMES[profile.level][1], risk_notice=RISK_NOTICE,
        products=[ProductOut.of(p) for p in suitable_products(session, profile.level)],
    )
