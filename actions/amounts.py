"""Amounts as customers type them: 5000, 5,000.50, ¥5000, 5000元, 五千, 两千五, 1.5万, 5k, 3w,
全部 / all.

`parse_amount` reads a whole answer (a message that is only an amount, or the `amount` entity's
text) and returns a Decimal in yuan (negative if typed so, so the customer can be told why it
does not work), ALL for 全部 / all, or None when it is not an amount. It never guesses: a
sentence with other words in it is not an amount.
"""

import re
from decimal import Decimal, InvalidOperation
from typing import Optional, Union

import cn2an

ALL = "all"
Amount = Union[Decimal, str]  # a Decimal, or ALL

_ALL_WORDS = {
    "全部", "全部的", "全额", "全都", "所有", "全部金额", "全部还清", "还清", "结清", "一次还清",
    "全部赎回", "都赎回", "都卖了", "全卖", "全部卖出", "all", "all of it", "everything",
    "the whole amount", "the full amount", "in full", "full", "pay off", "pay it off",
    "the lot", "all of them", "max", "maximum",
}
# Currency words and filler around the figure: ¥5000, 5000元, 5000块钱, CNY 5,000, 5000 yuan.
_AROUND = re.compile(
    r"^(?:(?:就|我要|我想|要|还|买|赎回|卖|付|共|一共|金额|amount|pay|repay|buy|redeem|sell|"
    r"invest|make it|about)\s*)*"
    r"(?:¥|￥|rmb|cny|yuan|人民币)?\s*(?P<figure>.+?)\s*"
    r"(?:元整|元|块钱|块|圆|rmb|cny|yuan|人民币|吧|的)?$",
    re.IGNORECASE,
)
# Figures with the units customers type in Latin letters (5k, 3w); cn2an reads the rest.
_DIGITS = re.compile(r"(?P<sign>[-−－]|负)?\s*(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[kKwW])?")
_UNITS = {"k": 1000, "K": 1000, "w": 10000, "W": 10000}
# Chinese numerals, or digits with Chinese units (五千, 两千五, 1.5万, 1万5): cn2an's smart mode.
_CHINESE_NUMERAL = re.compile(
    r"(?P<sign>[-−－]|负)?(?P<number>[零〇一二两三四五六七八九十百千万亿点\d.]+)"
)


def parse_amount(text: Optional[str]) -> Optional[Amount]:
    if not isinstance(text, str):
        return None
    cleaned = " ".join(text.strip().strip("。.!！?？,，").split())
    if not cleaned:
        return None
    if cleaned.lower() in _ALL_WORDS:
        return ALL
    match = _AROUND.match(cleaned.replace(",", "").replace("，", ""))
    if not match:
        return None
    figure = match.group("figure").replace(" ", "")
    if figure.lower() in _ALL_WORDS:
        return ALL
    digits = _DIGITS.fullmatch(figure)
    try:
        if digits:
            value = Decimal(digits.group("number")) * _UNITS.get(digits.group("unit") or "", 1)
            return -value if digits.group("sign") else value
        chinese = _CHINESE_NUMERAL.fullmatch(figure)
        if chinese and not figure.isdigit():
            value = Decimal(str(cn2an.cn2an(chinese.group("number"), "smart")))
            return -value if chinese.group("sign") else value
    except (InvalidOperation, ValueError, TypeError):
        return None
    return None
