"""Repaying a loan early (actions/repayment.py): the only loan and a bare amount, "all" as the
payoff amount, amounts and loans that are not accepted, and the summary's breakdown."""

from decimal import Decimal

import pytest

from actions.repayment import ValidateRepayForm
from tests.rasa.actions.fakes import FormBank, money_moves, run, tracker


def test_a_repayment_starts_with_the_only_loan_and_a_bare_amount_and_shows_a_summary():
    bank = FormBank()
    slots, reply, _ = run(ValidateRepayForm(bank), tracker("我要提前还5000",
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
    slots, reply, _ = run(ValidateRepayForm(bank), tracker(
        typed, intent="nlu_fallback", requested="repay_amount", language=language,
        slots={"repay_loan_id": "L1001"}))
    assert slots["repay_amount"] is None
    assert explained in reply
    assert not money_moves(bank)


def test_a_loan_id_that_is_not_the_customers_is_not_found():
    bank = FormBank()
    slots, reply, messages = run(ValidateRepayForm(bank), tracker(
        "L2001", intent="nlu_fallback", requested="repay_loan_id"))
    assert slots["repay_loan_id"] is None
    assert messages[0]["response"] == "utter_unknown_loan"
    assert all(call[1] == "C001" for call in bank.calls if len(call) > 1)


class Settling(FormBank):
    """A repayment that settles `settled` installments with penalty interest."""

    def __init__(self, settled):
        super().__init__()
        self.settled = settled

    async def repay(self, customer, loan_id, amount, key):
        repayment = await super().repay(customer, loan_id, amount, key)
        return repayment.copy(update={"installments_settled": self.settled,
                                      "penalty_interest": Decimal("10.38")})


@pytest.mark.parametrize("settled, language, breakdown", [
    ([], "zh", "（本金 ¥4,969.33，利息 ¥30.67，罚息 ¥10.38）"),
    ([6], "zh", "（结清第6期，本金 ¥4,969.33，利息 ¥30.67，罚息 ¥10.38）"),
    ([6, 7], "zh", "（结清第6、7期，本金 ¥4,969.33，利息 ¥30.67，罚息 ¥10.38）"),
    ([6], "en", "(settles installment 6; principal CNY 4,969.33, interest CNY 30.67, "
                "penalty interest CNY 10.38)"),
    ([6, 7], "en", "(settles installments 6, 7; principal CNY 4,969.33, interest CNY 30.67, "
                   "penalty interest CNY 10.38)"),
])
def test_a_repayment_summary_names_the_installments_it_settles(settled, language, breakdown):
    slots, _, _ = run(ValidateRepayForm(Settling(settled)), tracker(
        "5000", intent="nlu_fallback", requested="repay_amount", language=language,
        slots={"repay_loan_id": "L1001"}))
    loan = "随心借 L1001" if language == "zh" else "Flexi Loan L1001"
    assert f"{loan}{' ' if language == 'en' else ''}{breakdown}" in slots["confirmation_summary"]
