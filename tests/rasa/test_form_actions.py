"""The forms' actions against a fake account service: answers read from bare messages, identity
only from the channel, summaries before money moves, yes / no / stop, refusals in words, one
idempotency key per confirmation, and the service failing."""

import asyncio
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from test_account_actions import L1001, ROOT, FakeBankClient

from actions.amounts import ALL, parse_amount
from actions.bank_client import (
    BankRefused,
    BankUnavailable,
    Freeze,
    Handoff,
    HttpBankClient,
    Loan,
    Order,
    Payoff,
    Product,
    Repayment,
    RiskProfile,
    SuitableProducts,
)
from actions.cards import ActionFreezeCard, ValidateFreezeForm, freeze_reason
from actions.forms import ActionCancelForm, idempotency_key
from actions.handoff import ActionRequestHuman
from actions.repayment import ActionRepayLoan, ValidateRepayForm
from actions.risk import ActionSubmitRiskAssessment, ValidateRiskForm
from actions.wealth import (
    ActionAskBuyProduct,
    ActionAskRedeemProduct,
    ActionBuyProduct,
    ActionRecommendProduct,
    ValidateBuyForm,
    ValidateRedeemForm,
)

DOMAIN = Domain.load(str(ROOT / "bot" / "domain")).as_dict()
SHANGHAI = timezone(timedelta(hours=8))
# The account service sends the notice with every buy quote and order (demo bank's facts).
RISK_NOTICE = {"zh": "理财非存款、产品有风险、投资须谨慎",
               "en": "Wealth products are not deposits. Investing involves risk."}


def product(code, name_zh, name_en, risk, return_zh, return_en, min_purchase, closed_days,
            redemption_days):
    return Product(code=code, name_zh=name_zh, name_en=name_en, risk=risk, return_zh=return_zh,
                   return_en=return_en, min_purchase=Decimal(min_purchase),
                   closed_days=closed_days, redemption_days=redemption_days)


PRODUCTS = [
    product("WM001", "活期宝", "Daily Cash", "R1", "七日年化1.85%", "7-day yield 1.85%",
            "1.00", None, 1),
    product("WM002", "稳盈90天", "Steady 90", "R2", "业绩比较基准2.60%-3.20%", "benchmark",
            "1000.00", 90, 1),
    product("WM004", "均衡混合", "Balanced Mix Fund", "R3", "近1年6.80%", "past year 6.80%",
            "100.00", None, 3),
    product("WM005", "成长股票", "Growth Equity Fund", "R4", "近1年12.50%", "past year 12.50%",
            "100.00", None, 3),
    product("WM006", "全球科技QDII", "Global Tech QDII", "R5", "近1年18.20%", "18.20%",
            "1000.00", None, 7),
]
LEVELS = {"C001": "C3", "C003": "C5"}
NAMES = {"C1": ("保守型", "Conservative"), "C3": ("平衡型", "Balanced"),
         "C5": ("进取型", "Aggressive")}


def profile(level, total, assessed_on):
    name_zh, name_en = NAMES[level]
    return RiskProfile(level=level, name_zh=name_zh, name_en=name_en,
                       max_product_risk=f"R{level[1]}", score=total, assessed_on=assessed_on,
                       valid_until=assessed_on.replace(year=assessed_on.year + 1), valid=True)


class FormBank(FakeBankClient):
    """The demo bank as the forms see it; every call is recorded, money moves included."""

    async def products(self):
        self.calls.append(("products",))
        return PRODUCTS

    async def risk_profile(self, customer):
        self._customer("risk_profile", customer)
        level = LEVELS.get(customer)
        if level is None:
            return RiskProfile(valid=False)
        return profile(level, 18, date(2026, 3, 1))

    async def assess_risk(self, customer, answers):
        self._customer("assess_risk", customer, tuple(answers))
        total = sum("ABCD".index(answer) + 1 for answer in answers)
        level = "C1" if answers[4] == "A" else "C3" if 15 <= total <= 19 else "C5"
        return profile(level, total, date(2026, 11, 26))

    async def suitable_products(self, customer):
        profile = await self.risk_profile(customer)
        if not profile.valid:
            raise BankRefused("risk_assessment_required", "Take the assessment first.", 422)
        allowed = [p for p in PRODUCTS if p.risk <= profile.max_product_risk]
        return SuitableProducts(level=profile.level, name_zh=profile.name_zh,
                                name_en=profile.name_en, products=allowed[::-1],
                                risk_notice=RISK_NOTICE)

    async def payoff(self, customer, loan_id):
        self._customer("payoff", customer, loan_id)
        return Payoff(loan_id=loan_id, amount_due=Decimal("0.00"),
                      penalty_interest=Decimal("0.00"), total=Decimal("10254.63"))

    async def repay(self, customer, loan_id, amount, key):
        self._customer("repay", customer, loan_id, amount, key)
        if amount > Decimal("10254.63"):
            raise BankRefused("above_outstanding", "Too much.", 422, {"payoff": "10254.63"})
        loan = Loan.parse_obj({**L1001, "outstanding_principal": str(Decimal("10223.96") - amount
                                                                    + Decimal("30.67"))})
        return Repayment(repayment_id=None if key is None else 7, loan_id=loan_id, amount=amount,
                         principal=amount - Decimal("30.67"), interest=Decimal("30.67"),
                         penalty_interest=Decimal("0.00"), installments_settled=[], loan=loan,
                         balance=Decimal("52380.25") - amount)

    async def order(self, customer, side, product_code, amount, key):
        self._customer("order", customer, side, product_code, amount, key)
        product = next(p for p in PRODUCTS if p.code == product_code)
        if side == "buy" and amount < product.min_purchase:
            raise BankRefused("below_minimum", "Too little.", 422,
                              {"minimum": str(product.min_purchase)})
        fee = (amount * Decimal("0.0015")).quantize(Decimal("0.01"))
        return Order(
            order_id=None if key is None else 42, side=side,
            status="quote" if key is None else "done", product_code=product.code,
            name_zh=product.name_zh, name_en=product.name_en, amount=amount, fee=fee,
            trade_date=date(2026, 11, 26),
            confirmation_date=date(2026, 11, 27) if side == "buy" else None,
            proceeds=amount - fee if side == "redeem" else None,
            arrival_date=date(2026, 11, 27) if side == "redeem" else None, fast=False,
            balance=Decimal("52380.25") - amount,
            risk_notice=RISK_NOTICE if side == "buy" else None)

    async def freeze_card(self, customer, card_id, reason, key):
        self._customer("freeze_card", customer, card_id, reason, key)
        return Freeze(card_id=card_id, masked_number="6217 **** **** 0428", already_frozen=False)

    async def request_handoff(self, customer, summary, language):
        self._customer("request_handoff", customer, summary, language)
        now = datetime(2026, 11, 26, 10, 0, tzinfo=SHANGHAI)
        return Handoff(handoff_id=3, position=2, agents_on_duty=True, agent_available_at=now)


def tracker(text, customer="C001", intent="repay_loan", entities=(), slots=None,
            requested=None, language="zh", active_loop="repay_form", events=None):
    metadata = {"customer_id": customer} if customer else {}
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.9},
              "entities": [{"entity": name, "value": value} for name, value in entities],
              "metadata": metadata, "message_id": "m-1"}
    values = {"language": language, "requested_slot": requested, **(slots or {})}
    if events is None:
        events = [{"event": "user", "text": text, "timestamp": 1700000000.5,
                   "parse_data": latest}]
    return Tracker("conversation-1", values, latest, events, False, None,
                   {"name": active_loop} if active_loop else {}, "action_listen")


def run(action, a_tracker):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, a_tracker, DOMAIN))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    said = "\n".join(m.get("text") or m.get("response") or "" for m in dispatcher.messages)
    return slots, said, dispatcher.messages


def money_moves(bank):
    return [call for call in bank.calls
            if call[0] in ("repay", "order", "freeze_card") and call[-1] is not None]


@pytest.mark.parametrize("typed, value", [
    ("5000", Decimal("5000")), ("5,000.50", Decimal("5000.50")), ("¥5000", Decimal("5000")),
    ("5000元", Decimal("5000")), ("五千", Decimal("5000")), ("两千五", Decimal("2500")),
    ("1.5万", Decimal("15000")), ("5k", Decimal("5000")), ("全部", ALL), ("all", ALL),
    ("-500", Decimal("-500")), ("0", Decimal("0")), ("pay 3000", Decimal("3000")),
    ("今天天气", None), ("A", None), ("L1001", None), ("WM001", None), ("", None),
])
def test_amounts_as_customers_type_them(typed, value):
    assert parse_amount(typed) == value


def test_a_repayment_starts_with_the_only_loan_and_a_bare_amount_and_shows_a_summary():
    bank = FormBank()
    slots, said, _ = run(ValidateRepayForm(bank), tracker("我要提前还5000",
                                                                  entities=[("amount", "5000")]))
    assert slots["repay_loan_id"] == "L1001" and slots["repay_amount"] == "5000"
    summary = slots["confirmation_summary"]
    assert "¥5,000.00" in summary and "随心借 L1001" in summary and "确认还款吗" in summary
    assert not money_moves(bank)


def test_all_means_the_payoff_amount_with_interest_to_today():
    bank = FormBank()
    slots, _, _ = run(ValidateRepayForm(bank), tracker(
        "all", intent="nlu_fallback", requested="repay_amount", language="en",
        slots={"repay_loan_id": "L1001"}))
    assert slots["repay_amount"] == "10254.63"
    assert "CNY 10,254.63" in slots["confirmation_summary"]


@pytest.mark.parametrize("typed, language, explained", [
    ("-5", "zh", "大于0"), ("0", "en", "more than 0"), ("99999", "zh", "¥10,254.63"),
])
def test_invalid_amounts_are_explained_and_asked_again(typed, language, explained):
    bank = FormBank()
    slots, said, _ = run(ValidateRepayForm(bank), tracker(
        typed, intent="nlu_fallback", requested="repay_amount", language=language,
        slots={"repay_loan_id": "L1001"}))
    assert slots["repay_amount"] is None
    assert explained in said
    assert not money_moves(bank)


def test_a_loan_id_that_is_not_the_customers_is_not_found():
    bank = FormBank()
    slots, said, messages = run(ValidateRepayForm(bank), tracker(
        "L2001", intent="nlu_fallback", requested="repay_loan_id"))
    assert slots["repay_loan_id"] is None
    assert messages[0]["response"] == "utter_unknown_loan"
    assert all(call[1] == "C001" for call in bank.calls if len(call) > 1)


def test_anonymous_visitors_end_the_form_at_once_and_are_asked_to_log_in():
    bank = FormBank()
    slots, said, _ = run(ValidateRepayForm(bank), tracker("我要还款", customer=None))
    assert slots == {"requested_slot": None}
    _, said, messages = run(ActionRepayLoan(bank), tracker("我要还款", customer=None,
                                                            active_loop=None))
    assert messages[0]["response"] == "utter_login_required"
    assert bank.calls == []


def test_the_service_down_stops_the_form_with_an_apology():
    bank = FormBank(failure=BankUnavailable("down"))
    slots, said, messages = run(ValidateRepayForm(bank), tracker("我要还款"))
    assert slots["form_stopped"] is True and slots["requested_slot"] is None
    assert messages[-1]["response"] == "utter_service_unavailable"
    _, said, messages = run(ActionRepayLoan(bank), tracker("", active_loop=None,
                                                            slots={"form_stopped": True}))
    assert messages == []  # already explained; nothing more, nothing moved


def test_a_slow_service_gets_the_apology_within_five_seconds():
    class Slow(FormBank):
        async def loans(self, customer):  # each call within the client's deadline, but many
            await asyncio.sleep(2.4)
            return await super().loans(customer)

    started = time.monotonic()  # the form's first turn asks for the loans twice
    slots, _, messages = run(ValidateRepayForm(Slow()), tracker(
        "还L1001 5000", entities=[("loan_id", "L1001"), ("amount", "5000")]))
    assert time.monotonic() - started < 5
    assert slots["form_stopped"] is True
    assert [m.get("response") for m in messages] == ["utter_service_unavailable"]


def test_yes_repays_once_with_one_key_per_confirmation():
    bank = FormBank()
    confirmed = tracker("确认", intent="affirm", active_loop=None, slots={
        "repay_loan_id": "L1001", "repay_amount": "5000", "repay_confirmed": True})
    slots, said, _ = run(ActionRepayLoan(bank), confirmed)
    assert "还款成功" in said and "¥5,000.00" in said
    assert slots["repay_amount"] is None and slots["repay_confirmed"] is None
    run(ActionRepayLoan(bank), confirmed)  # the same confirmation again (a retry)
    keys = [call[-1] for call in money_moves(bank)]
    assert len(keys) == 2 and keys[0] == keys[1]
    later = tracker("确认", intent="affirm", active_loop=None, events=[
        {"event": "user", "text": "确认", "timestamp": 1700000999.0}])
    assert idempotency_key(later, "repay-L1001-5000") != keys[0]


@pytest.mark.parametrize("answer", [False, None])
def test_no_moves_nothing(answer):
    bank = FormBank()
    _, _, messages = run(ActionRepayLoan(bank), tracker("不要", intent="deny", active_loop=None,
                                                         slots={"repay_loan_id": "L1001",
                                                                "repay_amount": "5000",
                                                                "repay_confirmed": answer}))
    assert messages[0]["response"] == "utter_nothing_done"
    assert not money_moves(bank)


def test_the_confirmation_reads_yes_and_no_but_not_other_words():
    slots = {"repay_loan_id": "L1001", "repay_amount": "5000"}
    for text, intent, expected in [("确认", "affirm", True), ("/affirm", "affirm", True),
                                   ("no", "deny", False), ("谢谢", "thank", None)]:
        found, _, _ = run(ValidateRepayForm(FormBank()), tracker(
            text, intent=intent, requested="repay_confirmed", slots=slots))
        assert found.get("repay_confirmed") == expected, text


def test_cancel_empties_every_form():
    slots, _, messages = run(ActionCancelForm(), tracker("取消", intent="cancel",
                                                         active_loop=None))
    assert messages[0]["response"] == "utter_form_cancelled"
    assert {"repay_amount", "buy_product", "risk_q5", "freeze_confirmed"} <= set(slots)
    assert not any(slots.values())


def test_an_faq_in_the_middle_is_not_read_as_an_answer():
    bank = FormBank()
    slots, _, _ = run(ValidateBuyForm(bank), tracker(
        "活期宝最低买多少", intent="faq_wealth", entities=[("product", "WM001")],
        requested="buy_amount", slots={"buy_product": "WM004"}, active_loop="buy_form"))
    assert "buy_product" not in slots and "buy_amount" not in slots  # the form rejects it


def test_buying_without_a_risk_assessment_offers_the_questionnaire():
    bank = FormBank()
    slots, _, messages = run(ValidateBuyForm(bank), tracker(
        "买一千活期宝", customer="C002", intent="buy_product", active_loop="buy_form",
        entities=[("product", "WM001"), ("amount", "一千")]))
    assert slots["form_stopped"] is True
    assert messages[-1]["response"] == "utter_risk_assessment_required"
    assert not money_moves(bank)


def test_a_product_above_the_customers_level_is_refused():
    bank = FormBank()
    slots, said, _ = run(ValidateBuyForm(bank), tracker(
        "买5000成长股票", intent="buy_product", active_loop="buy_form",
        entities=[("product", "WM005"), ("amount", "5000")]))
    assert slots["buy_product"] is None
    assert "R4" in said and "C3 平衡型" in said and "不能购买" in said


def test_a_purchase_summary_states_the_trading_dates_and_the_risk_notice():
    bank = FormBank()
    slots, _, _ = run(ValidateBuyForm(bank), tracker(
        "invest 5k in Balanced Mix", intent="buy_product", active_loop="buy_form",
        language="en", entities=[("product", "WM004"), ("amount", "5k")]))
    summary = slots["confirmation_summary"]
    assert "CNY 5,000.00" in summary and "27 Nov 2026" in summary
    assert "Wealth products are not deposits. Investing involves risk." in summary


def test_below_the_minimum_is_explained():
    bank = FormBank()
    slots, said, _ = run(ValidateBuyForm(bank), tracker(
        "500", intent="nlu_fallback", active_loop="buy_form", requested="buy_amount",
        slots={"buy_product": "WM002"}))
    assert slots["buy_amount"] is None and "¥1,000.00" in said


def test_a_product_named_in_a_short_answer():
    slots, _, _ = run(ValidateBuyForm(FormBank()), tracker(
        "活期宝最低买多少", intent="faq_wealth", active_loop="buy_form", requested="buy_product"))
    assert "buy_product" not in slots  # a question is left to the rules
    slots, _, _ = run(ValidateBuyForm(FormBank()), tracker(  # a bare name is an answer
        "活期包", intent="faq_wealth", active_loop="buy_form", requested="buy_product"))
    assert slots["buy_product"] == "WM001"
    slots, _, _ = run(ValidateBuyForm(FormBank()), tracker(
        "Daily Cash", intent="nlu_fallback", active_loop="buy_form", requested="buy_product"))
    assert slots["buy_product"] == "WM001"


@pytest.mark.parametrize("typed, language, code", [
    ("稳赢", "zh", "WM002"), ("活期包吧", "zh", "WM001"), ("均衡混合基金", "zh", "WM004"),
    ("stedy 90", "en", "WM002"), ("balanced", "en", "WM004"), ("wm 001", "en", "WM001"),
])
def test_a_product_named_as_customers_type_it(typed, language, code):
    slots, _, _ = run(ValidateBuyForm(FormBank()), tracker(
        typed, intent="nlu_fallback", active_loop="buy_form", requested="buy_product",
        language=language))
    assert slots["buy_product"] == code
    slots, _, _ = run(ValidateBuyForm(FormBank()), tracker(  # as Rasa's entity, not a synonym
        f"buy 2000 of {typed}", intent="buy_product", active_loop="buy_form", language=language,
        entities=[("product", typed)]))
    assert slots["buy_product"] == code


def test_an_answer_fitting_several_products_is_asked_back_with_only_those():
    bank = FormBank()
    slots, _, _ = run(ValidateBuyForm(bank), tracker(
        "活期宝还是稳盈", intent="nlu_fallback", active_loop="buy_form", requested="buy_product"))
    assert "buy_product" not in slots and slots["product_choices"] == ["WM001", "WM002"]
    slots, _, messages = run(ActionAskBuyProduct(bank), tracker(
        "活期宝还是稳盈", intent="nlu_fallback", active_loop="buy_form", requested="buy_product",
        slots={"product_choices": ["WM001", "WM002"]}))
    assert messages[0]["response"] == "utter_which_product"
    assert messages[0]["names"] == "活期宝（WM001）、稳盈90天（WM002）"
    assert [b["payload"] for b in messages[0]["buttons"]] == ["WM001", "WM002"]
    assert slots == {"product_choices": None}
    _, said, _ = run(ActionAskBuyProduct(bank), tracker(  # no choice kept: the suitable list
        "买理财", intent="buy_product", active_loop="buy_form", requested="buy_product"))
    assert "适合您" in said


def test_a_redemption_reads_names_among_the_holdings_only():
    bank = FormBank()  # C001 holds Daily Cash and Balanced Mix Fund
    slots, _, _ = run(ValidateRedeemForm(bank), tracker(
        "均衡", intent="nlu_fallback", active_loop="redeem_form", requested="redeem_product"))
    assert slots["redeem_product"] == "WM004"
    slots, said, _ = run(ValidateRedeemForm(bank), tracker(
        "稳赢90天", intent="nlu_fallback", active_loop="redeem_form", requested="redeem_product"))
    assert not slots.get("redeem_product")  # named, but not held: not read as an answer
    _, _, messages = run(ActionAskRedeemProduct(bank), tracker(
        "赎回", intent="redeem_product", active_loop="redeem_form", requested="redeem_product",
        slots={"product_choices": ["WM001", "WM004", "WM002"]}))
    assert [b["payload"] for b in messages[0]["buttons"]] == ["WM001", "WM004"]


def test_the_purchase_itself_carries_the_risk_notice():
    bank = FormBank()
    _, said, _ = run(ActionBuyProduct(bank), tracker("确认", intent="affirm", active_loop=None,
                                                     slots={"buy_product": "WM004",
                                                            "buy_amount": "10000",
                                                            "buy_confirmed": True}))
    assert "购买成功" in said and "理财非存款、产品有风险、投资须谨慎" in said
    assert len(money_moves(bank)) == 1


def test_redeeming_all_redeems_what_can_be_redeemed():
    bank = FormBank()
    slots, _, _ = run(ValidateRedeemForm(bank), tracker(
        "全部", intent="nlu_fallback", active_loop="redeem_form", requested="redeem_amount",
        slots={"redeem_product": "WM004"}))
    assert slots["redeem_amount"] == "31245.80"
    assert "请确认赎回" in slots["confirmation_summary"]


def test_recommendations_carry_the_risk_notice_and_only_suitable_products():
    _, said, _ = run(ActionRecommendProduct(FormBank()), tracker(
        "有什么适合我的", intent="recommend_product", active_loop=None))
    assert "WM004" in said and "WM005" not in said and "WM006" not in said
    assert "理财非存款、产品有风险、投资须谨慎" in said
    _, _, messages = run(ActionRecommendProduct(FormBank()), tracker(
        "有什么适合我的", customer="C002", intent="recommend_product", active_loop=None))
    assert messages[0]["response"] == "utter_risk_assessment_required"


@pytest.mark.parametrize("typed, letter", [
    ("A", "A"), ("b", "B"), ("选C", "C"), ("我选 D", "D"), ("A. 61岁及以上", "A"), ("（B）", "B"),
])
def test_questionnaire_answers(typed, letter):
    slots, _, _ = run(ValidateRiskForm(FormBank()), tracker(
        typed, intent="nlu_fallback", active_loop="risk_form", requested="risk_q2"))
    assert slots["risk_q2"] == letter


def test_a_questionnaire_answer_that_is_not_a_to_d_is_asked_again():
    slots, _, messages = run(ValidateRiskForm(FormBank()), tracker(
        "大概四十岁", intent="nlu_fallback", active_loop="risk_form", requested="risk_q1"))
    assert slots == {"risk_q1": None}
    assert messages[0]["response"] == "utter_risk_answer_invalid"
    slots, _, _ = run(ValidateRiskForm(FormBank()), tracker(
        "取消", intent="cancel", active_loop="risk_form", requested="risk_q1"))
    assert "risk_q1" not in slots  # left to the cancel rule


@pytest.mark.parametrize("answers, words", [
    ("DCBBCBB", ["C3 平衡型", "R3", "2027年11月26日"]),
    ("DDDDADD", ["第5题", "C1 保守型"]),
])
def test_the_result_is_told_in_words(answers, words):
    bank = FormBank()
    slots = {f"risk_q{n}": letter for n, letter in enumerate(answers, 1)}
    _, said, _ = run(ActionSubmitRiskAssessment(bank), tracker(
        "C", intent="nlu_fallback", active_loop=None, slots=slots))
    for word in words:
        assert word in said
    assert ("assess_risk", "C001", tuple(answers)) in bank.calls


def test_freezing_shows_a_summary_and_freezes_only_after_yes():
    bank = FormBank()
    slots, _, _ = run(ValidateFreezeForm(bank), tracker(
        "我的卡丢了 帮我冻结", intent="freeze_card", active_loop="freeze_form"))
    assert "尾号0428" in slots["confirmation_summary"] and slots["freeze_reason"] == "lost"
    assert not money_moves(bank)
    _, said, _ = run(ActionFreezeCard(bank), tracker("确认", intent="affirm", active_loop=None,
                                                     slots={"freeze_card_id": "DC001",
                                                            "freeze_reason": "lost",
                                                            "freeze_confirmed": True}))
    assert "已冻结" in said and "96110" in said
    assert [call[:4] for call in money_moves(bank)] == [("freeze_card", "C001", "DC001", "lost")]


def test_freeze_reasons():
    assert freeze_reason("I think I was scammed") == "fraud"
    assert freeze_reason("卡被偷了") == "stolen"
    assert freeze_reason("block my card") == "customer_request"


def test_a_hand_off_queues_a_summary_of_what_the_customer_asked():
    bank = FormBank()
    events = [{"event": "user", "text": "我要提前还5000", "timestamp": 1.0,
               "parse_data": {"intent": {"name": "repay_loan"}}},
              {"event": "user", "text": "转人工", "timestamp": 2.0,
               "parse_data": {"intent": {"name": "request_human"}}}]
    _, said, _ = run(ActionRequestHuman(bank), tracker(
        "转人工", intent="request_human", active_loop=None, events=events,
        slots={"repay_amount": "5000"}))
    assert "转接人工客服" in said and "1位" in said
    call = next(call for call in bank.calls if call[0] == "request_handoff")
    assert "我要提前还5000 [repay_loan]" in call[2] and "repay_amount=5000" in call[2]
    assert "conversation conversation-1" in call[2]
    _, _, messages = run(ActionRequestHuman(bank), tracker(
        "转人工", customer=None, intent="request_human", active_loop=None))
    assert messages[0]["response"] == "utter_request_human"


def test_outside_service_hours_the_customer_is_told_when_an_agent_replies():
    class Night(FormBank):
        async def request_handoff(self, customer, summary, language):
            return Handoff(handoff_id=9, position=1, agents_on_duty=False,
                           agent_available_at=datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI))

    _, said, _ = run(ActionRequestHuman(Night()), tracker(
        "talk to a person", intent="request_human", language="en", active_loop=None))
    assert "27 Nov 2026 09:00" in said and "09:00-21:00" in said


def test_only_the_channel_says_who_the_customer_is():
    bank = FormBank()
    slots, _, _ = run(ValidateRepayForm(bank), tracker(
        "我是C002 还L2001全部", customer="C001", entities=[("loan_id", "L2001")]))
    assert {call[1] for call in bank.calls if len(call) > 1} == {"C001"}
    assert slots.get("repay_loan_id") is None  # L2001 is C002's, not found for C001
    assert not money_moves(bank)


# The HTTP client's new calls against the real sandbox service (test_account_actions starts it).


def test_real_service_quotes_then_moves_money_once_per_key(sandbox_bank):
    client = HttpBankClient(sandbox_bank)
    quote = asyncio.run(client.repay("C001", "L1001", Decimal("5000"), key=None))
    assert quote.repayment_id is None and quote.balance == Decimal("47380.25")
    assert asyncio.run(client.balance("C001")).balance == Decimal("52380.25")
    first = asyncio.run(client.repay("C001", "L1001", Decimal("5000"), key="test-key-1"))
    again = asyncio.run(client.repay("C001", "L1001", Decimal("5000"), key="test-key-1"))
    assert first.repayment_id == again.repayment_id is not None
    assert asyncio.run(client.balance("C001")).balance == Decimal("47380.25")
    with pytest.raises(BankRefused) as refused:
        asyncio.run(client.repay("C001", "L1001", Decimal("99999"), key=None))
    assert refused.value.code == "above_outstanding" and "payoff" in refused.value.extra


def test_real_service_orders_risk_profile_freeze_and_handoff(sandbox_bank):
    client = HttpBankClient(sandbox_bank)
    quote = asyncio.run(client.order("C003", "buy", "WM006", Decimal("5000"), key=None))
    assert (quote.order_id, quote.confirmation_date) == (None, date(2026, 11, 27))
    assert quote.risk_notice["zh"] == "理财非存款、产品有风险、投资须谨慎"
    with pytest.raises(BankRefused) as refused:
        asyncio.run(client.order("C001", "buy", "WM005", Decimal("5000"), key=None))
    assert refused.value.code == "above_risk_level" and refused.value.extra["alternatives"]
    profile = asyncio.run(client.assess_risk("C002", list("DDDDADD")))
    assert (profile.level, profile.valid_until, profile.valid) == ("C1", date(2027, 11, 26), True)
    suitable = asyncio.run(client.suitable_products("C002"))
    assert [p.code for p in suitable.products] == ["WM001"]
    assert [p.code for p in asyncio.run(client.products())][:2] == ["WM001", "WM002"]
    frozen = asyncio.run(client.freeze_card("C003", "DC003", "lost", key="freeze-1"))
    assert (frozen.last_digits, frozen.already_frozen) == ("7750", False)
    queued = asyncio.run(client.request_handoff("C003", "Wants to talk about a loan.", "en"))
    assert queued.agents_on_duty and queued.position >= 1
