"""What the customer reads: the actions' messages rendered from the real domain by Rasa's own
response generator, as the Rasa server renders what the action server sends it."""

import asyncio
from pathlib import Path
from typing import Any, Dict, List, Optional

from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

ROOT = Path(__file__).resolve().parents[2]
RASA_DOMAIN = Domain.load(str(ROOT / "bot" / "domain"))
DOMAIN: Dict[str, Any] = RASA_DOMAIN.as_dict()  # what Rasa sends the action server


def initial_slots() -> Dict[str, Any]:
    """A new conversation's slots: the language and the bank's facts."""
    return {slot.name: slot.initial_value for slot in RASA_DOMAIN.slots}


def rendered(message: Dict[str, Any], language: str,
             slots: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """One message as the customer gets it (text and buttons); a placeholder left unfilled fails."""
    message = dict(message)
    name = message.pop("response", None)
    message.pop("template", None)
    if not name:
        return {**message, "response": None}
    events = [SlotSet(key, value) for key, value in {**initial_slots(), **(slots or {}),
                                                     "language": language}.items()]
    tracker = DialogueStateTracker.from_events("test", events, slots=RASA_DOMAIN.slots)
    generator = TemplatedNaturalLanguageGenerator(RASA_DOMAIN.responses)
    draft = asyncio.run(generator.generate(name, tracker, "rest", **message))
    assert draft is not None, f"the domain has no response {name}"
    text = draft.get("text") or ""
    assert "{" not in text, f"{name} left a placeholder unfilled: {text}"
    return {**{k: v for k, v in message.items() if v}, **draft, "response": name}


def said(messages: List[Dict[str, Any]], language: str = "zh",
         slots: Optional[Dict[str, Any]] = None) -> List[str]:
    """The texts the customer reads."""
    return [rendered(message, language, slots).get("text") or "" for message in messages]
