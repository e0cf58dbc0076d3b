"""Amounts and dates as the customer reads them, per reply language.

zh: ¥52,380.25, 2026年12月15日 (short: 12月15日); en: CNY 52,380.25, 15 Dec 2026 (short: 15 Dec).
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def amount(value: Decimal, language: str, signed: bool = False) -> str:
    """¥52,380.25 / CNY 52,380.25; negative amounts get a minus, `signed` adds + to the rest."""
    value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else "+" if signed and value > 0 else ""
    figure = f"{abs(value):,.2f}"
    return f"{sign}¥{figure}" if language == "zh" else f"{sign}CNY {figure}"


def day(value: date, language: str) -> str:
    """2026年12月15日 / 15 Dec 2026."""
    if language == "zh":
        return f"{value.year}年{value.month}月{value.day}日"
    return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"


def short_day(value: date, language: str) -> str:
    """12月15日 / 15 Dec: for lists within one stated period."""
    if language == "zh":
        return f"{value.month}月{value.day}日"
    return f"{value.day} {_MONTHS_EN[value.month - 1]}"
