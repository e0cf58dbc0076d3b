"""Repaying a loan: which loan, how much (or 全部 / all: the payoff amount with interest to
today), a summary from the account service's quote, an explicit yes, then the repayment.
What it says is in bot/domain/forms.yml (utter_repay_summary, utter_repay_done and their parts)."""

from decimal import Decimal
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions import money
from actions.account import LOAN_NUMBER, LOAN_NUMBER_IN_TEXT, AccountAction, loan_number
from actions.bank_replies import Loan, Repayment
from actions.forms import (
    STOPPED,
    MoneyForm,
    MoneySubmit,
    ask_again,
    text_of,
)
from actions.identity import customer_id
from actions.wording import Wording, in_language

# Refusals of the amount: say why and ask for the amount again.
AMOUNT_REFUSALS = frozenset({"invalid_amount", "above_outstanding", "below_amount_due",
                             "above_balance"})


def loan_name(loan: Loan, language: str) -> str:
    return f"{in_language(loan, 'name', language)} {loan.loan_id}"


def open_loans(loans: List[Loan]) -> List[Loan]:
    return [loan for loan in loans if loan.status != "closed"]


class ValidateRepayForm(MoneyForm):
    form_intent = "repay_loan"
    target_slot, amount_slot = "repay_loan_id", "repay_amount"
    amount_refusals = AMOUNT_REFUSALS

    def name(self) -> str:
        return "validate_repay_form"

    async def before_start(self, dispatcher, tracker, customer, words):
        loans = open_loans(await self.client.loans(customer))
        if not loans:
            dispatcher.utter_message(response="utter_no_loans")
            return {STOPPED: True}
        if len(loans) == 1 and self.extract_repay_loan_id(dispatcher, tracker, {}) == {}:
            return {"repay_loan_id": loans[0].loan_id}
        return {}

    def extract_repay_loan_id(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        value = self.entity(tracker, "loan_id")
        if value is None and tracker.get_slot(REQUESTED_SLOT) == "repay_loan_id":
            typed = loan_number(text_of(tracker))
            value = typed if LOAN_NUMBER.fullmatch(typed) else None
        if value is None and self.reads_entities(tracker):
            found = LOAN_NUMBER_IN_TEXT.search(text_of(tracker))
            value = found.group(0) if found else None
        return {"repay_loan_id": loan_number(value)} if value else {}

    async def validate_repay_loan_id(self, value, dispatcher, tracker, domain):
        loans = await self.client.loans(customer_id(tracker))
        loan = next((loan for loan in loans if loan.loan_id.upper() == value), None)
        if loan is None:
            dispatcher.utter_message(response="utter_unknown_loan", loan_id=value)
            return ask_again("repay_loan_id")
        if loan.status == "closed":
            dispatcher.utter_message(response="utter_refused_loan_closed")
            return ask_again("repay_loan_id")
        return {"repay_loan_id": loan.loan_id}

    def extract_repay_amount(self, dispatcher, tracker, domain):
        return self.read_amount(tracker, "repay_amount")

    def validate_repay_amount(self, value, dispatcher, tracker, domain):
        return self.check_amount(value, dispatcher, tracker, "repay_amount")

    async def whole_amount(self, customer, target):
        return (await self.client.payoff(customer, target)).total  # with interest to today

    async def quote(self, customer, target, amount):
        return await self.client.repay(customer, target, amount, key=None)

    def summary(self, quote, words):
        return repay_summary(quote, words)


def _split(repayment: Repayment, words: Wording) -> str:
    """本金 ¥4,969.33，利息 ¥30.67 (，罚息 ¥10.38)."""
    def cny(value: Decimal) -> str:
        return money.amount(value, words.language)

    if repayment.penalty_interest:
        return words.phrase("utter_repay_split_with_penalty", principal=cny(repayment.principal),
                            interest=cny(repayment.interest),
                            penalty=cny(repayment.penalty_interest))
    return words.phrase("utter_repay_split", principal=cny(repayment.principal),
                        interest=cny(repayment.interest))


def _breakdown(repayment: Repayment, words: Wording) -> str:
    """The split, after the installments the repayment settles, if any."""
    split, settled = _split(repayment, words), repayment.installments_settled
    if not settled:
        return split
    if len(settled) == 1:
        return words.phrase("utter_repay_settles_installment", number=str(settled[0]),
                            split=split)
    return words.phrase("utter_repay_settles_installments", split=split,
                        numbers=words.listed([str(number) for number in settled]))


def repay_summary(quote: Repayment, words: Wording) -> str:
    """What the customer confirms: amount, loan, split, what is left, the card's balance after."""
    language = words.language
    after = (words.phrase("utter_repay_pays_off") if quote.loan.status == "closed" else
             words.phrase("utter_repay_outstanding_after",
                          outstanding=money.amount(quote.loan.outstanding_principal, language)))
    return words.phrase("utter_repay_summary", amount=money.amount(quote.amount, language),
                        loan=loan_name(quote.loan, language), breakdown=_breakdown(quote, words),
                        after=after, balance=money.amount(quote.balance, language))


class ActionAskRepayLoanId(AccountAction):
    """Which loan: the customer's open loans as buttons."""

    def name(self) -> str:
        return "action_ask_repay_loan_id"

    async def answer(self, dispatcher, customer, language, tracker, domain):
        loans = open_loans(await self.client.loans(customer))
        buttons = [{"title": loan_name(loan, language), "payload": loan.loan_id}
                   for loan in loans]
        dispatcher.utter_message(response="utter_ask_repay_loan_id", buttons=buttons)
        return []


class ActionRepayLoan(MoneySubmit):
    form, confirmed_slot = "repay_form", "repay_confirmed"
    target_slot, amount_slot = "repay_loan_id", "repay_amount"

    def name(self) -> str:
        return "action_repay_loan"

    async def move(self, customer, target, amount, key):
        return await self.client.repay(customer, target, amount, key=key)

    def receipt(self, done, words):
        return repay_receipt(done, words)


def repay_receipt(done: Repayment, words: Wording) -> Dict[str, Any]:
    """What was repaid: utter_repay_done and its values."""
    language = words.language
    after = (words.phrase("utter_repay_paid_off") if done.loan.status == "closed" else
             words.phrase("utter_repay_outstanding",
                          outstanding=money.amount(done.loan.outstanding_principal, language)))
    return {"response": "utter_repay_done", "amount": money.amount(done.amount, language),
            "loan": loan_name(done.loan, language), "split": _split(done, words),
            "after": after, "balance": money.amount(done.balance, language)}
