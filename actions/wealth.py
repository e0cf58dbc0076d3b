"""Buying, redeeming and recommending wealth products.

Suitability is the account service's rule, enforced by it and explained here: no valid risk
assessment -> the questionnaire is offered; a product above the customer's level -> refused with
the products the level allows. Every recommendation and purchase summary carries the risk notice.
What they say is in bot/domain/forms.yml; names, amounts and dates are formatted here.
"""

from datetime import date
from decimal import Decimal
from typing import Any, Dict, List, Optional

from rasa_sdk.events import SlotSet
from rasa_sdk.forms import REQUESTED_SLOT

from actions import money
from actions.account import AccountAction
from actions.bank_client import BankUnavailable
from actions.bank_replies import Holding, Order, Product
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
from actions.wording import Wording, in_language


def risk_notice(notice: Optional[Dict[str, str]], words: Wording) -> str:
    """The account service's risk notice (one text, kept by the bank), in the reply's language.
    Nothing is offered for sale without it."""
    if not notice:
        raise BankUnavailable("a buy reply without its risk notice")
    return words.phrase("utter_risk_notice", notice=notice[words.language])


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


def product_lines(products: List[Product], words: Wording) -> str:
    """One utter_product_line per product."""
    language = words.language
    return words.lines("utter_product_line", [{
        "name": in_language(p, "name", language), "code": p.code, "risk": p.risk,
        "returns": in_language(p, "return", language),
        "minimum": money.amount(p.min_purchase, words.language)} for p in products])


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
        else:  # a bare name, or a short choice between names ("daily cash or steady?"),
            # answers the question even when Rasa hears an FAQ in it
            code = names.is_name(text_of(tracker))
            several = [] if code else names.resolve(text_of(tracker))
            found = [code] if code else (several if len(several) > 1 else [])
    else:
        return {}
    if len(found) == 1:
        return {slot: found[0], CHOICES: None}
    if found:
        return {CHOICES: found}
    return {slot: value.upper()} if value else {}  # not ours: the validation says so


def choices_asked(tracker, catalogue: List[Any], words: Wording):
    """The question back when several products fit: those as buttons; None when none are kept."""
    language = words.language
    kept = tracker.get_slot(CHOICES) or []
    offered = [item for item in catalogue
               if (getattr(item, "code", None) or item.product_code) in kept]
    if len(offered) < 2:
        return None
    names = words.listed([product_name(p, language) for p in offered])
    buttons = [{"title": product_name(p, language),
                "payload": getattr(p, "code", None) or p.product_code} for p in offered]
    return {"response": "utter_which_product", "names": names, "buttons": buttons}


class ValidateBuyForm(MoneyForm):
    form_intent = "buy_product"
    target_slot, amount_slot = "buy_product", "buy_amount"
    amount_refusals = frozenset({"invalid_amount", "below_minimum", "above_balance"})

    def name(self) -> str:
        return "validate_buy_form"

    async def before_start(self, dispatcher, tracker, customer, words):
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
            dispatcher.utter_message(
                response="utter_product_above_risk_level",
                product=product_name(product, language), risk=product.risk,
                level=level_words(profile, language), max_risk=str(profile.max_product_risk))
            return ask_again("buy_product")  # the question lists the suitable products
        return {"buy_product": product.code}

    def extract_buy_amount(self, dispatcher, tracker, domain):
        return self.read_amount(tracker, "buy_amount")

    def validate_buy_amount(self, value, dispatcher, tracker, domain):
        return self.check_amount(value, dispatcher, tracker, "buy_amount", all_allowed=False)

    async def quote(self, customer, target, amount):
        return await self.client.order(customer, "buy", target, amount, key=None)

    def summary(self, quote, words):
        return words.phrase("utter_buy_summary", **order_values(quote, words))


def _dates(order: Order, words: Wording) -> str:
    """When a purchase trades and is confirmed (and, closed, matures and pays back)."""
    def day(value: Optional[date]) -> str:
        return money.day(value, words.language) if value else ""

    closed = (words.phrase("utter_buy_closed_period", matures_on=day(order.matures_on),
                           payback_date=day(order.payback_date))
              if order.matures_on and order.payback_date else "")
    return words.sentences(words.phrase("utter_buy_dates", trade_date=day(order.trade_date),
                                         confirmation_date=day(order.confirmation_date)), closed)


def fee_words(order: Order, words: Wording) -> str:
    """申购费 ¥7.50 / 免赎回费; purchase fee CNY 7.50 / no redemption fee."""
    if order.side == "buy":
        if not order.fee:
            return words.phrase("utter_buy_no_fee")
        return words.phrase("utter_buy_fee", fee=money.amount(order.fee, words.language))
    if not order.fee:
        return words.phrase("utter_redeem_no_fee")
    return words.phrase("utter_redeem_fee", fee=money.amount(order.fee, words.language))


def order_values(order: Order, words: Wording) -> Dict[str, str]:
    """The placeholders of utter_buy_summary / utter_buy_done and their redeem counterparts."""
    language = words.language
    values = {"name": product_name(order, language), "fee": fee_words(order, words),
              "amount": money.amount(order.amount, language),
              "order_id": str(order.order_id or "")}
    if order.side == "buy":
        values.update(balance=money.amount(order.balance, language), dates=_dates(order, words),
                      notice=risk_notice(order.risk_notice, words))
    else:
        values.update(proceeds=money.amount(order.proceeds or Decimal("0"), language),
                      arrival=_arrival(order, words))
    return values


class ActionAskBuyProduct(AccountAction):
    """Which product: the products the customer's level allows, as buttons, with the notice."""

    def name(self) -> str:
        return "action_ask_buy_product"

    async def answer(self, dispatcher, customer, language, tracker, domain):
        words = Wording(tracker, domain)
        narrowed = choices_asked(tracker, await self.client.products(), words)
        if narrowed:
            dispatcher.utter_message(**narrowed)
            return [SlotSet(CHOICES, None)]
        suitable = await self.client.suitable_products(customer)
        buttons = [{"title": product_name(p, language), "payload": p.code}
                   for p in suitable.products]
        dispatcher.utter_message(
            response="utter_which_suitable_product", buttons=buttons,
            level=level_words(suitable, language), lines=product_lines(suitable.products, words),
            notice=risk_notice(suitable.risk_notice, words))
        return []


class OrderSubmit(MoneySubmit):
    """Places the confirmed order (`side`: buy or redeem) and says `receipt_response`."""

    side, receipt_response = "", ""

    async def move(self, customer, target, amount, key):
        return await self.client.order(customer, self.side, target, amount, key=key)

    def receipt(self, done, words):
        return {"response": self.receipt_response, **order_values(done, words)}


class ActionBuyProduct(OrderSubmit):
    form, confirmed_slot = "buy_form", "buy_confirmed"
    target_slot, amount_slot = "buy_product", "buy_amount"
    side, receipt_response = "buy", "utter_buy_done"

    def name(self) -> str:
        return "action_buy_product"


class ValidateRedeemForm(MoneyForm):
    form_intent = "redeem_product"
    target_slot, amount_slot = "redeem_product", "redeem_amount"
    amount_refusals = frozenset({"invalid_amount", "above_holding"})

    def name(self) -> str:
        return "validate_redeem_form"

    async def before_start(self, dispatcher, tracker, customer, words):
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
            dispatcher.utter_message(response="utter_refused_not_held")
            return ask_again("redeem_product")
        if holding.redeemable <= 0:
            dispatcher.utter_message(**not_redeemable(holding, language))
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

    def summary(self, quote, words):
        return words.phrase("utter_redeem_summary", **order_values(quote, words))


def not_redeemable(holding: Holding, language: str) -> Dict[str, Any]:
    """Why nothing of a holding can be redeemed now (closed period or awaiting confirmation):
    the message to utter."""
    name = product_name(holding, language)
    closed = [lot.matures_on for lot in holding.lots if lot.status == "closed" and lot.matures_on]
    if closed:
        return {"response": "utter_redeem_closed_period", "name": name,
                "matures_on": money.day(closed[0], language)}
    return {"response": "utter_redeem_awaiting_confirmation", "name": name}


def _arrival(order: Order, words: Wording) -> str:
    if order.fast:
        return words.phrase("utter_redeem_arrives_at_once")
    when = money.day(order.arrival_date, words.language) if order.arrival_date else ""
    return words.phrase("utter_redeem_arrives_on", arrival_date=when)


class ActionAskRedeemProduct(AccountAction):
    def name(self) -> str:
        return "action_ask_redeem_product"

    async def answer(self, dispatcher, customer, language, tracker, domain):
        holdings = (await self.client.holdings(customer)).holdings
        narrowed = choices_asked(tracker, holdings, Wording(tracker, domain))
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
        dispatcher.utter_message(response="utter_ask_redeem_amount_held",
                                 name=product_name(holding, language),
                                 redeemable=money.amount(holding.redeemable, language))
        return []


class ActionRedeemProduct(OrderSubmit):
    form, confirmed_slot = "redeem_form", "redeem_confirmed"
    target_slot, amount_slot = "redeem_product", "redeem_amount"
    side, receipt_response = "redeem", "utter_redeem_done"

    def name(self) -> str:
        return "action_redeem_product"


class ActionRecommendProduct(AccountAction):
    """Products the customer's valid risk level allows, closest to the level first."""

    def name(self) -> str:
        return "action_recommend_product"

    async def answer(self, dispatcher, customer, language, tracker, domain):
        words = Wording(tracker, domain)
        narrowed = choices_asked(tracker, await self.client.products(), words)
        if narrowed:
            dispatcher.utter_message(**narrowed)
            return [SlotSet(CHOICES, None)]
        suitable = await self.client.suitable_products(customer)
        buttons = [{"title": words.phrase("utter_buy_button", name=product_name(p, language)),
                    "payload": f'/buy_product{{"product":"{p.code}"}}'}
                   for p in suitable.products[:3]]
        dispatcher.utter_message(
            response="utter_recommend_products", buttons=buttons,
            level=level_words(suitable, language), lines=product_lines(suitable.products, words),
            notice=risk_notice(suitable.risk_notice, words))
        return []
