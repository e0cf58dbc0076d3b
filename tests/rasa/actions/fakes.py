"""What the tests of actions/* share: a fake account service and the trackers the actions get.

FakeBankClient answers with the sandbox service's own JSON for the demo bank on 2026-11-26;
FormBank adds what the forms call (quotes, money moves, the risk profile, a hand-off). The
account actions' tests build trackers with make_tracker and run them with act / run_action; the
forms' tests with tracker and run. What the customer reads is rendered from the real domain as
Rasa renders it (tests/rasa/rendering.py).
The demo bank's own answers are in demo_bank.py.
"""

import asyncio
import socket
from datetime import date, datetime
from decimal import Decimal

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.bank_client import BankRefused
from actions.bank_replies import (
    Balance,
    CreditLine,
    Freeze,
    Handoff,
    Holdings,
    Installment,
    Loan,
    LoanSchedule,
    Order,
    Payoff,
    Profile,
    Repayment,
    RiskProfile,
    SuitableProducts,
    Transactions,
)
from tests.rasa.actions.demo_bank import (
    DEMO_BANK,
    L1001,
    LEVELS,
    PRODUCTS,
    RISK_NOTICE,
    SHANGHAI,
    profile,
)
from tests.rasa.rendering import DOMAIN, initial_slots, rendered, said

TODAY = date(2026, 11, 26)  # the spec's "today", a Thursday


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# The sandbox service's answers for the demo bank on 2026-11-26 (GET /customers/{id}/...).


class FakeBankClient:
    """BankClient over DEMO_BANK; records every call; `failure` is raised by every call."""

    def __init__(self, failure: Exception | None = None) -> None:
        self.calls: list[tuple] = []
        self.failure = failure

    def _customer(self, method: str, customer: str, *args) -> dict:
        self.calls.append((method, customer, *args))
        if self.failure is not None:
            raise self.failure
        if customer not in DEMO_BANK:
            raise BankRefused("unknown_customer", f"There is no customer {customer}.", 404)
        return DEMO_BANK[customer]

    async def profile(self, customer_id):
        return Profile.parse_obj(self._customer("profile", customer_id)["profile"])

    async def balance(self, customer_id):
        return Balance.parse_obj(self._customer("balance", customer_id)["balance"])

    async def holdings(self, customer_id):
        return Holdings.parse_obj(self._customer("holdings", customer_id)["holdings"])

    async def loans(self, customer_id):
        return [Loan.parse_obj(loan) for loan in self._customer("loans", customer_id)["loans"]]

    async def loan_schedules(self, customer_id, loan_id=None):
        data = self._customer("loan_schedules", customer_id, loan_id)
        loans = [loan for loan in data["loans"]
                 if (loan_id is None and loan["status"] != "closed") or loan["loan_id"] == loan_id]
        if loan_id is not None and not loans:
            raise BankRefused("unknown_loan", f"This customer has no loan {loan_id}.", 404)
        return [LoanSchedule(loan=Loan.parse_obj(loan), installments=[
                    Installment.parse_obj(item) for item in data["schedules"][loan["loan_id"]]])
                for loan in loans]

    async def credit_line(self, customer_id):
        return CreditLine.parse_obj(self._customer("credit_line", customer_id)["credit_line"])

    async def transactions(self, customer_id, start, end):
        rows = self._customer("transactions", customer_id, start, end)["transactions"]
        within = [row for row in rows
                  if start <= date.fromisoformat(row["booked_on"]) <= end]
        return Transactions.parse_obj({"start": start.isoformat(), "end": end.isoformat(),
                                       "transactions": within})


class EditedBank(FakeBankClient):
    """The demo bank with some answers replaced: {(customer, key): data}."""

    def __init__(self, edits):
        super().__init__()
        self.edits = edits

    def _customer(self, method, customer, *args):
        data = super()._customer(method, customer, *args)
        return {**data, **{key: value for (who, key), value in self.edits.items()
                           if who == customer}}


# The account actions: a tracker, the action run, what the customer reads.


def make_tracker(text="", customer="C001", language="zh", entities=(), slots=None,
                 metadata=None, events=()):
    """A tracker whose latest message came through the authenticated channel as `customer`
    (None: anonymous)."""
    if metadata is None:
        metadata = {"customer_id": customer} if customer else {}
    latest = {"text": text, "intent": {"name": "check_balance", "confidence": 1.0},
              "entities": list(entities), "metadata": metadata}
    return Tracker("conversation-1", {**initial_slots(), "language": language, **(slots or {})},
                   latest, list(events), False, None, {}, "action_listen")


def entity(name, value):
    return {"entity": name, "value": value, "start": 0, "end": len(value)}


def run_action(action, tracker, domain=DOMAIN):
    """The action's messages as the customer reads them (rendered from the real domain)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain))
    language = tracker.get_slot("language")
    return [rendered(message, language) for message in dispatcher.messages], events


def texts(messages):
    return [message["text"] for message in messages]


def responses(messages):
    return [message["response"] for message in messages]


def act(action_class, text="", customer="C001", language="zh", client=None, **tracker_args):
    client = client or FakeBankClient()
    action = action_class(client=client, today=lambda: TODAY)
    messages, events = run_action(action, make_tracker(text, customer, language, **tracker_args))
    return messages, events, client


# The forms: what they call besides, their trackers, what they say and what they move.


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
    values = {**initial_slots(), "language": language, "requested_slot": requested,
              **(slots or {})}
    if events is None:
        events = [{"event": "user", "text": text, "timestamp": 1700000000.5,
                   "parse_data": latest}]
    return Tracker("conversation-1", values, latest, events, False, None,
                   {"name": active_loop} if active_loop else {}, "action_listen")


def run(action, a_tracker):
    """The slots the action sets, what the customer reads (Rasa's rendering), its messages."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, a_tracker, DOMAIN))
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    text = "\n".join(said(dispatcher.messages, a_tracker.slots["language"], a_tracker.slots))
    return slots, text, dispatcher.messages


def money_moves(bank):
    return [call for call in bank.calls
            if call[0] in ("repay", "order", "freeze_card") and call[-1] is not None]
