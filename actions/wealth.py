"""Buying, redeeming and recommending wealth products.

Suitability is the account service's rule, enforced by it and explained here: no valid risk
assessment -> the questionnaire is offered; a product above the customer's level -> refused with
the products the level allows. Every recommendation and purchase summary carries the risk notice.
"""

from decimal import Decimal
from typing import Any, Dict, List, Optional

from rasa_sdk.events import SlotSet
from rasa_sdk.forms import REQUESTED_SLOT

from actions import money
from actions.account import AccountAction
from actions.bank_client import BankRefused, BankUnavailable, Holding, Order, Product
from actions.forms import (
    CHOICES,
    STOPPED,
    BankFormValidation,
    MoneyForm,
    MoneySubmit,
    ask_again,
    intent_of,
    text_of,
)
from actions.identity import customer_id
from actions.language import reply_language
from actions.product_names import ProductNames
from actions.refusals import refusal_text


def risk_notice(notice: Optional[Dict[str, str]], language: str) -> str:
    """The account service's risk notice (one text, kept by the bank), in the reply's language.
    Nothing is offered for sale without it."""
    if not notice:
        raise BankUnavailable("a buy reply without its risk notice")
    if language == "zh":
        return f"风险提示：{notice['zh']}。"
    return f"Risk notice: {notice['en']}"


def level_words(assessed: Any, language: str) -> str:
    """C3 平衡型 / C3 (Balanced): a risk profile's (or suitable products') level, in the names
    the account service gives it."""
    if language == "zh":
        return f"{assessed.level} {assessed.name_zh}" if assessed.name_zh else assessed.level
    return f"{assessed.level} ({assessed.name_en})" if assessed.name_en else assessed.level


def product_name(item: Any, language: str) -> str:
    """均衡混合（WM004） / Balanced Mix Fund (WM004)."""
    code = getattr(item, "code", None) or item.product_code
    return f"{item.name_zh}（{code}）" if language == "zh" else f"{item.name_en} ({code})"


def product_line(product: Product, language: str) -> str:
    minimum = money.amount(product.min_purchase, language)
    if language == "zh":
        return (f"· {product.name_zh}（{product.code}，{product.risk}）：{product.return_zh}，"
                f"{minimum}起购")
    return (f"• {product.name_en} ({product.code}, {product.risk}): {product.return_en}, "
            f"from {minimum}")


# A question about products while the form waits for one is answered by the rules, not read
# (a bare name is an answer).
QUESTION_INTENTS = {"faq_wealth", "faq_loan", "faq_service", "cancel"}


async def read_product(form: BankFormValidation, tracker, slot: str, catalogue: List[Any]):
    """The product this message names, for `slot`: Rasa's entity (a code once its synonyms
    apply, else as typed) or the whole answer to "which product?"; read as customers type
    names (actions/product_names.py). Several that fit are kept to ask which."""
    codes = {getattr(item, "code", None) or item.product_code for item in catalogue}
    names = ProductNames(catalogue)
    value = form.entity(tracker, "product")
    if value is not None:
        found = [value.upper()] if value.upper() in codes else names.resolve(value)
    elif tracker.get_slot(REQUESTED_SLOT) == slot:
        if intent_of(tracker) not in QUESTION_INTENTS:
            found = names.resolve(text_of(tracker))
        else:  # a bare name answers the question even when Rasa hears an FAQ in it
            code = names.is_name(text_of(tracker))
            found = [code] if code else []
    else:
        return {}
    if len(found) == 1:
        return {slot: found[0], CHOICES: None}
    if found:
        return {CHOICES: found}
    return {slot: value.upper()} if value else {}  # not ours: the validation says so


def choices_asked(tracker, catalogue: List[Any], language: str):
    """The question back when several products fit: those as buttons; None when none are kept."""
    kept = tracker.get_slot(CHOICES) or []
    offered = [item for item in catalogue
               if (getattr(item, "code", None) or item.product_code) in kept]
    if len(offered) < 2:
        return None
    names = "、".join(product_name(p, language) for p in offered) if language == "zh" else \
        ", ".join(product_name(p, language) for p in offered)
    buttons = [{"title": product_name(p, language),
                "payload": getattr(p, "code", None) or p.product_code} for p in offered]
    return {"response": "utter_which_product", "names": names, "buttons": buttons}


class ValidateBuyForm(MoneyForm):
    form_intent = "buy_product"
    target_slot, amount_slot = "buy_product", "buy_amount"
    amount_refusals = frozenset({"invalid_amount", "below_minimum", "above_balance"})

    def name(self) -> str:
        return "validate_buy_form"

    async def before_start(self, dispatcher, tracker, customer, language):
        profile = await self.client.risk_profile(customer)
        if not profile.valid:
            dispatcher.utter_message(response="utter_risk_assessment_required")
            return {STOPPED: True}
        return {}

    async def extract_buy_product(self, dispatcher, tracker, domain):
        return await read_product(self, tracker, "buy_product", await self.client.products())

    async def validate_buy_product(self, value, dispatcher, tracker, domain):
        language = reply_language(tracker)
        product = next((p for p in await self.client.products() if p.code == value), None)
        if product is None:
            dispatcher.utter_message(response="utter_unknown_product")
            return ask_again("buy_product")
        profile = await self.client.risk_profile(customer_id(tracker))
        if int(product.risk[1:]) > int((profile.level or "C0")[1:]):
            if language == "zh":
                text = (f"{product_name(product, language)}的风险等级为{product.risk}，高于您的风险"
                        f"承受能力{level_words(profile, language)}（可购买"
                        f"{profile.max_product_risk}及以下），按适当性要求不能购买。")
            else:
                text = (f"{product_name(product, language)} is rated {product.risk}, above your "
                        f"risk level {level_words(profile, language)}, which may buy up "
                        f"to {profile.max_product_risk}; so it cannot be bought.")
            dispatcher.utter_message(text=text)
            return ask_again("buy_product")  # the question lists the suitable products
        return {"buy_product": product.code}

    def extract_buy_amount(self, dispatcher, tracker, domain):
        return self.read_amount(tracker, "buy_amount")

    def validate_buy_amount(self, value, dispatcher, tracker, domain):
        return self.check_amount(value, dispatcher, tracker, "buy_amount", all_allowed=False)

    async def quote(self, customer, target, amount):
        return await self.client.order(customer, "buy", target, amount, key=None)

    def summary(self, quote, language):
        return buy_summary(quote, language)


def _dates(order: Order, language: str) -> str:
    trade = money.day(order.trade_date, language)
    confirmed = money.day(order.confirmation_date, language) if order.confirmation_date else ""
    if language == "zh":
        text = (f"交易日为{trade}（15:00后或非交易日下单顺延至下一交易日），{confirmed}确认份额并"
                "开始计算收益。")
        if order.matures_on and order.payback_date:
            text += (f"封闭期内不能提前赎回，{money.day(order.matures_on, language)}到期，"
                     f"{money.day(order.payback_date, language)}回款。")
        return text
    text = (f"It trades on {trade} (orders after 15:00 or on a non-trading day move to the next "
            f"trading day), is confirmed and starts earning on {confirmed}.")
    if order.matures_on and order.payback_date:
        text += (f" It is closed until it matures on {money.day(order.matures_on, language)}, "
                 f"with no early redemption, and is paid back on "
                 f"{money.day(order.payback_date, language)}.")
    return text


def fee_words(order: Order, language: str) -> str:
    """申购费 ¥7.50 / 免赎回费; purchase fee CNY 7.50 / no redemption fee."""
    zh = language == "zh"
    kind = ("申购费" if zh else "purchase fee") if order.side == "buy" else (
        "赎回费" if zh else "redemption fee")
    if not order.fee:
        return f"免{kind}" if zh else f"no {kind}"
    return f"{kind} {money.amount(order.fee, language)}"


def buy_summary(quote: Order, language: str) -> str:
    name, amount = product_name(quote, language), money.amount(quote.amount, language)
    fee, balance = fee_words(quote, language), money.amount(quote.balance, language)
    notice = risk_notice(quote.risk_notice, language)
    if language == "zh":
        return (f"请确认购买：{name} {amount}，{fee}，"
                f"从您的借记卡扣款，扣款后余额 {balance}。"
                f"{_dates(quote, language)}\n{notice}\n确认购买吗？")
    return (f"Please confirm: buy {name} for {amount}, {fee}, paid from your debit "
            f"card (balance afterwards {balance}). {_dates(quote, language)}\n"
            f"{notice}\nShall I go ahead?")


class ActionAskBuyProduct(AccountAction):
    """Which product: the products the customer's level allows, as buttons, with the notice."""

    def name(self) -> str:
        return "action_ask_buy_product"

    async def answer(self, dispatcher, customer, language, tracker, domain):
        narrowed = choices_asked(tracker, await self.client.products(), language)
        if narrowed:
            dispatcher.utter_message(**narrowed)
            return [SlotSet(CHOICES, None)]
        suitable = await self.client.suitable_products(customer)
        lines = [("您想买哪款产品？适合您（" if language == "zh" else
                  "Which product would you like? Suitable for your level (")
                 + level_words(suitable, language) + ("）的有：" if language == "zh" else
                                                           "):")]
        lines += [product_line(product, language) for product in suitable.products]
        lines.append(risk_notice(suitable.risk_notice, language))
        buttons = [{"title": product_name(p, language), "payload": p.code}
                   for p in suitable.products]
        dispatcher.utter_message(text="\n".join(lines), buttons=buttons)
        return []


class ActionBuyProduct(MoneySubmit):
    form, confirmed_slot = "buy_form", "buy_confirmed"
    target_slot, amount_slot = "buy_product", "buy_amount"

    def name(self) -> str:
        return "action_buy_product"

    async def move(self, customer, target, amount, key):
        return await self.client.order(customer, "buy", target, amount, key=key)

    def receipt(self, done, language):
        name, paid = product_name(done, language), money.amount(done.amount, language)
        balance = money.amount(done.balance, language)
        if language == "zh":
            text = (f"购买成功：{name} {paid} 已下单（订单号 {done.order_id}），"
                    f"{fee_words(done, language)}，卡内余额 {balance}。{_dates(done, language)}")
        else:
            text = (f"Done: {name} bought for {paid} (order {done.order_id}), "
                    f"{fee_words(done, language)}, card balance {balance}. "
                    f"{_dates(done, language)}")
        return f"{text}\n{risk_notice(done.risk_notice, language)}"


class ValidateRedeemForm(MoneyForm):
    form_intent = "redeem_product"
    target_slot, amount_slot = "redeem_product", "redeem_amount"
    amount_refusals = frozenset({"invalid_amount", "above_holding"})

    def name(self) -> str:
        return "validate_redeem_form"

    async def before_start(self, dispatcher, tracker, customer, language):
        holdings = (await self.client.holdings(customer)).holdings
        if not holdings:
            dispatcher.utter_message(response="utter_no_holdings")
            return {STOPPED: True}
        if len(holdings) == 1 and self.entity(tracker, "product") is None:
            return {"redeem_product": holdings[0].product_code}
        return {}

    async def extract_redeem_product(self, dispatcher, tracker, domain):
        holdings = (await self.client.holdings(customer_id(tracker))).holdings
        return await read_product(self, tracker, "redeem_product", holdings)

    async def validate_redeem_product(self, value, dispatcher, tracker, domain):
        language = reply_language(tracker)
        holdings = (await self.client.holdings(customer_id(tracker))).holdings
        holding = next((h for h in holdings if h.product_code == value), None)
        if holding is None:
            dispatcher.utter_message(text=refusal_text(BankRefused("not_held", ""), language))
            return ask_again("redeem_product")
        if holding.redeemable <= 0:
            dispatcher.utter_message(text=not_redeemable(holding, language))
            return {"redeem_product": None, STOPPED: True}
        return {"redeem_product": holding.product_code}

    def extract_redeem_amount(self, dispatcher, tracker, domain):
        return self.read_amount(tracker, "redeem_amount")

    def validate_redeem_amount(self, value, dispatcher, tracker, domain):
        return self.check_amount(value, dispatcher, tracker, "redeem_amount")

    async def whole_amount(self, customer, target):
        holdings = (await self.client.holdings(customer)).holdings
        return next(h.redeemable for h in holdings if h.product_code == target)

    async def quote(self, customer, target, amount):
        return await self.client.order(customer, "redeem", target, amount, key=None)

    def summary(self, quote, language):
        return redeem_summary(quote, language)


def not_redeemable(holding: Holding, language: str) -> str:
    """Why nothing of a holding can be redeemed now: closed period or awaiting confirmation."""
    name = product_name(holding, language)
    closed = [lot.matures_on for lot in holding.lots if lot.status == "closed" and lot.matures_on]
    if closed:
        when = money.day(closed[0], language)
        return (f"{name}在封闭期内，不能提前赎回，{when}到期。" if language == "zh" else
                f"{name} is in its closed period and cannot be redeemed before it matures on "
                f"{when}.")
    return (f"{name}的份额还在确认中，确认后才能赎回。" if language == "zh" else
            f"{name} is still awaiting confirmation; it can be redeemed once confirmed.")


def _arrival(order: Order, language: str) -> str:
    when = money.day(order.arrival_date, language) if order.arrival_date else ""
    if order.fast:
        return "快速赎回，实时到账" if language == "zh" else "fast redemption, arrives at once"
    return f"预计{when}到账" if language == "zh" else f"arriving on {when}"


def redeem_summary(quote: Order, language: str) -> str:
    name, amount = product_name(quote, language), money.amount(quote.amount, language)
    fee = fee_words(quote, language)
    proceeds = money.amount(quote.proceeds or Decimal("0"), language)
    if language == "zh":
        return (f"请确认赎回：{name} {amount}，{fee}，{proceeds} 转入您的借记卡，"
                f"{_arrival(quote, language)}。\n确认赎回吗？")
    return (f"Please confirm: redeem {amount} of {name}, {fee}, {proceeds} to your "
            f"debit card, {_arrival(quote, language)}.\nShall I go ahead?")


class ActionAskRedeemProduct(AccountAction):
    def name(self) -> str:
        return "action_ask_redeem_product"

    async def answer(self, dispatcher, customer, language, tracker, domain):
        holdings = (await self.client.holdings(customer)).holdings
        narrowed = choices_asked(tracker, holdings, language)
        if narrowed:
            dispatcher.utter_message(**narrowed)
            return [SlotSet(CHOICES, None)]
        buttons = [{"title": product_name(h, language), "payload": h.product_code}
                   for h in holdings]
        dispatcher.utter_message(response="utter_ask_redeem_product", buttons=buttons)
        return []


class ActionAskRedeemAmount(AccountAction):
    def name(self) -> str:
        return "action_ask_redeem_amount"

    async def answer(self, dispatcher, customer, language, tracker, domain):
        code = tracker.get_slot("redeem_product")
        holdings = (await self.client.holdings(customer)).holdings
        holding = next((h for h in holdings if h.product_code == code), None)
        if holding is None:
            dispatcher.utter_message(response="utter_ask_redeem_amount")
            return []
        name, left = product_name(holding, language), money.amount(holding.redeemable, language)
        dispatcher.utter_message(text=(
            f"{name}当前可赎回 {left}。您想赎回多少？回复“全部”即全部赎回。" if language == "zh"
            else f"You can redeem up to {left} of {name} now. How much would you like to redeem? "
                 "Say \"all\" to redeem everything."))
        return []


class ActionRedeemProduct(MoneySubmit):
    form, confirmed_slot = "redeem_form", "redeem_confirmed"
    target_slot, amount_slot = "redeem_product", "redeem_amount"

    def name(self) -> str:
        return "action_redeem_product"

    async def move(self, customer, target, amount, key):
        return await self.client.order(customer, "redeem", target, amount, key=key)

    def receipt(self, done, language):
        name, proceeds = product_name(done, language), money.amount(done.proceeds, language)
        if language == "zh":
            text = (f"赎回成功：{name} {money.amount(done.amount, language)} 已提交（订单号 "
                    f"{done.order_id}），{fee_words(done, language)}，{proceeds} "
                    f"{_arrival(done, language)}。")
        else:
            text = (f"Done: {money.amount(done.amount, language)} of {name} redeemed (order "
                    f"{done.order_id}), {fee_words(done, language)}; {proceeds} "
                    f"{_arrival(done, language)}.")
        return text


class ActionRecommendProduct(AccountAction):
    """Products the customer's valid risk level allows, closest to the level first."""

    def name(self) -> str:
        return "action_recommend_product"

    async def answer(self, dispatcher, customer, language, tracker, domain):
        narrowed = choices_asked(tracker, await self.client.products(), language)
        if narrowed:
            dispatcher.utter_message(**narrowed)
            return [SlotSet(CHOICES, None)]
        suitable = await self.client.suitable_products(customer)
        head = (f"根据您的风险测评结果（{level_words(suitable, language)}），适合您的产品有："
                if language == "zh" else
                f"Based on your risk assessment ({level_words(suitable, language)}), these "
                "products suit you:")
        lines = [head, *(product_line(p, language) for p in suitable.products)]
        lines.append("过往业绩不代表未来表现。" if language == "zh" else
                     "Past returns do not promise future returns.")
        lines.append(risk_notice(suitable.risk_notice, language))
        buttons = [{"title": ("买" if language == "zh" else "Buy ") + product_name(p, language),
                    "payload": f'/buy_product{{"product":"{p.code}"}}'}
                   for p in suitable.products[:3]]
        dispatcher.utter_message(text="\n".join(lines), buttons=buttons)
        return []
