"""Amounts as customers type them (actions/amounts.py)."""

from decimal import Decimal

import pytest

from actions.amounts import ALL, parse_amount


@pytest.mark.parametrize("typed, value", [
    ("5000", Decimal("5000")), ("5,000.50", Decimal("5000.50")), ("¥5000", Decimal("5000")),
    ("5000元", Decimal("5000")), ("五千", Decimal("5000")), ("两千五", Decimal("2500")),
    ("1.5万", Decimal("15000")), ("5k", Decimal("5000")), ("全部", ALL), ("all", ALL),
    ("-500", Decimal("-500")), ("0", Decimal("0")), ("pay 3000", Decimal("3000")),
    ("今天天气", None), ("A", None), ("L1001", None), ("WM001", None), ("", None),
])
def test_amounts_as_customers_type_them(typed, value):
    assert parse_amount(typed) == value
