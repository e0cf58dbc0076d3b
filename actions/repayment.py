"""Repaying a loan: which loan, how much (or 全部 / all: the payoff amount with interest to
today), a summary from the account service's quote, an explicit yes, then the repayment."""

import re
from decimal import Decimal
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions import money
from actions.account import AccountAction
from actions.bank_client import BankRefused, Loan, Repayment
from actions.forms import (
    STOPPED,
    MoneyForm,
    MoneySubmit,
    ask_again,
    text_of,
)
from actions.identity import customer_id
from actions.language import reply_language
from actions.refusals import refusal_text

LOAN_ID = re.compile(r"[A-Za-z]{1,4}-?\d{1,10}")
# A loan number inside a sentence ("帮我把L2001还了"), in case the model did not mark it.
LOAN_ID_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])L\d{3,10}(?![0-9])", re.IGNORECASE)
# Refusals of the amount: say why and ask for the amount again.
AMOUNT_REFUSALS = frozenset({"invalid_amount", "above_outstanding", "below_amount_due",
                             "above_balance"})


def loan_name(loan: Loan, language: str) -> str:
    return f"{loan.name_zh if language == 'zh' else loan.name_en} {loan.loan_id}"


def open_loans(loans: List[Loan]) -> List[Loan]:
    return [loan for loan in loans if loan.status != "closed"]


class ValidateRepayForm(MoneyForm):
    form_intent = "repay_loan"
    target_slot, amount_slot = "repay_loan_id", "repay_amount"
    amount_refusals = AMOUNT_REFUSALS

    def name(self) -> str:
        return "validate_repay_form"

    async def before_start(self, dispatcher, tracker, customer, language):
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
            typed = text_of(tracker).replace(" ", "")
            value = typed if LOAN_ID.fullmatch(typed) else None
        if value is None and self.reads_entities(tracker):
            found = LOAN_ID_IN_TEXT.search(text_of(tracker))
            value = found.group(0) if found else None
        return {"repay_loan_id": value.replace(" ", "").upper()} if value else {}

    async def validate_repay_loan_id(self, value, dispatcher, tracker, domain):
        loans = await self.client.loans(customer_id(tracker))
        loan = next((loan for loan in loans if loan.loan_id.upper() == value), None)
        if loan is None:
            dispatcher.utter_message(response="utter_unknown_loan", loan_id=value)
            return ask_again("repay_loan_id")
        if loan.status == "closed":
            dispatcher.utter_message(text=refusal_text(BankRefused("loan_closed", ""),
                                                       reply_language(tracker)))
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

    def summary(self, quote, language):
        return repay_summary(quote, language)


def _split(repayment: Repayment, language: str) -> str:
    def cny(value: Decimal) -> str:
        return money.amount(value, language)

    zh = language == "zh"
    parts = [f"本金 {cny(repayment.principal)}" if zh else f"principal {cny(repayment.principal)}",
             f"利息 {cny(repayment.interest)}" if zh else f"interest {cny(repayment.interest)}"]
    if repayment.penalty_interest:
        parts.append(f"罚息 {cny(repayment.penalty_interest)}" if zh else
                     f"penalty interest {cny(repayment.penalty_interest)}")
    return "，".join(parts) if zh else ", ".join(parts)


def _after(repayment: Repayment, language: str) -> str:
    loan, zh = repayment.loan, language == "zh"
    if loan.status == "closed":
        return "这笔贷款将全部结清。" if zh else "The loan will be repaid in full."
    left = money.amount(loan.outstanding_principal, language)
    return f"还款后剩余本金 {left}。" if zh else f"Outstanding principal afterwards: {left}."


def repay_summary(quote: Repayment, language: str) -> str:
    """What the customer confirms: amount, loan, split, what is left, the card's balance after."""
    name, amount = loan_name(quote.loan, language), money.amount(quote.amount, language)
    balance = money.amount(quote.balance, language)
    if language == "zh":
        settled = (f"结清第{'、'.join(map(str, quote.installments_settled))}期，"
                   if quote.installments_settled else "")
        return (f"请确认还款：从您的借记卡还 {amount} 到{name}"
                f"（{settled}{_split(quote, language)}）。"
                f"{_after(quote, language)}扣款后卡内余额 {balance}。\n确认还款吗？")
    settled = ""
    if quote.installments_settled:
        numbers = ", ".join(map(str, quote.installments_settled))
        settled = f"settles installment{'s' if len(quote.installments_settled) > 1 else ''} " \
                  f"{numbers}; "
    return (f"Please confirm: repay {amount} from your debit card to your {name} ({settled}"
            f"{_split(quote, language)}). {_after(quote, language)} Your card's balance "
            f"afterwards: {balance}.\nShall I go ahead?")


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

    def receipt(self, done, language):
        return repay_receipt(done, language)


def repay_receipt(done: Repayment, language: str) -> str:
    name, amount = loan_name(done.loan, language), money.amount(done.amount, language)
    balance = money.amount(done.balance, language)
    if language == "zh":
        text = (f"还款成功：已从您的借记卡还款 {amount} 到{name}（{_split(done, language)}）。"
                + ("这笔贷款已全部结清。" if done.loan.status == "closed" else
                   f"剩余本金 {money.amount(done.loan.outstanding_principal, language)}。")
                + f"卡内余额 {balance}。")
    else:
        text = (f"Done: {amount} repaid from your debit card to your {name} "
                f"({_split(done, language)}). "
                + ("The loan is now repaid in full. " if done.loan.status == "closed" else
                   f"Outstanding principal: "
                   f"{money.amount(done.loan.outstanding_principal, language)}. ")
                + f"Card balance: {balance}.")
    return text
