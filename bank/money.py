"""Money is Decimal, rounded half up to the cent; never float."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import Field, PlainSerializer

from bank.errors import RuleBroken

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def require_positive(amount: Decimal) -> None:
    if amount <= 0:
        raise RuleBroken("invalid_amount", "The amount must be more than 0.00.")


def show(amount: Decimal) -> str:
    """For messages a person reads: 2,100.33."""
    return f"{amount:,.2f}"


# In JSON amounts are strings with exactly two decimals; requests may not carry fractions of cents.
Money = Annotated[
    Decimal, PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str, when_used="json")
]
AmountIn = Annotated[Decimal, Field(max_digits=14, decimal_places=2, examples=["1000.00"])]
Rate = Annotated[
    Decimal,
    PlainSerializer(lambda rate: f"{rate.normalize():f}", return_type=str, when_used="json"),
]
