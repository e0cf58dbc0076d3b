"""Read-only account actions: balance, holdings, loans, schedule, credit line, transactions.

Each action: who is asking (only the authenticated channel's metadata; anonymous -> please log
in), ONE lookup in the account service, the answer in the customer's language (`language`
slot). Texts with figures are written here; fixed texts are responses in the domain, so they
follow the language slot like every other response.

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
from actions.bank_client import (
    BankClient,
    BankRefused,
    BankUnavailable,
    Installment,
    Loan,
    LoanSchedule,
    Transactions,
    the_bank,
)
from actions.identity import customer_id
from actions.language import reply_language
from actions.periods import Clock, business_today, parse_period, resolve_period
from actions.refusals import SERVICE_FAULTS
from actions.settings import get_settings

logger = logging.getLogger(__name__)

# Refusals with their own response; any other gets utter_bank_refused with the service's reason.
REFUSAL_RESPONSES = {
    "unknown_customer": "utter_account_not_found",
    "no_credit_line": "utter_no_credit_line",
    "risk_assessment_required": "utter_risk_assessment_required",
}
MAX_LISTED_TRANSACTIONS = 10
_LOAN_ID = re.compile(r"[A-Z]{1,4}-?\d{1,10}")


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
    return re.sub(r"\s+", "", value).upper() or None


def _name(item: Any, language: str) -> str:
    return item.name_zh if language == "zh" else item.name_en


def _days(count: int, language: str) -> str:
    if language == "zh":
        return f"{count}天"
    return f"{count} day" if count == 1 else f"{count} days"


def _numbers(numbers: List[int], language: str) -> str:
    """第5、6期 / installments 5 and 6."""
    if language == "zh":
        return "第" + "、".join(str(n) for n in numbers) + "期"
    if len(numbers) == 1:
        return f"installment {numbers[0]}"
    listed = ", ".join(str(n) for n in numbers[:-1])
    return f"installments {listed} and {numbers[-1]}"


class ActionCheckBalance(AccountAction):
    def name(self) -> str:
        return "action_check_balance"

    async def answer(self, dispatcher, customer, language, tracker, domain):
        balance = await self.client.balance(customer)
        figure = money.amount(balance.balance, language)
        if language == "zh":
            text = f"您尾号{balance.last_digits}的借记卡余额为 {figure}。"
            if balance.frozen:
                text += "这张卡目前已冻结。"
        else:
            text = f"The balance of your debit card ending {balance.last_digits} is {figure}."
            if balance.frozen:
                text += " This card is currently frozen."
        dispatcher.utter_message(text=text)
        return []


class ActionCheckHoldings(AccountAction):
    def name(self) -> str:
        return "action_check_holdings"

    async def answer(self, dispatcher, customer, language, tracker, domain):
        result = await self.client.holdings(customer)
        if not result.holdings and not result.redemptions_in_transit:
            dispatcher.utter_message(response="utter_no_holdings")
            return []
        zh = language == "zh"

        def cny(value: Decimal, signed: bool = False) -> str:
            return money.amount(value, language, signed)

        count = len(result.holdings)
        if not count:
            lines = ["您目前没有持有中的理财，以下赎回款正在到账途中：" if zh else
                     "You hold no wealth products right now; this money is on its way back:"]
        elif zh:
            lines = [f"您持有 {count} 款理财产品，总市值 {cny(result.total_market_value)}："]
        else:
            products = "product" if count == 1 else "products"
            lines = [f"You hold {count} wealth {products} worth "
                     f"{cny(result.total_market_value)} in total:"]
        for holding in result.holdings:
            parts = []
            if holding.cost != holding.market_value:
                parts += [f"成本 {cny(holding.cost)}" if zh else f"cost {cny(holding.cost)}"]
            parts += [f"市值 {cny(holding.market_value)}" if zh else
                      f"value {cny(holding.market_value)}"]
            if holding.profit and zh:
                parts += [f"持有收益 {cny(holding.profit, True)}"]
            elif holding.profit:
                parts += [f"gain {cny(holding.profit, True)}" if holding.profit > 0 else
                          f"loss {cny(-holding.profit)}"]
            if holding.yesterday_earnings is not None:
                parts += [f"昨日收益 {cny(holding.yesterday_earnings)}" if zh else
                          f"yesterday's earnings {cny(holding.yesterday_earnings)}"]
            for lot in holding.lots:
                if lot.status == "awaiting_confirmation":
                    when = money.day(lot.confirmed_on, language)
                    parts += [f"其中 {cny(lot.market_value)} 待{when}确认" if zh else
                              f"{cny(lot.market_value)} of it confirmed on {when}"]
                elif lot.status == "closed" and lot.matures_on:
                    when = money.day(lot.matures_on, language)
                    parts += [f"其中 {cny(lot.market_value)} 在封闭期，{when}到期" if zh else
                              f"{cny(lot.market_value)} of it closed until {when}"]
            name = _name(holding, language)
            if zh:
                lines.append(f"· {name}（{holding.product_code}）：" + "，".join(parts))
            else:
                lines.append(f"• {name} ({holding.product_code}): " + ", ".join(parts))
        for money_back in result.redemptions_in_transit:
            name, when = _name(money_back, language), money.day(money_back.arrival_date, language)
            if zh:
                lines.append(f"· 赎回在途：{name}（{money_back.product_code}）"
                             f"{cny(money_back.proceeds)}，预计{when}到账")
            else:
                lines.append(f"• Redemption on its way: {name} ({money_back.product_code}) "
                             f"{cny(money_back.proceeds)}, arriving {when}")
        dispatcher.utter_message(text="\n".join(lines))
        return []


def _loan_summary(loan: Loan, language: str) -> str:
    zh = language == "zh"
    name = _name(loan, language)

    def cny(value: Decimal) -> str:
        return money.amount(value, language)

    if loan.status == "closed":
        return (f"您的{name} {loan.loan_id} 已全部还清。" if zh else
                f"Your {name} {loan.loan_id} is fully repaid.")
    outstanding = cny(loan.outstanding_principal)
    following = loan.next_installment
    overdue = loan.overdue
    if overdue is not None and following is not None:
        numbers, due = _numbers(overdue.installments, language), money.day(following.due_date,
                                                                            language)
        days = _days(overdue.days_overdue, language)
        if overdue.in_grace_period:
            if zh:
                return (f"您的{name} {loan.loan_id}：{numbers}共 {cny(overdue.amount)} 已过还款日"
                        f"（{due}）{days}，还在3天宽限期内。剩余本金 {outstanding}。")
            was = "was" if len(overdue.installments) == 1 else "were"
            return (f"Your {name} {loan.loan_id}: {numbers} of {cny(overdue.amount)} {was} due "
                    f"on {due}, {days} ago; you are still within the 3-day grace period. "
                    f"Outstanding principal: {outstanding}.")
        if zh:
            return (f"您的{name} {loan.loan_id} 已逾期{days}：{numbers}共 {cny(overdue.amount)} "
                    f"未还（应还日 {due}），罚息 {cny(overdue.penalty_interest)}。"
                    f"剩余本金 {outstanding}。")
        unpaid = "is unpaid" if len(overdue.installments) == 1 else "are unpaid"
        return (f"Your {name} {loan.loan_id} is {days} overdue: {numbers} of "
                f"{cny(overdue.amount)} (due {due}) {unpaid}, and penalty interest is "
                f"{cny(overdue.penalty_interest)}. Outstanding principal: {outstanding}.")
    if zh:
        text = (f"您的{name} {loan.loan_id}：借款 {cny(loan.principal)}，分{loan.term_months}期，"
                f"剩余本金 {outstanding}。")
    else:
        text = (f"Your {name} {loan.loan_id}: {cny(loan.principal)} over {loan.term_months} "
                f"months, outstanding principal {outstanding}.")
    if following is not None:
        due = money.day(following.due_date, language)
        if zh:
            when = f"今天（{due}）" if following.status == "due" else due
            text += (f"\n下一期：第{following.number}期 {cny(following.amount)}"
                     f"（本金 {cny(following.principal)} + 利息 {cny(following.interest)}），"
                     f"{when}从您的借记卡自动扣款。")
        else:
            when = f"today ({due})" if following.status == "due" else f"on {due}"
            text += (f"\nNext: installment {following.number} of {cny(following.amount)} "
                     f"(principal {cny(following.principal)} + interest "
                     f"{cny(following.interest)}), debited automatically from your debit card "
                     f"{when}.")
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
        for loan in loans:
            dispatcher.utter_message(text=_loan_summary(loan, language))
        advice = _overdue_advice(loans)
        if advice:
            dispatcher.utter_message(response=advice)
        return []


def _schedule_line(item: Installment, language: str) -> str:
    def cny(value: Decimal) -> str:
        return money.amount(value, language)

    due = money.day(item.due_date, language)
    if language == "zh":
        line = (f"第{item.number}期 {due} {cny(item.amount)}（本金 {cny(item.principal)}，"
                f"利息 {cny(item.interest)}）")
        if item.status == "overdue":
            line += f"，已逾期{item.days_overdue}天，罚息 {cny(item.penalty_interest)}"
        elif item.status == "due":
            line += "，今天到期"
        return line
    line = (f"{item.number}. {due}: {cny(item.amount)} (principal {cny(item.principal)}, "
            f"interest {cny(item.interest)})")
    if item.status == "overdue":
        line += (f", {_days(item.days_overdue, language)} overdue, penalty interest "
                 f"{cny(item.penalty_interest)}")
    elif item.status == "due":
        line += ", due today"
    return line


def _schedule(schedule: LoanSchedule, language: str) -> str:
    loan, name = schedule.loan, _name(schedule.loan, language)
    unpaid = [item for item in schedule.installments if item.status != "paid"]
    paid, total = len(schedule.installments) - len(unpaid), len(schedule.installments)
    outstanding = money.amount(loan.outstanding_principal, language)
    if not unpaid:
        return (f"您的{name} {loan.loan_id} 共{total}期已全部还清。" if language == "zh" else
                f"Your {name} {loan.loan_id} is fully repaid: all {total} installments are paid.")
    if language == "zh":
        header = (f"{name} {loan.loan_id} 还款计划（共{total}期，已还{paid}期，"
                  f"剩余本金 {outstanding}）：")
    else:
        header = (f"{name} {loan.loan_id} repayment schedule ({paid} of {total} installments "
                  f"paid, outstanding principal {outstanding}):")
    return "\n".join([header, *(_schedule_line(item, language) for item in unpaid)])


class ActionCheckRepaymentSchedule(AccountAction):
    def name(self) -> str:
        return "action_check_repayment_schedule"

    async def answer(self, dispatcher, customer, language, tracker, domain):
        wanted = _loan_id(tracker)
        if wanted is not None and not _LOAN_ID.fullmatch(wanted):
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
        for schedule in schedules:
            dispatcher.utter_message(text=_schedule(schedule, language))
        advice = _overdue_advice([schedule.loan for schedule in schedules])
        if advice:
            dispatcher.utter_message(response=advice)
        return []


class ActionCheckCreditLimit(AccountAction):
    def name(self) -> str:
        return "action_check_credit_limit"

    async def answer(self, dispatcher, customer, language, tracker, domain):
        line = await self.client.credit_line(customer)
        limit, available = money.amount(line.limit, language), money.amount(line.available,
                                                                            language)
        used = money.amount(line.outstanding_principal, language)
        if line.frozen:
            text = (f"您的贷款授信额度为 {limit}，当前可借 {available}：额度已冻结。"
                    if language == "zh" else
                    f"Your credit line is {limit}, with {available} available: "
                    "the line is frozen.")
            dispatcher.utter_message(text=text)
            dispatcher.utter_message(response="utter_credit_line_frozen_overdue"
                                     if line.frozen_reason == "overdue"
                                     else "utter_credit_line_frozen")
            return []
        text = (f"您的贷款授信额度为 {limit}，已用 {used}，当前可借 {available}。"
                if language == "zh" else
                f"Your credit line is {limit}: {used} in use, {available} available to borrow.")
        dispatcher.utter_message(text=text)
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
        dispatcher.utter_message(text=self.statement(result, language))
        # The period applies to this request only, not to the next one.
        if "period" in (domain or {}).get("slots", {}) and tracker.get_slot("period") is not None:
            return [SlotSet("period", None)]
        return []

    @staticmethod
    def statement(result: Transactions, language: str) -> str:
        zh = language == "zh"
        span = money.period(result.start, result.end, language)
        rows = result.transactions
        if not rows:
            if zh:
                return f"{span}没有交易记录。"
            return f"No transactions {'on' if result.start == result.end else 'from'} {span}."
        money_in = sum((row.amount for row in rows if row.amount > 0), Decimal("0"))
        money_out = sum((row.amount for row in rows if row.amount < 0), Decimal("0"))
        one_year = result.start.year == result.end.year
        if zh:
            lines = [f"{span}共{len(rows)}笔交易，收入 {money.amount(money_in, language)}，"
                     f"支出 {money.amount(money_out, language)}："]
        else:
            counted = "1 transaction" if len(rows) == 1 else f"{len(rows)} transactions"
            preposition = "on" if result.start == result.end else "from"
            lines = [f"{counted} {preposition} {span}: money in "
                     f"{money.amount(money_in, language)}, money out "
                     f"{money.amount(money_out, language)}."]
        for row in rows[:MAX_LISTED_TRANSACTIONS]:
            when = (money.short_day if one_year else money.day)(row.booked_on, language)
            description = row.description_zh if zh else row.description_en
            lines.append(f"{when} {description} {money.amount(row.amount, language, True)}")
        more = len(rows) - MAX_LISTED_TRANSACTIONS
        if more > 0:
            lines.append(f"……还有{more}笔较早的交易，完整明细请在App中查看。" if zh else
                         f"…and {more} earlier transactions; the app shows the full list.")
        return "\n".join(lines)
