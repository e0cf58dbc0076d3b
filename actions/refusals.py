"""The account service's refusals, told to the customer in their language.

The service answers a refused request with a code and its figures ({"code": "below_minimum",
"minimum": "1000.00"}); its `detail` is English for the log. Codes without a text here are told
with the service's own detail.
"""

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Dict, Optional, Tuple

from actions import money
from actions.bank_client import BankRefused

# Refusals that mean the integration itself is broken (wrong token, missing header): the customer
# can do nothing about them, so they get the apology and a person, and the log gets the reason.
SERVICE_FAULTS = {"unauthorised", "customer_id_missing", "other_customer",
                  "idempotency_key_missing", "idempotency_key_reused", "invalid_request"}


def _figure(extra: Dict[str, Any], key: str, language: str) -> str:
    try:
        return money.amount(Decimal(str(extra[key])), language)
    except (KeyError, InvalidOperation, ValueError):
        return ""


def _day(extra: Dict[str, Any], key: str, language: str) -> str:
    try:
        return money.day(date.fromisoformat(str(extra[key])), language)
    except (KeyError, ValueError):
        return ""


Text = Callable[[Dict[str, Any], str], str]
# code -> (zh, en); each a function of the refusal's figures and the language.
_TEXTS: Dict[str, Tuple[Text, Text]] = {
    "invalid_amount": (
        lambda e, lang: "金额需要大于0，请重新输入。",
        lambda e, lang: "The amount must be more than 0. Please enter it again.",
    ),
    "below_minimum": (
        lambda e, lang: f"这款产品起购金额为 {_figure(e, 'minimum', lang)}，"
                        "请输入不低于起购金额的数额。",
        lambda e, lang: f"The minimum purchase for this product is {_figure(e, 'minimum', lang)}; "
                        "please enter at least that.",
    ),
    "above_balance": (
        lambda e, lang: f"金额超过了您借记卡的可用余额（{_figure(e, 'balance', lang)}），"
                        "请重新输入。",
        lambda e, lang: "That is more than the balance of your debit card "
                        f"({_figure(e, 'balance', lang)}). Please enter a smaller amount.",
    ),
    "above_outstanding": (
        lambda e, lang: f"金额超过了今天全部结清所需的 {_figure(e, 'payoff', lang)}，"
                        "如需结清请回复“全部”。",
        lambda e, lang: f"That is more than the {_figure(e, 'payoff', lang)} that repays the loan "
                        "in full today; say \"all\" to pay it off.",
    ),
    "below_amount_due": (
        lambda e, lang: f"这笔贷款有逾期应还 {_figure(e, 'amount_due', lang)}（含罚息），"
                        "还款金额至少需要覆盖这部分。",
        lambda e, lang: f"This loan has {_figure(e, 'amount_due', lang)} overdue (penalty "
                        "interest included); a repayment must cover at least that.",
    ),
    "loan_closed": (
        lambda e, lang: "这笔贷款已经全部还清，无需再还款。",
        lambda e, lang: "This loan is already repaid in full.",
    ),
    "card_frozen": (
        lambda e, lang: "您的借记卡已冻结，暂时无法扣款。如需解冻请致电400-800-0000或前往网点。",
        lambda e, lang: "Your debit card is frozen, so no money can leave it. To unfreeze it, "
                        "call 400-800-0000 or visit a branch.",
    ),
    "risk_assessment_required": (
        lambda e, lang: "购买理财前需要先完成风险测评（测评有效期12个月）。",
        lambda e, lang: "You need a valid risk assessment (valid for 12 months) before buying "
                        "wealth products.",
    ),
    "above_risk_level": (
        lambda e, lang: "这款产品的风险等级高于您的风险承受能力，按适当性要求不能购买。",
        lambda e, lang: "This product's risk is above your risk level, so it cannot be bought.",
    ),
    "closed_period": (
        lambda e, lang: f"这款产品在封闭期内，不能提前赎回；{_day(e, 'matures_on', lang)}到期，"
                        f"{_day(e, 'payback_date', lang)}回款。",
        lambda e, lang: "This product is in its closed period and cannot be redeemed early; it "
                        f"matures on {_day(e, 'matures_on', lang)} and is paid back on "
                        f"{_day(e, 'payback_date', lang)}.",
    ),
    "above_holding": (
        lambda e, lang: f"金额超过了当前可赎回的 {_figure(e, 'redeemable', lang)}，请重新输入。",
        lambda e, lang: f"That is more than the {_figure(e, 'redeemable', lang)} you can redeem "
                        "now. Please enter a smaller amount.",
    ),
    "not_held": (
        lambda e, lang: "您没有持有这款产品，无法赎回。",
        lambda e, lang: "You don't hold this product, so there is nothing to redeem.",
    ),
    "unknown_product": (
        lambda e, lang: "没有找到这款产品。",
        lambda e, lang: "I couldn't find that product.",
    ),
    "unknown_loan": (
        lambda e, lang: "没有找到这笔贷款。",
        lambda e, lang: "I couldn't find that loan.",
    ),
    "credit_line_frozen": (
        lambda e, lang: "您的授信额度因逾期已冻结，还清逾期款项后恢复。",
        lambda e, lang: "Your credit line is frozen because a repayment is overdue; it reopens "
                        "once the overdue amount is repaid.",
    ),
}


def refusal_text(error: BankRefused, language: str) -> str:
    texts: Optional[Tuple[Text, Text]] = _TEXTS.get(error.code)
    if texts is not None:
        return texts[0 if language == "zh" else 1](error.extra, language)
    if language == "zh":
        return f"抱歉，这项业务没有办成。账户系统的说明：{error.detail}"
    return f"Sorry, that could not be done. The account system says: {error.detail}"
