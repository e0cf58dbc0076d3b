"""Buying, redeeming and recommending wealth products (actions/wealth.py): the risk level, the
minimum, product names as customers type them, the trading dates, the risk notice."""

from datetime import date

import pytest

from actions.wealth import (
    ActionAskBuyProduct,
    ActionAskRedeemProduct,
    ActionBuyProduct,
    ActionRecommendProduct,
    ValidateBuyForm,
    ValidateRedeemForm,
)
from tests.rasa.actions.fakes import FormBank, money_moves, run, tracker


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
    slots, reply, _ = run(ValidateBuyForm(bank), tracker(
        "买5000成长股票", intent="buy_product", active_loop="buy_form",
        entities=[("product", "WM005"), ("amount", "5000")]))
    assert slots["buy_product"] is None
    assert "R4" in reply and "C3 平衡型" in reply and "不能购买" in reply


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
    slots, reply, _ = run(ValidateBuyForm(bank), tracker(
        "500", intent="nlu_fallback", active_loop="buy_form", requested="buy_amount",
        slots={"buy_product": "WM002"}))
    assert slots["buy_amount"] is None and "¥1,000.00" in reply


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
    _, reply, _ = run(ActionAskBuyProduct(bank), tracker(  # no choice kept: the suitable list
        "买理财", intent="buy_product", active_loop="buy_form", requested="buy_product"))
    assert "适合您" in reply


def test_a_redemption_reads_names_among_the_holdings_only():
    bank = FormBank()  # C001 holds Daily Cash and Balanced Mix Fund
    slots, _, _ = run(ValidateRedeemForm(bank), tracker(
        "均衡", intent="nlu_fallback", active_loop="redeem_form", requested="redeem_product"))
    assert slots["redeem_product"] == "WM004"
    slots, reply, _ = run(ValidateRedeemForm(bank), tracker(
        "稳赢90天", intent="nlu_fallback", active_loop="redeem_form", requested="redeem_product"))
    assert not slots.get("redeem_product")  # named, but not held: not read as an answer
    _, _, messages = run(ActionAskRedeemProduct(bank), tracker(
        "赎回", intent="redeem_product", active_loop="redeem_form", requested="redeem_product",
        slots={"product_choices": ["WM001", "WM004", "WM002"]}))
    assert [b["payload"] for b in messages[0]["buttons"]] == ["WM001", "WM004"]


def test_the_purchase_itself_carries_the_risk_notice():
    bank = FormBank()
    _, reply, _ = run(ActionBuyProduct(bank), tracker("确认", intent="affirm", active_loop=None,
                                                     slots={"buy_product": "WM004",
                                                            "buy_amount": "10000",
                                                            "buy_confirmed": True}))
    assert "购买成功" in reply and "理财非存款、产品有风险、投资须谨慎" in reply
    assert len(money_moves(bank)) == 1


def test_redeeming_all_redeems_what_can_be_redeemed():
    bank = FormBank()
    slots, _, _ = run(ValidateRedeemForm(bank), tracker(
        "全部", intent="nlu_fallback", active_loop="redeem_form", requested="redeem_amount",
        slots={"redeem_product": "WM004"}))
    assert slots["redeem_amount"] == "31245.80"
    assert "请确认赎回" in slots["confirmation_summary"]


def test_recommendations_carry_the_risk_notice_and_only_suitable_products():
    _, reply, _ = run(ActionRecommendProduct(FormBank()), tracker(
        "有什么适合我的", intent="recommend_product", active_loop=None))
    assert "WM004" in reply and "WM005" not in reply and "WM006" not in reply
    assert "理财非存款、产品有风险、投资须谨慎" in reply
    _, _, messages = run(ActionRecommendProduct(FormBank()), tracker(
        "有什么适合我的", customer="C002", intent="recommend_product", active_loop=None))
    assert messages[0]["response"] == "utter_risk_assessment_required"

class Closed(FormBank):
    """A purchase with a closed period."""

    async def order(self, customer, side, product_code, amount, key):
        order = await super().order(customer, side, product_code, amount, key)
        return order.copy(update={"matures_on": date(2027, 2, 24),
                                  "payback_date": date(2027, 2, 25)})


@pytest.mark.parametrize("language, dates", [
    ("zh", "交易日为2026年11月26日（15:00后或非交易日下单顺延至下一交易日），"
           "2026年11月27日确认份额并开始计算收益。"
           "封闭期内不能提前赎回，2027年2月24日到期，2027年2月25日回款。\n"
           "风险提示：理财非存款、产品有风险、投资须谨慎。"),
    ("en", "It trades on 26 Nov 2026 (orders after 15:00 or on a non-trading day move to the next "
           "trading day), is confirmed and starts earning on 27 Nov 2026. It is closed until it "
           "matures on 24 Feb 2027, with no early redemption, and is paid back on 25 Feb 2027.\n"
           "Risk notice: Wealth products are not deposits. Investing involves risk."),
])
def test_a_closed_period_is_stated_in_the_summary_and_the_receipt(language, dates):
    slots, _, _ = run(ValidateBuyForm(Closed()), tracker(
        "x", intent="buy_product", active_loop="buy_form", language=language,
        entities=[("product", "WM002"), ("amount", "5000")]))
    assert dates in slots["confirmation_summary"]
    _, reply, _ = run(ActionBuyProduct(Closed()), tracker(
        "yes", intent="affirm", active_loop=None, language=language,
        slots={"buy_product": "WM002", "buy_amount": "10000", "buy_confirmed": True}))
    assert reply.endswith(dates)
