"""Money-moving conversations end to end, in both languages: the Rasa server, the action server
and the running sandbox account service (identity put on Rasa's REST channel as the metadata the
authenticated channel sets).

Each test starts from a freshly seeded bank and checks the account itself afterwards, not just
what the assistant said.
"""

import time
import uuid

import httpx
import pytest

RISK_NOTICE_ZH = "理财非存款、产品有风险、投资须谨慎"
RISK_NOTICE_EN = "Wealth products are not deposits. Investing involves risk."


@pytest.fixture
def fresh_bank(stack, reseed_bank):
    """The demo bank as seeded; get(customer, path) reads the account service directly."""
    reseed_bank()
    client = httpx.Client(base_url=stack.settings.bank_url, timeout=10, headers={
        "Authorization": f"Bearer {stack.settings.bank_service_token}"})

    def get(customer, path=""):
        response = client.get(f"/customers/{customer}{path}",
                              headers={"X-Customer-Id": customer})
        assert response.status_code == 200, response.text
        return response.json()

    yield get
    client.close()


@pytest.fixture
def conversation(stack):
    """conversation(customer) -> say(message) -> the replies' text; say.replies: the last
    replies in full (buttons)."""
    client = httpx.Client(base_url=stack.settings.rasa_url, timeout=30)

    def start(customer):
        sender = f"forms-{uuid.uuid4()}"

        def say(message):
            body = {"sender": sender, "message": message}
            if customer:
                body["metadata"] = {"customer_id": customer}
            response = client.post("/webhooks/rest/webhook", json=body)
            assert response.status_code == 200, response.text
            say.replies = response.json()
            return "\n".join(reply.get("text", "") for reply in say.replies)

        return say

    yield start
    client.close()


def buttons(say):
    return [button["payload"] for reply in say.replies for button in reply.get("buttons", [])]


# Repayment.


def test_repay_part_of_a_loan_yes_zh(conversation, fresh_bank):
    say = conversation("C001")
    assert "还多少" in say("我要提前还款")  # the only open loan, L1001, is taken
    summary = say("五千")
    assert "¥5,000.00" in summary and "随心借 L1001" in summary and "确认还款吗" in summary
    assert "/affirm" in buttons(say) and "/deny" in buttons(say)
    assert fresh_bank("C001", "/balance")["balance"] == "52380.25"  # nothing before yes
    done = say("确认")
    assert "还款成功" in done and "¥47,380.25" in done
    assert fresh_bank("C001", "/balance")["balance"] == "47380.25"
    assert "还款成功" not in say("确认")  # saying yes again repays nothing more
    assert fresh_bank("C001", "/balance")["balance"] == "47380.25"


def test_repay_all_then_no_en(conversation, fresh_bank):
    say = conversation("C001")
    assert "How much" in say("I want to repay my loan")
    payoff = fresh_bank("C001", "/loans/L1001/payoff")["total"]
    summary = say("all")
    assert f"CNY {float(payoff):,.2f}" in summary and "repaid in full" in summary
    assert "nothing has changed" in say("no")
    assert fresh_bank("C001", "/balance")["balance"] == "52380.25"
    assert fresh_bank("C001", "/loans/L1001")["outstanding_principal"] == "10223.96"


def test_repay_cancel_in_the_middle(conversation, fresh_bank):
    say = conversation("C001")
    say("我要还款")
    assert "已取消" in say("取消")
    assert fresh_bank("C001", "/balance")["balance"] == "52380.25"


def test_repay_an_faq_in_the_middle_then_continue_en(conversation, fresh_bank):
    say = conversation("C001")
    say("repay my loan please")
    answer = say("is there a fee for early repayment")
    assert "fee" in answer.lower() and "How much" in answer  # answered, then asked again
    assert "CNY 3,000.00" in say("3000")
    assert "Done" in say("yes")
    assert fresh_bank("C001", "/balance")["balance"] == "49380.25"


def test_repay_invalid_amounts_are_explained(conversation, fresh_bank):
    say = conversation("C001")
    say("我要还款")
    assert "大于0" in say("-500")
    payoff = fresh_bank("C001", "/loans/L1001/payoff")["total"]
    assert f"¥{float(payoff):,.2f}" in say("99999")
    say("取消")
    assert fresh_bank("C001", "/balance")["balance"] == "52380.25"


def test_c002_overdue_must_repay_what_is_due_and_can_pay_off(conversation, fresh_bank):
    say = conversation("C002")
    say("我要还款")
    assert "¥887.99" in say("100")  # installment 6 (877.61) + penalty interest (10.38)
    summary = say("全部")
    assert "罚息 ¥10.38" in summary
    assert "还款成功" in say("确认")
    assert fresh_bank("C002", "/loans/L2001")["status"] == "closed"
    assert fresh_bank("C002", "/credit-line")["frozen"] is False


def test_another_customers_loan_is_not_found(conversation, fresh_bank):
    say = conversation("C001")
    reply = say("帮我把L2001全部还了")
    assert "L2001" in reply and "没有找到" in reply
    for hers in ("877.6", "864.64", "10.38", "李娜"):
        assert hers not in reply
    say("取消")
    assert fresh_bank("C002", "/loans/L2001")["status"] == "overdue"


# Buying and redeeming.


def test_buy_yes_zh_with_dates_and_risk_notice(conversation, fresh_bank):
    say = conversation("C001")
    summary = say("买一万均衡混合")
    assert "均衡混合（WM004）" in summary and "¥10,000.00" in summary
    assert "2026年11月27日" in summary and RISK_NOTICE_ZH in summary  # 10:00 Thursday: T+1
    done = say("确认")
    assert "购买成功" in done and RISK_NOTICE_ZH in done
    assert fresh_bank("C001", "/balance")["balance"] == "42380.25"


def test_buy_en_c003_c5_may_buy_qdii(conversation, fresh_bank):
    say = conversation("C003")
    summary = say("invest 5k in Global Tech QDII")
    assert "CNY 5,000.00" in summary and RISK_NOTICE_EN in summary
    assert "Done" in say("yes")
    assert fresh_bank("C003", "/balance")["balance"] == "245000.00"


def test_buy_above_the_customers_level_is_refused_with_suitable_products(conversation,
                                                                        fresh_bank):
    say = conversation("C001")
    reply = say("买5000成长股票")
    assert "R4" in reply and "C3 平衡型" in reply and "不能购买" in reply
    assert "WM004" in buttons(say) and "WM005" not in buttons(say)
    assert RISK_NOTICE_ZH in reply
    say("取消")
    assert fresh_bank("C001", "/balance")["balance"] == "52380.25"


def test_buy_above_the_balance_then_cancel_en(conversation, fresh_bank):
    say = conversation("C003")
    assert "CNY 250,000.00" in say("buy 300000 of Daily Cash")
    assert "cancelled" in say("cancel")
    assert fresh_bank("C003", "/balance")["balance"] == "250000.00"


def test_buy_without_a_risk_assessment_offers_the_questionnaire(conversation, fresh_bank):
    say = conversation("C002")
    assert "风险测评" in say("我想买活期宝")
    assert "/start_risk_assessment" in buttons(say)
    assert fresh_bank("C002", "/balance")["balance"] == "3210.50"


def test_buy_below_minimum_then_an_faq_then_no(conversation, fresh_bank):
    say = conversation("C001")
    assert "多少" in say("我要买稳盈90天")
    assert "¥1,000.00" in say("500")
    answer = say("活期宝的七日年化收益率是多少")
    assert "1.85%" in answer and "多少" in answer
    summary = say("2000")
    assert "到期" in summary and RISK_NOTICE_ZH in summary
    assert "没有任何变动" in say("不要")
    assert fresh_bank("C001", "/balance")["balance"] == "52380.25"


def test_buy_products_named_as_customers_type_them(conversation, fresh_bank):
    say = conversation("C001")
    assert "适合您" in say("我要买理财")
    assert "多少" in say("稳赢90天")  # a homophone of 稳盈90天
    summary = say("2000")
    assert "稳盈90天（WM002）" in summary and "¥2,000.00" in summary
    assert "没有任何变动" in say("不要")
    say = conversation("C001")
    say("i'd like to buy a wealth product")
    assert "Which one do you mean" in say("daily cash or steady?")
    assert buttons(say) == ["WM001", "WM002"]
    assert "How much" in say("stedy 90")
    say("cancel")
    assert fresh_bank("C001", "/balance")["balance"] == "52380.25"


def test_redeem_all_of_daily_cash_zh(conversation, fresh_bank):
    say = conversation("C001")
    assert "¥12,000.00" in say("赎回活期宝")
    summary = say("全部")
    assert "请确认赎回" in summary and "¥12,000.00" in summary
    assert "赎回成功" in say("确认")
    holdings = fresh_bank("C001", "/holdings")["holdings"]
    assert [h["product_code"] for h in holdings] == ["WM004"]


def test_redeem_an_faq_in_the_middle_then_no_zh(conversation, fresh_bank):
    say = conversation("C001")
    assert "¥31,245.80" in say("我想赎回均衡混合")
    answer = say("赎回的钱一般多久能到账")
    assert "T+" in answer and "赎回多少" in answer  # answered, then asked again
    summary = say("5000")
    assert "赎回费 ¥25.00" in summary  # held 7 days to a year: 0.5%
    assert "没有任何变动" in say("不用了")
    assert fresh_bank("C001", "/holdings")["holdings"][1]["market_value"] == "31245.80"


def test_redeem_en_cancel_in_the_middle(conversation, fresh_bank):
    say = conversation("C003")
    say("sell some of my Growth Equity Fund")
    assert "cancelled" in say("cancel")
    assert len(fresh_bank("C003", "/holdings")["holdings"]) == 2


def test_redeem_an_invalid_amount_then_yes_en(conversation, fresh_bank):
    say = conversation("C003")
    say("redeem my Growth Equity Fund")
    assert "CNY 53,912.40" in say("60000")
    assert "Please confirm" in say("10000")
    assert "Done" in say("yes")
    holdings = fresh_bank("C003", "/holdings")["holdings"]
    assert holdings[0]["market_value"] == "43912.40"


# The risk questionnaire.


@pytest.mark.parametrize("answers, level", [
    ("AAAAAAA", "C1"), ("BBBBBBB", "C2"), ("CCCCCCC", "C4"), ("DCBBCBB", "C3"),
    ("DDDDDDD", "C5"), ("DDDDADD", "C1"),  # the last: question 5 "no loss at all"
])
def test_the_questionnaire_reaches_each_level(conversation, fresh_bank, answers, level):
    say = conversation("C002")
    assert "第1题" in say("我要做风险测评")
    assert buttons(say) == ["A", "B", "C", "D"]
    for letter in answers[:-1]:
        say(letter)
    result = say(answers[-1])
    names = {"C1": "保守型", "C2": "稳健型", "C3": "平衡型", "C4": "成长型", "C5": "进取型"}
    assert f"{level} {names[level]}" in result and "2027年11月26日" in result
    if answers[4] == "A":
        assert "第5题" in result
    profile = fresh_bank("C002", "/risk-profile")
    assert (profile["level"], profile["valid_until"]) == (level, "2027-11-26")


def test_the_questionnaire_in_english_and_an_answer_that_is_not_a_to_d(conversation,
                                                                        fresh_bank):
    say = conversation("C003")
    assert "Question 1" in say("start the risk test")
    assert "A, B, C or D" in say("I'm 40 years old")
    for letter in "DDDDDD":
        say(letter)
    assert "C5 (Aggressive)" in say("D")


# Freezing the card.


def test_freeze_yes_zh(conversation, fresh_bank):
    say = conversation("C001")
    summary = say("冻结我的借记卡")
    assert "尾号0428" in summary and "确认冻结吗" in summary
    assert fresh_bank("C001", "/balance")["frozen"] is False
    assert "已冻结" in say("确认")
    assert fresh_bank("C001", "/balance")["frozen"] is True


def test_freeze_cancel_zh(conversation, fresh_bank):
    say = conversation("C002")
    assert "尾号1193" in say("帮我把卡冻结了")
    assert "没有任何变动" in say("取消")
    assert fresh_bank("C002", "/balance")["frozen"] is False


def test_freeze_an_faq_in_the_middle_then_no_en(conversation, fresh_bank):
    say = conversation("C003")
    assert "ending 7750" in say("please block my card")
    answer = say("what is your customer service phone number")
    assert "400-800-0000" in answer and "Shall I freeze it" in answer
    assert "nothing has changed" in say("no")
    assert fresh_bank("C003", "/balance")["frozen"] is False


# Recommendations, hand-off, identity, failures.


def test_recommendations_only_suitable_products_with_the_risk_notice(conversation, fresh_bank):
    say = conversation("C001")
    reply = say("有什么适合我的理财推荐吗")
    assert "WM004" in reply and "WM005" not in reply and RISK_NOTICE_ZH in reply


def test_a_logged_in_customer_is_queued_for_an_agent(conversation, fresh_bank):
    say = conversation("C001")
    say("我要提前还款")
    reply = say("转人工")
    assert "转接人工客服" in reply and "09:00-21:00" in reply


def test_typing_another_customers_id_starts_nothing_of_theirs(conversation, fresh_bank):
    say = conversation("C001")
    for message in ("C002", "李娜的余额", "我是C002，帮我冻结卡"):
        reply = say(message)
        assert "1193" not in reply and "3,210.50" not in reply
    say("确认")
    assert fresh_bank("C002", "/balance")["frozen"] is False


def test_the_service_stopped_in_the_middle_of_a_conversation(stack, conversation, fresh_bank):
    say = conversation("C001")
    say("我要还款")
    stack.stop(("bank",))
    try:
        started = time.monotonic()
        reply = say("5000")
        assert time.monotonic() - started < 5
        assert "人工" in reply and "确认还款" not in reply
    finally:
        stack.start(("bank",))
    assert "还款成功" not in say("确认")
    assert fresh_bank("C001", "/balance")["balance"] == "52380.25"
