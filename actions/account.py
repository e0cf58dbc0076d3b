"""Read-only account actions: balance, holdings, loans, schedule, credit line, transactions.

Each action: who is asking (only the authenticated channel's metadata; anonymous -> please log
in), ONE lookup in the account service, the answer in the customer's language (`language`
slot). Every text is a response in bot/domain/account.yml; the actions fill in the figures
(actions/wording.py).

When the account service is down or slow the customer gets, within the client's deadline
(3 s by default, under the 5 s promised), an apology and the offer of a person; when it refuses,
its reason. Nothing is said before the lookup has succeeded, so a failure never leaves half an
answer behind.
"""

import logging
import re
from abc import ABC, abstractmethod
from decimal import Decimal
from typing import Any, Dict, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import money
from actions.bank_client import BankClient, BankRefused, BankUnavailable, the_bank
from actions.bank_replies import Holding, Installment, Loan, LoanSchedule, Transactions
from actions.identity import customer_id
from actions.language import reply_language
from actions.periods import Clock, business_today, parse_period, resolve_period
from actions.refusals import SERVICE_FAULTS
from actions.settings import get_settings
from actions.wording import Wording, in_language

logger = logging.getLogger(__name__)

# Refusals with their own response; any other gets utter_bank_refused with the service's reason.
REFUSAL_RESPONSES = {
    "unknown_customer": "utter_account_not_found",
    "no_credit_line": "utter_no_credit_line",
    "risk_assessment_required": "utter_risk_assessment_required",
}
MAX_LISTED_TRANSACTIONS = 10
ZERO = Decimal("0")
# A loan number as customers type it: letters, an optional dash, digits (L1001, l1001, LN-1001).
LOAN_NUMBER = re.compile(r"[A-Z]{1,4}-?\d{1,10}", re.IGNORECASE)
# One inside a sentence ("帮我把L2001还了"), in case the model did not mark it.
LOAN_NUMBER_IN_TEXT = re.compile(r"(?<![A-Za-z0-9])L\d{3,10}(?![0-9])", re.IGNORECASE)


def loan_number(text: str) -> str:
    """A loan number as the bank writes it: no spaces, upper case."""
    return re.sub(r"\s+", "", text).upper()


class AccountAction(Action, ABC):
    """Identity, one lookup, the reply; the bank client and the clock are injectable."""

    def __init__(self, client: Optional[BankClient] = None, today: Optional[Clock] = None) -> None:
        self.client: BankClient = client or the_bank()
        if today is None:
            settings = get_settings()
            today = lambda: business_today(settings)  # noqa: E731
        self.today: Clock = today

    @abstractmethod
    def name(self) -> str: ...

    @abstractmethod
    async def answer(
        self, dispatcher: CollectingDispatcher, customer: str, language: str, tracker: Tracker,
        domain: DomainDict,
    ) -> List[EventType]:
        """Look up and utter the answer for the authenticated `customer`."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        customer = customer_id(tracker)
        if customer is None:
            dispatcher.utter_message(response="utter_login_required")
            return []
        language = reply_language(tracker)
        draft = CollectingDispatcher()  # uttered only once the whole answer is ready
        try:
            events = await self.answer(draft, customer, language, tracker, domain)
        except BankUnavailable as error:
            logger.warning("%s: account service unavailable: %s", self.name(), error)
            dispatcher.utter_message(response="utter_service_unavailable")
            return []
        except BankRefused as error:
            self.refused(dispatcher, error, language)
            return []
        except Exception:  # a bug must not leave the customer without an answer
            logger.exception("%s failed", self.name())
            dispatcher.utter_message(response="utter_service_unavailable")
            return []
        dispatcher.messages.extend(draft.messages)
        return events

    def refused(self, dispatcher: CollectingDispatcher, error: BankRefused, language: str) -> None:
        if error.code in SERVICE_FAULTS:
            logger.error("%s: the account service refused the integration: %s", self.name(), error)
            dispatcher.utter_message(response="utter_service_unavailable")
        elif error.code in REFUSAL_RESPONSES:
            dispatcher.utter_message(response=REFUSAL_RESPONSES[error.code])
        else:
            logger.info("%s: refused: %s", self.name(), error)
            dispatcher.utter_message(response="utter_bank_refused", reason=error.detail)


def _loan_id(tracker: Tracker) -> Optional[str]:
    """The loan number the customer named in this message (entity loan_id), normalised."""
    value = next(tracker.get_latest_entity_values("loan_id"), None)
    if not isinstance(value, str):
        return None
    return loan_number(value) or None


def _name(item: Any, language: str) -> str:
    return in_language(item, "name", language)


def _days(words: Wording, count: int) -> str:
    return words.phrase("utter_day_count_one" if count == 1 else "utter_day_count", count=count)


def _numbers(words: Wording, numbers: List[int]) -> str:
    """第5、6期 / installments 5 and 6."""
    if len(numbers) == 1:
        return words.phrase("utter_installment_number", number=numbers[0])
    return words.phrase("utter_installment_numbers",
                        numbers=words.series([str(n) for n in numbers]))


class ActionCheckBalance(AccountAction):
    def name(self) -> str:
        return "action_check_balance"

    async def answer(self, dispatcher, customer, language, tracker, domain):
        balance = await self.client.balance(customer)
        dispatcher.utter_message(
            response="utter_balance_frozen" if balance.frozen else "utter_balance",
            last_digits=balance.last_digits, balance=money.amount(balance.balance, language))
        return []


def _holding_line(words: Wording, holding: Holding) -> str:
    def cny(value: Decimal, signed: bool = False) -> str:
        return money.amount(value, words.language, signed)

    parts = []
    if holding.cost != holding.market_value:
        parts.append(words.phrase("utter_holding_cost", cost=cny(holding.cost)))
    parts.append(words.phrase("utter_holding_value", value=cny(holding.market_value)))
    if holding.profit > 0:
        parts.append(words.phrase("utter_holding_gain", gain=cny(holding.profit, True)))
    elif holding.profit < 0:
        parts.append(words.phrase("utter_holding_loss", loss=cny(-holding.profit)))
    if holding.yesterday_earnings is not None:
        parts.append(words.phrase("utter_holding_yesterday",
                                  earnings=cny(holding.yesterday_earnings)))
    for lot in holding.lots:
        if lot.status == "awaiting_confirmation":
            parts.append(words.phrase("utter_holding_awaiting_confirmation",
                                      value=cny(lot.market_value),
                                      day=money.day(lot.confirmed_on, words.language)))
        elif lot.status == "closed" and lot.matures_on:
            parts.append(words.phrase("utter_holding_closed", value=cny(lot.market_value),
                                      day=money.day(lot.matures_on, words.language)))
    return words.phrase("utter_holding_line", name=_name(holding, words.language),
                        code=holding.product_code, details=words.join(parts))


class ActionCheckHoldings(AccountAction):
    def name(self) -> str:
        return "action_check_holdings"

    async def answer(self, dispatcher, customer, language, tracker, domain):
        result = await self.client.holdings(customer)
        if not result.holdings and not result.redemptions_in_transit:
            dispatcher.utter_message(response="utter_no_holdings")
            return []
        words = Wording(tracker, domain)
        lines = [_holding_line(words, holding) for holding in result.holdings]
        lines += [words.phrase("utter_redemption_in_transit", name=_name(item, language),
                               code=item.product_code,
                               proceeds=money.amount(item.proceeds, language),
                               day=money.day(item.arrival_date, language))
                  for item in result.redemptions_in_transit]
        if result.holdings:
            dispatcher.utter_message(
                response="utter_holdings", count=len(result.holdings), lines="\n".join(lines),
                total=money.amount(result.total_market_value, language))
        else:
            dispatcher.utter_message(response="utter_holdings_only_in_transit",
                                     lines="\n".join(lines))
        return []


def _loan_summary(words: Wording, loan: Loan) -> str:
    language = words.language

    def cny(value: Decimal) -> str:
        return money.amount(value, language)

    about = {"name": _name(loan, language), "loan_id": loan.loan_id}
    if loan.status == "closed":
        return words.phrase("utter_loan_repaid", **about)
    outstanding = cny(loan.outstanding_principal)
    following, overdue = loan.next_installment, loan.overdue
    if overdue is not None and following is not None:
        late = dict(about, installments=_numbers(words, overdue.installments),
                    amount=cny(overdue.amount), due=money.day(following.due_date, language),
                    days=_days(words, overdue.days_overdue), outstanding=outstanding)
        if overdue.in_grace_period:
            return words.phrase("utter_loan_in_grace_period", **late)
        return words.phrase("utter_loan_overdue", **late, penalty=cny(overdue.penalty_interest))
    text = words.phrase("utter_loan_active", **about, principal=cny(loan.principal),
                        term=loan.term_months, outstanding=outstanding)
    if following is not None:
        text += "\n" + words.phrase(
            "utter_loan_installment_due_today" if following.status == "due"
            else "utter_loan_next_installment",
            number=following.number, amount=cny(following.amount),
            principal=cny(following.principal), interest=cny(following.interest),
            due=money.day(following.due_date, language))
    return text


def _overdue_advice(loans: List[Loan]) -> Optional[str]:
    """The response that explains the consequences, if any loan is overdue."""
    overdue = [loan.overdue for loan in loans if loan.overdue is not None]
    if not overdue:
        return None
    if all(item.in_grace_period for item in overdue):
        return "utter_loan_grace_period"
    return "utter_loan_overdue_advice"


class ActionCheckLoan(AccountAction):
    def name(self) -> str:
        return "action_check_loan"

    async def answer(self, dispatcher, customer, language, tracker, domain):
        loans = await self.client.loans(customer)
        wanted = _loan_id(tracker)
        if wanted is not None:
            loans = [loan for loan in loans if loan.loan_id.upper() == wanted]
            if not loans:
                dispatcher.utter_message(response="utter_unknown_loan", loan_id=wanted)
                return []
        else:
            loans = [loan for loan in loans if loan.status != "closed"]
            if not loans:
                dispatcher.utter_message(response="utter_no_loans")
                return []
        words = Wording(tracker, domain)
        for loan in loans:
            dispatcher.utter_message(text=_loan_summary(words, loan))
        advice = _overdue_advice(loans)
        if advice:
            dispatcher.utter_message(response=advice)
        return []


def _schedule_line(words: Wording, item: Installment) -> str:
    def cny(value: Decimal) -> str:
        return money.amount(value, words.language)

    line = {"number": item.number, "due": money.day(item.due_date, words.language),
            "amount": cny(item.amount), "principal": cny(item.principal),
            "interest": cny(item.interest)}
    if item.status == "overdue":
        return words.phrase("utter_schedule_line_overdue", **line,
                            days=_days(words, item.days_overdue),
                            penalty=cny(item.penalty_interest))
    if item.status == "due":
        return words.phrase("utter_schedule_line_due_today", **line)
    return words.phrase("utter_schedule_line", **line)


def _schedule(words: Wording, schedule: LoanSchedule) -> str:
    loan = schedule.loan
    about = {"name": _name(loan, words.language), "loan_id": loan.loan_id,
             "total": len(schedule.installments)}
    unpaid = [item for item in schedule.installments if item.status != "paid"]
    if not unpaid:
        return words.phrase("utter_schedule_repaid", **about)
    return words.phrase(
        "utter_schedule", **about, paid=len(schedule.installments) - len(unpaid),
        outstanding=money.amount(loan.outstanding_principal, words.language),
        lines="\n".join(_schedule_line(words, item) for item in unpaid))


class ActionCheckRepaymentSchedule(AccountAction):
    def name(self) -> str:
        return "action_check_repayment_schedule"

    async def answer(self, dispatcher, customer, language, tracker, domain):
        wanted = _loan_id(tracker)
        if wanted is not None and not LOAN_NUMBER.fullmatch(wanted):
            dispatcher.utter_message(response="utter_unknown_loan", loan_id=wanted)
            return []
        try:
            schedules = await self.client.loan_schedules(customer, wanted)
        except BankRefused as error:
            if error.code != "unknown_loan":
                raise
            dispatcher.utter_message(response="utter_unknown_loan", loan_id=wanted)
            return []
        if not schedules:
            dispatcher.utter_message(response="utter_no_loans")
            return []
        words = Wording(tracker, domain)
        for schedule in schedules:
            dispatcher.utter_message(text=_schedule(words, schedule))
        advice = _overdue_advice([schedule.loan for schedule in schedules])
        if advice:
            dispatcher.utter_message(response=advice)
        return []


class ActionCheckCreditLimit(AccountAction):
    def name(self) -> str:
        return "action_check_credit_limit"

    async def answer(self, dispatcher, customer, language, tracker, domain):
        line = await self.client.credit_line(customer)
        figures = {"limit": money.amount(line.limit, language),
                   "available": money.amount(line.available, language)}
        if line.frozen:
            dispatcher.utter_message(response="utter_credit_line_frozen_figures", **figures)
            dispatcher.utter_message(response="utter_credit_line_frozen_overdue"
                                     if line.frozen_reason == "overdue"
                                     else "utter_credit_line_frozen")
            return []
        dispatcher.utter_message(response="utter_credit_line", **figures,
                                 used=money.amount(line.outstanding_principal, language))
        return []


class ActionListTransactions(AccountAction):
    def name(self) -> str:
        return "action_list_transactions"

    @staticmethod
    def requested_period(tracker: Tracker) -> Optional[str]:
        """The period named in this message (entity), else the `period` slot."""
        for value in tracker.get_latest_entity_values("period"):
            if isinstance(value, str) and value.strip():
                return value
        value = tracker.get_slot("period")
        return value if isinstance(value, str) and value.strip() else None

    async def answer(self, dispatcher, customer, language, tracker, domain):
        today = self.today()
        asked = self.requested_period(tracker)
        period = resolve_period(asked, today)
        if asked and parse_period(asked, today) is None:
            logger.info("period %r not understood; showing the last 30 days", asked)
        result = await self.client.transactions(customer, period.start, period.end)
        dispatcher.utter_message(text=self.statement(Wording(tracker, domain), result))
        # The period applies to this request only, not to the next one.
        if "period" in (domain or {}).get("slots", {}) and tracker.get_slot("period") is not None:
            return [SlotSet("period", None)]
        return []

    @staticmethod
    def statement(words: Wording, result: Transactions) -> str:
        language, rows = words.language, result.transactions
        one_day = result.start == result.end
        span = ({"day": money.day(result.start, language)} if one_day else
                {"start": money.day(result.start, language),
                 "end": money.day(result.end, language)})
        if not rows:
            return words.phrase("utter_no_transactions_on" if one_day
                                else "utter_no_transactions_from", **span)
        one_year = result.start.year == result.end.year
        lines = [words.phrase("utter_transaction_line",
                              day=(money.short_day if one_year else money.day)(row.booked_on,
                                                                              language),
                              description=in_language(row, "description", language),
                              amount=money.amount(row.amount, language, True))
                 for row in rows[:MAX_LISTED_TRANSACTIONS]]
        more = len(rows) - MAX_LISTED_TRANSACTIONS
        if more > 0:
            lines.append(words.phrase("utter_transactions_more", more=more))
        return words.phrase(
            "utter_transactions_on" if one_day else "utter_transactions_from", **span,
            count=len(rows), lines="\n".join(lines),
            money_in=money.amount(sum((r.amount for r in rows if r.amount > 0), ZERO), language),
            money_out=money.amount(sum((r.amount for r in rows if r.amount < 0), ZERO),
                                   language))
