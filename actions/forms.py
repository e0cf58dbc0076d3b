"""What every account form shares: who is asking, reading answers, stopping, confirming.

A form (repay, buy, redeem, risk questionnaire, card freeze) asks for its slots one by one; its
`validate_<form>` action (a FormValidationAction) reads each answer and checks it with the
account service. The last slot of every money-moving form is `<form>_confirmed`: the customer
sees a summary and must answer yes before the submit action moves anything.

Answers are read here, not by slot mappings (the slots have custom mappings), because an answer
is often a bare "5000", "五千", "A" or "确认" that the NLU model cannot be trusted to label. A
message whose intent is an FAQ, cancel, a request for a person and so on is not read as an answer:
the form rejects it, the rules answer it, and the form asks its question again.

When the account service is down or refuses, or the customer is not logged in, the form stops
(`form_stopped`) and its submit action only tidies up; nothing has moved.

What the forms say is in the domain's responses (bot/domain/forms.yml); the hooks below get a
`Wording` (actions/wording.py) to compose summaries from them, and receipts name a response and
its values.
"""

import asyncio
import hashlib
import logging
from abc import ABC, abstractmethod
from decimal import Decimal
from typing import Any, Dict, FrozenSet, List, Optional

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT, FormValidationAction
from rasa_sdk.types import DomainDict

from actions.account import AccountAction
from actions.amounts import ALL, Amount, parse_amount
from actions.bank_client import BankClient, BankRefused, BankUnavailable, the_bank
from actions.identity import customer_id
from actions.refusals import SERVICE_FAULTS, refusal
from actions.wording import Wording

logger = logging.getLogger(__name__)

# One turn of a form may ask the account service several things; all of it, or the apology,
# within the 5 seconds a customer is promised.
TURN_SECONDS = 4.5
STOPPED = "form_stopped"
SUMMARY = "confirmation_summary"
# Several products fit what the customer typed: the form's next question asks which.
CHOICES = "product_choices"
# The intents an answer to a form's question may be read under (a bare "5000" or "A" is often
# not understood as anything); a message with any other intent but the form's own is an aside
# (an FAQ, cancel, a person, another request, and any intent staff add later), never an answer.
ANSWER_INTENTS = {"affirm", "deny", "nlu_fallback"}
_YES = {"是", "是的", "确认", "确定", "好", "好的", "对", "可以", "同意", "yes", "y", "confirm",
        "ok", "okay", "sure"}
_NO = {"否", "不", "不是", "不要", "不用", "不确认", "no", "n", "nope"}
def intent_of(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def text_of(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()


def confirmation(tracker: Tracker) -> Optional[bool]:
    """True for an explicit yes (affirm, or the button), False for no, None for anything else."""
    intent = intent_of(tracker)
    word = text_of(tracker).lower().strip("。.!！")
    if intent == "affirm" or word in _YES:
        return True
    if intent == "deny" or word in _NO:
        return False
    return None


def idempotency_key(tracker: Tracker, what: str) -> str:
    """One key per confirmed request: the conversation and the confirming message's time.

    Running the submit action again for the same confirmation (a retry) sends the same key, so
    the account service moves the money once; a new request is confirmed by a new message.
    """
    confirmed_at = tracker.latest_message.get("message_id") or ""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            confirmed_at = f"{confirmed_at}{event.get('timestamp')}"
            break
    digest = hashlib.sha256(f"{tracker.sender_id}|{what}|{confirmed_at}".encode()).hexdigest()
    return f"an-{what}-{digest[:40]}"


class BankFormValidation(FormValidationAction, ABC):
    """A form's validation: identity, answers read from the message, service failures."""

    #: The intent that starts this form; its entities are read as answers too.
    form_intent: str = ""

    def __init__(self, client: Optional[BankClient] = None) -> None:
        self.client: BankClient = client or the_bank()

    @abstractmethod
    def name(self) -> str: ...

    async def before_start(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, customer: str, words: Wording
    ) -> Dict[str, Any]:
        """Checks when the form starts; slots to set, or {STOPPED: True} after saying why."""
        return {}

    async def after_validation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, customer: str, words: Wording,
        changed: Dict[str, Any],
    ) -> Dict[str, Any]:
        """Checks that need several slots (a quote for the summary); slots to set."""
        return {}

    # Reading answers.

    def reads_entities(self, tracker: Tracker) -> bool:
        """Whether the message may fill slots from its entities (not an aside)."""
        intent = intent_of(tracker)
        return intent is None or intent == self.form_intent or intent in ANSWER_INTENTS

    def entity(self, tracker: Tracker, name: str) -> Optional[str]:
        if not self.reads_entities(tracker):
            return None
        value = next(tracker.get_latest_entity_values(name), None)
        return value.strip() if isinstance(value, str) and value.strip() else None

    def amount_answer(self, tracker: Tracker, slot: str) -> Optional[Amount]:
        """The amount in this message: the `amount` entity, or the whole message when the
        form asked for `slot` and the message is only an amount."""
        asked = tracker.get_slot(REQUESTED_SLOT) == slot
        if asked or intent_of(tracker) == self.form_intent:
            whole = parse_amount(text_of(tracker))
            if whole is not None:
                return whole
        entity = self.entity(tracker, "amount")
        return parse_amount(entity) if entity else None

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """The `extract_<slot>` methods' answers, and yes / no when the form asked to confirm."""
        events = await super().get_extraction_events(dispatcher, tracker, domain)
        asked = tracker.get_slot(REQUESTED_SLOT)
        if isinstance(asked, str) and asked.endswith("_confirmed"):
            answer = confirmation(tracker)
            if answer is not None:
                events.append(SlotSet(asked, answer))
                tracker.slots[asked] = answer
        return events

    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        """rasa-sdk keeps only the form's own slots; the products to ask between ride along
        (the form then asks again, narrowed, instead of giving the turn to the rules)."""
        events = await super().get_validation_events(dispatcher, tracker, domain)
        extracted = tracker.slots_to_validate()
        if CHOICES in extracted:
            events.append(SlotSet(CHOICES, extracted[CHOICES]))
        return events

    def read_amount(self, tracker: Tracker, slot: str) -> Dict[str, Any]:
        """extract_<amount slot>: the amount as text ("5000", "all")."""
        value = self.amount_answer(tracker, slot)
        return {} if value is None else {slot: ALL if value == ALL else str(value)}

    @staticmethod
    def check_amount(value: str, dispatcher: CollectingDispatcher, tracker: Tracker, slot: str,
                     all_allowed: bool = True) -> Dict[str, Any]:
        """validate_<amount slot>: more than 0 (or "all" where that means something)."""
        if value == ALL and not all_allowed:
            dispatcher.utter_message(response="utter_ask_for_a_figure")
            return ask_again(slot)
        if value != ALL and Decimal(value) <= 0:
            dispatcher.utter_message(response="utter_refused_invalid_amount")
            return ask_again(slot)
        return {slot: value}

    # The run: identity first, then rasa-sdk's extraction and validation, failures last.

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        customer = customer_id(tracker)
        if customer is None or tracker.get_slot(STOPPED):
            return [SlotSet(REQUESTED_SLOT, None)]  # the submit action tells an anonymous visitor
        words = Wording(tracker, domain)
        draft = CollectingDispatcher()  # said only if the whole turn succeeds
        stop = [SlotSet(STOPPED, True), SlotSet(REQUESTED_SLOT, None)]
        try:
            events = await asyncio.wait_for(
                self.turn(draft, tracker, domain, customer, words), TURN_SECONDS)
        except (BankUnavailable, asyncio.TimeoutError) as error:
            logger.warning("%s: account service unavailable: %r", self.name(), error)
            dispatcher.utter_message(response="utter_service_unavailable")
            return stop
        except BankRefused as error:
            say_refusal(dispatcher, error, words.language, self.name())
            return stop
        except Exception:  # a bug must not leave the customer in a form that cannot go on
            logger.exception("%s failed", self.name())
            dispatcher.utter_message(response="utter_service_unavailable")
            return stop
        dispatcher.messages.extend(draft.messages)
        if tracker.slots.get(STOPPED):
            events.append(SlotSet(REQUESTED_SLOT, None))
        return events

    async def turn(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
        customer: str, words: Wording,
    ) -> List[EventType]:
        events: List[EventType] = []
        # Starting: nothing asked yet (or a slot of another form, left by a switch).
        if tracker.get_slot(REQUESTED_SLOT) not in self.domain_slots(domain):
            # Nothing from an earlier, unfinished run of this form carries over.
            for slot in [*self.domain_slots(domain), SUMMARY]:
                tracker.slots[slot] = None
                events.append(SlotSet(slot, None))
            started = await self.before_start(dispatcher, tracker, customer, words)
            events += [SlotSet(slot, value) for slot, value in started.items()]
            tracker.slots.update(started)
            if started.get(STOPPED):
                return events
        validated = await super().run(dispatcher, tracker, domain)
        changed = {event["name"]: event["value"] for event in validated
                   if event.get("event") == "slot" and event["name"] != REQUESTED_SLOT}
        extra = await self.after_validation(dispatcher, tracker, customer, words, changed)
        tracker.slots.update(extra)
        return events + validated + [SlotSet(slot, value) for slot, value in extra.items()]


class MoneyForm(BankFormValidation):
    """A form for money that moves after a quote (repay, buy, redeem): what (`target_slot`: a
    loan, a product), how much (`amount_slot`; "all" where the form allows it), then the account
    service's quote, shown as the summary the customer confirms. A refusal of the amount (below
    the minimum, above the balance, ...) is explained and the amount asked for again; any other
    refusal stops the form."""

    target_slot: str = ""
    amount_slot: str = ""
    amount_refusals: FrozenSet[str] = frozenset({"invalid_amount"})

    async def whole_amount(self, customer: str, target: str) -> Decimal:
        """What "all" is for this target (forms that allow it say)."""
        raise NotImplementedError

    async def quote(self, customer: str, target: str, amount: Decimal) -> Any:
        """The account service's quote: what would happen, nothing moved."""
        raise NotImplementedError

    def summary(self, quote: Any, words: Wording) -> str:
        """What the customer confirms (the confirmation question's {confirmation_summary})."""
        raise NotImplementedError

    async def after_validation(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, customer: str, words: Wording,
        changed: Dict[str, Any],
    ) -> Dict[str, Any]:
        target, amount = tracker.get_slot(self.target_slot), tracker.get_slot(self.amount_slot)
        if not target or not amount or not {self.target_slot, self.amount_slot} & set(changed):
            return {}
        if amount == ALL:
            amount = str(await self.whole_amount(customer, target))
        try:
            quote = await self.quote(customer, target, Decimal(amount))
        except BankRefused as error:
            if error.code not in self.amount_refusals:
                raise
            dispatcher.utter_message(**refusal(error, words.language))
            return ask_again(self.amount_slot)
        return {self.amount_slot: str(quote.amount), SUMMARY: self.summary(quote, words)}


def say_refusal(dispatcher: CollectingDispatcher, error: BankRefused, language: str,
                who: str) -> None:
    if error.code in SERVICE_FAULTS:
        logger.error("%s: the account service refused the integration: %s", who, error)
        dispatcher.utter_message(response="utter_service_unavailable")
    else:
        logger.info("%s: refused: %s", who, error)
        dispatcher.utter_message(**refusal(error, language))


def form_reset(domain: DomainDict, form: str) -> List[EventType]:
    """Empties the form's slots, the summary and the stop flag, after it ends either way."""
    slots = (domain.get("forms", {}).get(form, {}) or {}).get("required_slots", [])
    return [SlotSet(slot, None) for slot in [*slots, SUMMARY, STOPPED, CHOICES]]


def ask_again(slot: str) -> Dict[str, Any]:
    """A validation's answer that the value was not accepted: the form asks for `slot` again."""
    return {slot: None}


class FormSubmitAction(AccountAction):
    """Runs after a form has ended: does the work if the customer said yes, then empties the
    form. A stopped form (already explained) or a "no" moves nothing."""

    #: The form this action finishes, and its yes/no slot (None: nothing to confirm).
    form: str = ""
    confirmed_slot: Optional[str] = None

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        reset = form_reset(domain, self.form)
        if tracker.get_slot(STOPPED):
            return reset
        if (customer_id(tracker) is not None and self.confirmed_slot
                and tracker.get_slot(self.confirmed_slot) is not True):
            dispatcher.utter_message(response="utter_nothing_done")
            return reset
        return await super().run(dispatcher, tracker, domain) + reset

    def refused(self, dispatcher: CollectingDispatcher, error: BankRefused, language: str) -> None:
        say_refusal(dispatcher, error, language, self.name())


class MoneySubmit(FormSubmitAction):
    """The submit of a MoneyForm: after the customer's yes, moves the confirmed amount (once: the
    idempotency key is the confirmation's) and says what was done."""

    target_slot: str = ""
    amount_slot: str = ""

    async def move(self, customer: str, target: str, amount: Decimal, key: str) -> Any:
        raise NotImplementedError

    def receipt(self, done: Any, words: Wording) -> Dict[str, Any]:
        """What was done: the response to utter and its values (utter_message's arguments)."""
        raise NotImplementedError

    async def answer(
        self, dispatcher: CollectingDispatcher, customer: str, language: str, tracker: Tracker,
        domain: DomainDict,
    ) -> List[Dict[str, Any]]:
        target, amount = tracker.get_slot(self.target_slot), tracker.get_slot(self.amount_slot)
        what = self.form[: -len("_form")] if self.form.endswith("_form") else self.form
        done = await self.move(customer, target, Decimal(amount),
                               idempotency_key(tracker, f"{what}-{target}-{amount}"))
        dispatcher.utter_message(**self.receipt(done, Wording(tracker, domain)))
        return []


class ActionCancelForm(Action):
    """"Cancel" (or "no") in the middle of a form: the form is already deactivated; nothing was
    done, so say so and empty every form's slots."""

    def name(self) -> str:
        return "action_cancel_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        dispatcher.utter_message(response="utter_form_cancelled")
        events: List[Dict[str, Any]] = []
        for form in domain.get("forms", {}):
            events += form_reset(domain, form)
        return events
