"""Fund trading calendar: the 15:00 cut-off, trading days (Monday-Friday) and T+N dates."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from bank.clock import business_time

CUT_OFF = time(15, 0)


def is_trading_day(day: date) -> bool:
    return day.weekday() < 5  # the demo bank ignores public holidays


def add_trading_days(day: date, count: int) -> date:
    while count > 0:
        day += timedelta(days=1)
        count -= is_trading_day(day)
    return day


def trade_date(placed_at: datetime) -> date:
    """T: the day of the order, or the next trading day if placed at/after 15:00 or on a holiday."""
    local = business_time(placed_at)
    if is_trading_day(local.date()) and local.time() < CUT_OFF:
        return local.date()
    return add_trading_days(local.date(), 1)


def confirmation_date(trade: date) -> date:
    """Purchases are confirmed, and start earning, on T+1."""
    return add_trading_days(trade, 1)


def redemption_fee_rate(tiers: list[tuple[int, Decimal]], days_held: int) -> Decimal:
    """`tiers` are (minimum days held, rate): the longest one reached applies; none, no fee."""
    reached = [rate for min_days, rate in sorted(tiers) if days_held >= min_days]
    return reached[-1] if reached else Decimal(0)
