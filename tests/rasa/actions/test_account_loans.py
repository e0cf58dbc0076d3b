"""The loans' answers (actions/account.py's ActionCheckLoan and ActionCheckRepaymentSchedule):
the demo customers' loans in zh and en, overdue, in the grace period, due today, named by number.
"""

import pytest

from actions.account import ActionCheckLoan, ActionCheckRepaymentSchedule
from tests.rasa.actions.demo_bank import L1001, L1001_SCHEDULE, L2001, L2001_SCHEDULE
from tests.rasa.actions.fakes import EditedBank, act, entity, responses, texts


@pytest.mark.parametrize("text, language, answer", [
    ("我的贷款还剩多少", "zh",
     "您的随心借 L1001：借款 ¥20,000.00，分10期，剩余本金 ¥10,223.96。\n"
     "下一期：第6期 ¥2,100.33（本金 ¥2,008.31 + 利息 ¥92.02），"
     "2026年12月15日从您的借记卡自动扣款。"),
    ("how much do I owe", "en",
     "Your Flexi Loan L1001: CNY 20,000.00 over 10 months, outstanding principal "
     "CNY 10,223.96.\nNext: installment 6 of CNY 2,100.33 (principal CNY 2,008.31 + "
     "interest CNY 92.02), debited automatically from your debit card on 15 Dec 2026."),
])
def test_loan(text, language, answer):
    messages, _, _ = act(ActionCheckLoan, text, language=language)
    assert texts(messages) == [answer]


@pytest.mark.parametrize("text, language, answer", [
    ("我的贷款", "zh",
     "您的随心借 L2001 已逾期16天：第6期共 ¥877.61 未还（应还日 2026年11月10日），"
     "罚息 ¥10.38。剩余本金 ¥864.64。"),
    ("my loan", "en",
     "Your Flexi Loan L2001 is 16 days overdue: installment 6, CNY 877.61 in all "
     "(due 10 Nov 2026), not yet repaid, and penalty interest is CNY 10.38. "
     "Outstanding principal: CNY 864.64."),
])
def test_overdue_loan_shows_days_overdue_and_penalty(text, language, answer):
    messages, _, _ = act(ActionCheckLoan, text, customer="C002", language=language)
    assert texts(messages)[0] == answer
    assert responses(messages) == [None, "utter_loan_overdue_advice"]


def test_loan_within_the_grace_period_and_several_installments_overdue():
    in_grace = {**L2001, "next_installment": {**L2001_SCHEDULE[5], "days_overdue": 2,
                                              "penalty_interest": "0.00"},
                "overdue": {**L2001["overdue"], "days_overdue": 2, "in_grace_period": True,
                            "penalty_interest": "0.00"}}
    client = EditedBank({("C002", "loans"): [in_grace]})
    messages, _, _ = act(ActionCheckLoan, "我的贷款", customer="C002", client=client)
    assert texts(messages)[0] == ("您的随心借 L2001：第6期共 ¥877.61 已过还款日（2026年11月10日）"
                                  "2天，还在3天宽限期内。剩余本金 ¥864.64。")
    assert responses(messages) == [None, "utter_loan_grace_period"]
    two_late = {**L2001, "overdue": {**L2001["overdue"], "installments": [5, 6],
                                     "amount": "1755.24", "days_overdue": 46}}
    client = EditedBank({("C002", "loans"): [two_late]})
    messages, _, _ = act(ActionCheckLoan, "my loan", customer="C002", language="en",
                         client=client)
    assert texts(messages)[0].startswith(
        "Your Flexi Loan L2001 is 46 days overdue: installments 5 and 6, CNY 1,755.24 in all "
        "(due 10 Nov 2026), not yet repaid")


@pytest.mark.parametrize("text, language, ending", [
    ("贷款", "zh", "今天（2026年12月15日）从您的借记卡自动扣款。"),
    ("loan", "en", "from your debit card today (15 Dec 2026)."),
])
def test_installment_due_today(text, language, ending):
    due_today = {**L1001, "next_installment": {**L1001_SCHEDULE[5], "status": "due"}}
    client = EditedBank({("C001", "loans"): [due_today]})
    messages, _, _ = act(ActionCheckLoan, text, language=language, client=client)
    assert texts(messages)[0].endswith(ending)


def test_loan_named_by_number_and_customers_without_loans():
    messages, _, _ = act(ActionCheckLoan, "L1001 还剩多少", entities=[entity("loan_id", "l1001")])
    assert "¥10,223.96" in texts(messages)[0]
    # Another customer's loan number shows nothing of that loan.
    messages, _, client = act(ActionCheckLoan, "L2001 还剩多少",
                              entities=[entity("loan_id", "L2001")])
    assert responses(messages) == ["utter_unknown_loan"]
    assert messages[0]["loan_id"] == "L2001"
    assert client.calls == [("loans", "C001")]
    messages, _, _ = act(ActionCheckLoan, "my loans", customer="C003", language="en")
    assert responses(messages) == ["utter_no_loans"]


def test_repayment_schedule():
    messages, _, client = act(ActionCheckRepaymentSchedule, "还款计划")
    assert client.calls == [("loan_schedules", "C001", None)]
    assert texts(messages) == [
        "随心借 L1001 还款计划（共10期，已还5期，剩余本金 ¥10,223.96）：\n"
        "第6期 2026年12月15日 ¥2,100.33（本金 ¥2,008.31，利息 ¥92.02）\n"
        "第7期 2027年1月15日 ¥2,100.33（本金 ¥2,026.39，利息 ¥73.94）\n"
        "第8期 2027年2月15日 ¥2,100.33（本金 ¥2,044.63，利息 ¥55.70）\n"
        "第9期 2027年3月15日 ¥2,100.33（本金 ¥2,063.03，利息 ¥37.30）\n"
        "第10期 2027年4月15日 ¥2,100.33（本金 ¥2,081.60，利息 ¥18.73）"
    ]
    messages, _, _ = act(ActionCheckRepaymentSchedule, "repayment schedule for L1001",
                         language="en", entities=[entity("loan_id", "L1001")])
    lines = texts(messages)[0].split("\n")
    assert lines[0] == ("Flexi Loan L1001 repayment schedule (5 of 10 installments paid, "
                        "outstanding principal CNY 10,223.96):")
    assert lines[1] == ("6. 15 Dec 2026: CNY 2,100.33 (principal CNY 2,008.31, "
                        "interest CNY 92.02)")
    assert len(lines) == 6


def test_repayment_schedule_of_an_overdue_loan_and_of_unknown_loans():
    messages, _, _ = act(ActionCheckRepaymentSchedule, "还款计划", customer="C002")
    assert texts(messages)[0] == (
        "随心借 L2001 还款计划（共6期，已还5期，剩余本金 ¥864.64）：\n"
        "第6期 2026年11月10日 ¥877.61（本金 ¥864.64，利息 ¥12.97），已逾期16天，罚息 ¥10.38"
    )
    assert responses(messages) == [None, "utter_loan_overdue_advice"]
    messages, _, _ = act(ActionCheckRepaymentSchedule, "schedule of L2001", language="en",
                         entities=[entity("loan_id", "L2001")])
    assert responses(messages) == ["utter_unknown_loan"]
    assert messages[0]["loan_id"] == "L2001"
    messages, _, client = act(ActionCheckRepaymentSchedule, "schedule of ../balance",
                              entities=[entity("loan_id", "../balance")])
    assert responses(messages) == ["utter_unknown_loan"]
    assert client.calls == []
    messages, _, _ = act(ActionCheckRepaymentSchedule, "schedule", customer="C003",
                         language="en")
    assert responses(messages) == ["utter_no_loans"]

