"""Freezing the debit card (lost, stolen, fraud): a summary, an explicit yes, then at once.
What it says is in bot/domain/forms.yml (utter_freeze_summary, utter_card_frozen, ...)."""

import re

from actions.bank_replies import last_digits
from actions.forms import STOPPED, SUMMARY, BankFormValidation, FormSubmitAction, idempotency_key
from actions.wording import Wording

_REASONS = [
    ("fraud", re.compile(r"骗|诈|盗刷|可疑|fraud|scam|suspicious|unauthori[sz]ed", re.I)),
    ("stolen", re.compile(r"被偷|被盗|偷了|stolen|theft", re.I)),
    ("lost", re.compile(r"丢|遗失|找不到|不见了|lost|missing|can'?t find", re.I)),
]


def freeze_reason(text: str) -> str:
    return next((reason for reason, words in _REASONS if words.search(text or "")),
                "customer_request")


class ValidateFreezeForm(BankFormValidation):
    form_intent = "freeze_card"

    def name(self) -> str:
        return "validate_freeze_form"

    async def before_start(self, dispatcher, tracker, customer, words: Wording):
        card = (await self.client.profile(customer)).card
        digits = last_digits(card.masked_number)
        if card.frozen:
            dispatcher.utter_message(response="utter_card_already_frozen", last_digits=digits)
            return {STOPPED: True}
        return {"freeze_card_id": card.card_id,
                SUMMARY: words.phrase("utter_freeze_summary", last_digits=digits),
                "freeze_reason": freeze_reason(tracker.latest_message.get("text") or "")}


class ActionFreezeCard(FormSubmitAction):
    form, confirmed_slot = "freeze_form", "freeze_confirmed"

    def name(self) -> str:
        return "action_freeze_card"

    async def answer(self, dispatcher, customer, language, tracker, domain):
        card_id = tracker.get_slot("freeze_card_id")
        done = await self.client.freeze_card(
            customer, card_id, tracker.get_slot("freeze_reason") or "customer_request",
            key=idempotency_key(tracker, f"freeze-{card_id}"))
        dispatcher.utter_message(response="utter_card_frozen", last_digits=done.last_digits)
        return []
