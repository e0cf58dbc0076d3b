"""The risk questionnaire (actions/risk.py): answers A-D however typed, and the result in words."""

import pytest

from actions.risk import ActionSubmitRiskAssessment, ValidateRiskForm
from tests.rasa.actions.fakes import FormBank, run, tracker


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
    _, reply, _ = run(ActionSubmitRiskAssessment(bank), tracker(
        "C", intent="nlu_fallback", active_loop=None, slots=slots))
    for word in words:
        assert word in reply
    assert ("assess_risk", "C001", tuple(answers)) in bank.calls

@pytest.mark.parametrize("answers, language, result", [
    ("DDDDADD", "zh", "测评完成，您的得分为25分。"
                      "由于您在第5题选择了“不能接受任何亏损”，按规定评级为C1。"
                      "您的风险承受能力等级为C1 保守型，可以购买R1及以下风险等级的产品。"
                      "测评结果有效期至2027年11月26日。"),
    ("DDDDADD", "en", "Assessment complete: you scored 25. Because you can accept no loss at all "
                      "(question 5), the level is C1 whatever the total. Your risk level is C1 "
                      "(Conservative): you may buy products rated up to R1. The assessment is "
                      "valid until 26 Nov 2027."),
    ("DCBBCBB", "en", "Assessment complete: you scored 18. Your risk level is C3 (Balanced): you "
                      "may buy products rated up to R3. The assessment is valid until "
                      "26 Nov 2027."),
])
def test_the_result_reads_as_one_text(answers, language, result):
    slots = {f"risk_q{n}": letter for n, letter in enumerate(answers, 1)}
    _, reply, messages = run(ActionSubmitRiskAssessment(FormBank()), tracker(
        "C", intent="nlu_fallback", active_loop=None, slots=slots, language=language))
    assert reply == result
    assert messages[0]["response"] == "utter_risk_result"
