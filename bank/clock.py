"""The bank's sense of "now": real time in Asia/Shanghai, or a fixed moment for tests and demos."""

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

BUSINESS_TZ = ZoneInfo("Asia/Shanghai")


def business_time(moment: datetime) -> datetime:
    """`moment` in the bank's time zone; a naive datetime is taken to be business time already."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=BUSINESS_TZ)
    return moment.astimezone(BUSINESS_TZ)


@dataclass
class Clock:
    fixed_at: datetime | None = None

    def now(self) -> datetime:
        return business_time(self.fixed_at or datetime.now(BUSINESS_TZ))

    def today(self) -> date:
        return self.now().date()

