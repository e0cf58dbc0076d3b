"""Amounts and dates as each language writes them."""

from datetime import date
from decimal import Decimal

import pytest

from actions import money


@pytest.mark.parametrize("value, language, signed, shown", [
    ("52380.25", "zh", False, "¥52,380.25"),
    ("52380.25", "en", False, "CNY 52,380.25"),
    ("0.61", "zh", False, "¥0.61"),
    ("0", "en", False, "CNY 0.00"),
    ("-32.00", "zh", True, "-¥32.00"),
    ("-2100.33", "en", True, "-CNY 2,100.33"),
    ("18500", "zh", True, "+¥18,500.00"),
    ("1000000.005", "en", False, "CNY 1,000,000.01"),
])
def test_amounts_per_language(value, language, signed, shown):
    assert money.amount(Decimal(value), language, signed) == shown


def test_dates_per_language():
    assert money.day(date(2026, 12, 15), "zh") == "2026年12月15日"
    assert money.day(date(2026, 12, 15), "en") == "15 Dec 2026"
    assert money.short_day(date(2026, 11, 5), "zh") == "11月5日"
    assert money.short_day(date(2026, 11, 5), "en") == "5 Nov"
