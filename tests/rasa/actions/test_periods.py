"""Periods as customers say them in either language, and the bank's "today" in Shanghai time."""

from datetime import date, datetime

import pytest

from actions.periods import Period, business_today, parse_period, resolve_period
from actions.settings import Settings
from tests.rasa.actions.fakes import TODAY


@pytest.mark.parametrize("zh, en, start, end", [
    ("上个月", "last month", date(2026, 10, 1), date(2026, 10, 31)),
    ("这个月", "this month", date(2026, 11, 1), TODAY),
    ("上周", "last week", date(2026, 11, 16), date(2026, 11, 22)),
    ("最近一周", "past week", date(2026, 11, 20), TODAY),
    ("最近三个月", "last 3 months", date(2026, 8, 27), TODAY),
    ("今天", "today", TODAY, TODAY),
    ("昨天", "yesterday", date(2026, 11, 25), date(2026, 11, 25)),
    ("本周", "this week", date(2026, 11, 23), TODAY),
    ("近30天", "last 30 days", date(2026, 10, 28), TODAY),
    ("两周", "past two weeks", date(2026, 11, 13), TODAY),
    ("10月", "October", date(2026, 10, 1), date(2026, 10, 31)),
    ("12月", "Dec 2025", date(2025, 12, 1), date(2025, 12, 31)),
])
def test_periods_in_either_language(zh, en, start, end):
    assert parse_period(zh, TODAY) == Period(start, end)
    assert parse_period(en, TODAY) == Period(start, end)
    assert parse_period(f" {en.upper()} ", TODAY) == Period(start, end)


@pytest.mark.parametrize("text", [None, "", "whenever", "最近", "15日", "最近100000年"])
def test_periods_not_understood_mean_the_last_30_days(text):
    assert parse_period(text, TODAY) is None
    assert resolve_period(text, TODAY) == Period(date(2026, 10, 28), TODAY)



def test_business_today_is_shanghai_time():
    assert business_today(Settings(bank_now=datetime(2026, 11, 26, 10, 0))) == TODAY
    # 17:00 UTC on the 26th is already the 27th in Shanghai.
    assert business_today(Settings(bank_now="2026-11-26T17:00:00+00:00")) == date(2026, 11, 27)
