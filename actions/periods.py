"""The period a customer asks transactions for, typed in either language, as dates.

Understood (the `period` entity or slot): 今天/today, 昨天/yesterday, 本周/this week,
上周/last week (Monday to Sunday), 这个月/this month, 上个月/last month, 今年/this year,
去年/last year, 最近一周/past week, 最近N天/周/个月/年 and last/past N days/weeks/months/years
(N in digits, Chinese numerals or English words; the span ends today and includes it), and a
month (10月, 2026年10月, October). Anything else: the last 30 days.

"Today" is the date in Asia/Shanghai, from an injectable clock.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Callable, Optional

import cn2an
from dateutil.relativedelta import relativedelta

from actions.settings import Settings

try:
    from zoneinfo import ZoneInfo

    BUSINESS_TZ: tzinfo = ZoneInfo("Asia/Shanghai")
except Exception:  # no time zone database: Shanghai has been UTC+8 without DST since 1991
    BUSINESS_TZ = timezone(timedelta(hours=8), "Asia/Shanghai")

DEFAULT_DAYS = 30
LONGEST_DAYS = 366 * 5  # a request reaching further back than this is not understood

Clock = Callable[[], date]


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive


def business_today(settings: Settings) -> date:
    """Today in Asia/Shanghai, or the account service's pinned day (AN_BANK_NOW) when set."""
    pinned: Optional[datetime] = settings.bank_now
    if pinned is None:
        return datetime.now(BUSINESS_TZ).date()
    if pinned.tzinfo is None:  # like the service: a naive time is Asia/Shanghai time
        return pinned.date()
    return pinned.astimezone(BUSINESS_TZ).date()



def _month(year: int, month: int) -> Period:
    return Period(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))


def _last_days(today: date, days: int) -> Period:
    return Period(today - timedelta(days=days - 1), today)


def default_period(today: date) -> Period:
    return _last_days(today, DEFAULT_DAYS)


def _today(t: date) -> Period:
    return Period(t, t)


def _yesterday(t: date) -> Period:
    return Period(t - timedelta(days=1), t - timedelta(days=1))


def _this_week(t: date) -> Period:
    return Period(t - timedelta(days=t.weekday()), t)


def _last_week(t: date) -> Period:
    monday = t - timedelta(days=t.weekday() + 7)
    return Period(monday, monday + timedelta(days=6))


def _this_month(t: date) -> Period:
    return Period(t.replace(day=1), t)


def _last_month(t: date) -> Period:
    first = t.replace(day=1) - relativedelta(months=1)
    return _month(first.year, first.month)


def _this_year(t: date) -> Period:
    return Period(date(t.year, 1, 1), t)


def _last_year(t: date) -> Period:
    return Period(date(t.year - 1, 1, 1), date(t.year - 1, 12, 31))


_NAMED = {
    _today: ("今天", "今日", "当天", "today"),
    _yesterday: ("昨天", "昨日", "yesterday"),
    _this_week: ("本周", "这周", "这一周", "这个星期", "这星期", "本星期", "这个礼拜", "这礼拜",
                 "this week"),
    _last_week: ("上周", "上一周", "上个星期", "上星期", "上个礼拜", "上礼拜", "last week",
                 "previous week"),
    _this_month: ("这个月", "本月", "这月", "当月", "this month"),
    _last_month: ("上个月", "上月", "上一个月", "last month", "previous month"),
    _this_year: ("今年", "本年", "this year"),
    _last_year: ("去年", "上一年", "last year", "previous year"),
}
_NAMED_PHRASES = {phrase: resolve for resolve, phrases in _NAMED.items() for phrase in phrases}

_ZH_NUMBER = "[0-9零一二两三四五六七八九十百]+"
_ZH_SPAN = re.compile(
    rf"(?P<prefix>最近|近|过去|前)?(?P<n>{_ZH_NUMBER}|半)?(?P<ge>个)?"
    r"(?P<unit>天|日|周|星期|礼拜|月|年)(?:内|以内|之内|以来)?"
)
_EN_NUMBERS = {
    "a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirty": 30,
}
_EN_SPAN = re.compile(
    r"(?:in )?(?:the )?(?:last|past|previous) (?:(?P<n>\d+|[a-z]+) )?"
    r"(?P<unit>day|week|month|year)s?"
)
_ZH_MONTH = re.compile(rf"(?:(?P<year>\d{{4}})年)?(?P<month>{_ZH_NUMBER})月份?")
_EN_MONTHS = {
    name.lower(): number
    for number in range(1, 13)
    for name in (calendar.month_name[number], calendar.month_abbr[number])
}
_EN_MONTH = re.compile(r"(?:in )?(?P<month>[a-z]+)(?: (?P<year>\d{4}))?")


def _number(text: str) -> Optional[int]:
    if text.isdigit():
        return int(text)
    if text in _EN_NUMBERS:
        return _EN_NUMBERS[text]
    try:
        return int(cn2an.cn2an(text, "smart"))
    except (ValueError, TypeError):
        return None


def _span(today: date, n: int, unit: str) -> Optional[Period]:
    if n < 1:
        return None
    if unit in ("天", "日", "day"):
        days = n
    elif unit in ("周", "星期", "礼拜", "week"):
        days = 7 * n
    else:
        months = n * (12 if unit in ("年", "year") else 1)
        if months > 12 * 5:
            return None
        return Period(today - relativedelta(months=months) + timedelta(days=1), today)
    return _last_days(today, days) if days <= LONGEST_DAYS else None


def _calendar_month(today: date, month: Optional[int], year: Optional[int]) -> Optional[Period]:
    if month is None or not 1 <= month <= 12:
        return None
    if year is None:  # a month not yet reached this year is last year's
        year = today.year if month <= today.month else today.year - 1
    if not today.year - 5 <= year <= today.year or date(year, month, 1) > today:
        return None
    whole = _month(year, month)
    return Period(whole.start, min(whole.end, today))


def parse_period(text: Optional[str], today: date) -> Optional[Period]:
    """The period `text` names, or None when it names none this module understands."""
    if not text:
        return None
    english = " ".join(text.lower().split())
    compact = re.sub(r"\s+", "", text.lower()).removesuffix("的")
    resolve = _NAMED_PHRASES.get(english) or _NAMED_PHRASES.get(compact)
    if resolve:
        return resolve(today)

    match = _ZH_SPAN.fullmatch(compact)
    # 最近三个月, 近30天, 两周, 3个月, 半年 are spans; 10月 is a month and 15日 a day of one.
    if match and (match["prefix"] or match["n"]) and (
        match["prefix"] or match["ge"] or match["unit"] not in ("月", "日")
    ):
        if match["n"] == "半":
            half = {"年": (6, "月"), "月": (15, "天")}.get(match["unit"])
            return _span(today, *half) if half else None
        n = _number(match["n"]) if match["n"] else 1
        return _span(today, n, match["unit"]) if n is not None else None

    match = _EN_SPAN.fullmatch(english)
    if match:
        n = _number(match["n"]) if match["n"] else 1
        return _span(today, n, match["unit"]) if n is not None else None

    match = _ZH_MONTH.fullmatch(compact)
    if match:
        return _calendar_month(today, _number(match["month"]),
                               int(match["year"]) if match["year"] else None)

    match = _EN_MONTH.fullmatch(english)
    if match and match["month"] in _EN_MONTHS:
        return _calendar_month(today, _EN_MONTHS[match["month"]],
                               int(match["year"]) if match["year"] else None)
    return None


def resolve_period(text: Optional[str], today: date) -> Period:
    """The period `text` names, else the last 30 days."""
    return parse_period(text, today) or default_period(today)
