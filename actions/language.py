"""Replies follow the language of the customer's latest message.

Rasa fills the `language` slot (a custom slot mapping) on every user turn by calling
`action_validate_slot_mappings`; conditional response variations then pick zh or en. The same
action keeps the bank's facts (the `bank_*` slots: hotline, agent hours...) at the domain's
values, so a conversation carried over from before a change never quotes the old ones.
"""

import re
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

_HAN = re.compile(r"[\u3400-\u9fff]")
# Latin words not glued to digits, so 5k, WM004 and L1001 say nothing about the language.
_LATIN_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2,}(?![A-Za-z0-9])")
# Words Chinese customers type as often as English ones.
_NEUTRAL = {"ok", "okay", "app", "qdii", "id", "vip"}


def detect_language(text: str) -> Optional[str]:
    """'zh' or 'en' for a customer's message, or None when it does not tell (A, 5k, /payload)."""
    if not text or text.startswith("/"):
        return None
    if _HAN.search(text):
        return "zh"
    words = {word.lower() for word in _LATIN_WORD.findall(text)}
    return "en" if words - _NEUTRAL else None


FACT_PREFIX = "bank_"


def stale_facts(tracker: Tracker, domain: DomainDict) -> List[EventType]:
    """The bank's facts whose value in this conversation is not the domain's."""
    return [SlotSet(name, slot["initial_value"])
            for name, slot in (domain.get("slots") or {}).items()
            if name.startswith(FACT_PREFIX) and tracker.get_slot(name) != slot.get("initial_value")]


class ValidateSlotMappings(ValidationAction):
    """Extracts the slots with custom mappings on every user turn."""

    async def run(self, dispatcher, tracker, domain):
        return [*await super().run(dispatcher, tracker, domain), *stale_facts(tracker, domain)]

    def extract_language(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        language = detect_language(tracker.latest_message.get("text") or "")
        return {"language": language} if language else {}


def reply_language(tracker: Tracker) -> str:
    """The language to answer in: the `language` slot, Chinese unless it says English."""
    return "en" if tracker.get_slot("language") == "en" else "zh"
