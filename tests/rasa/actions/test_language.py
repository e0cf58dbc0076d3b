"""The language slot follows the customer's latest message."""

import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.language import ValidateSlotMappings, detect_language


@pytest.mark.parametrize(
    "text, language",
    [
        ("我想查下balance", "zh"),
        ("活期宝", "zh"),
        ("what's my balance", "en"),
        ("hi", "en"),
        ("Steady 90 redemption", "en"),
        ("hi 小安", "zh"),
        # These say nothing about the language: the conversation keeps its current one.
        ("A", None),
        ("5k", None),
        ("L1001", None),
        ("ok", None),
        ("/affirm", None),
        ('/choose{"risk_answer": "B"}', None),
        ("", None),
    ],
)
def test_detect_language(text, language):
    assert detect_language(text) == language


DOMAIN = {
    "slots": {
        "language": {
            "type": "categorical",
            "values": ["zh", "en"],
            "initial_value": "zh",
            "mappings": [{"type": "custom"}],
        }
    }
}


def run_slot_mappings(text, current_language="zh"):
    tracker = Tracker(
        "c1", {"language": current_language}, {"text": text, "intent": {}}, [], False, None, {}, ""
    )
    return asyncio.run(ValidateSlotMappings().run(CollectingDispatcher(), tracker, DOMAIN))


def test_slot_mappings_action_sets_the_language_of_each_message():
    assert ValidateSlotMappings().name() == "action_validate_slot_mappings"
    assert run_slot_mappings("how do I repay early", "zh") == [SlotSet("language", "en")]
    assert run_slot_mappings("提前还款", "en") == [SlotSet("language", "zh")]


def test_a_message_without_language_keeps_the_current_one():
    assert run_slot_mappings("B", "en") == []
