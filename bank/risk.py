"""Investor risk profile (风险测评): seven questions A-D scoring 1-4, and suitability (适当性)."""

from datetime import date

from dateutil.relativedelta import relativedelta

QUESTIONS = 7
VALID_MONTHS = 12
# (highest total, level): 7-10 C1, 11-14 C2, 15-19 C3, 20-24 C4, 25-28 C5.
LEVEL_BANDS = ((10, 1), (14, 2), (19, 3), (24, 4), (28, 5))
LEVEL_NAMES = {
    1: ("保守型", "Conservative"),
    2: ("稳健型", "Moderate"),
    3: ("平衡型", "Balanced"),
    4: ("成长型", "Growth"),
    5: ("进取型", "Aggressive"),
}
LOSS_QUESTION = 5  # answering A ("no loss at all") makes the level C1 whatever the total
RISK_NOTICE = {
    "zh": "理财非存款、产品有风险、投资须谨慎",
    "en": "Wealth products are not deposits. Investing involves risk.",
}


def score(answers: str) -> int:
    return sum("ABCD".index(answer) + 1 for answer in answers)


def level_for(answers: str) -> int:
    if answers[LOSS_QUESTION - 1] == "A":
        return 1
    total = score(answers)
    return next(level for highest, level in LEVEL_BANDS if total <= highest)


def valid_until(assessed_on: date) -> date:
    return assessed_on + relativedelta(months=VALID_MONTHS)


def may_buy(level: int, product_risk: int) -> bool:
    """A customer may buy products up to their own level: C3 up to R3."""
    return product_risk <= level
