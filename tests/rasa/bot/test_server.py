"""bot.server's faster check of action server responses decides exactly as Rasa's own."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot.server import validate_action_result

ACCEPTED = [
    {"events": [], "responses": []},
    {"events": [{"event": "slot", "name": "amount", "value": 5000}],
     "responses": [{"text": "好的"}, {"response": "utter_ask_amount"}]},
    {"events": [{"event": "active_loop", "name": None}, {"event": "followup", "name": "x"}]},
]
REFUSED = [
    {"events": [{"event": "slot"}]},                       # a slot event without its name
    {"events": [{"event": "no_such_event", "name": "x"}]},
    {"events": "not a list"},
    {"responses": ["not an object"]},
]


@pytest.mark.parametrize("response", ACCEPTED)
def test_accepted_as_rasa_accepts(response):
    action = RemoteAction("action_check_balance", None)
    assert action._validate_action_result(response) is True  # Rasa's own method
    assert validate_action_result(action, response) is True


@pytest.mark.parametrize("response", REFUSED)
def test_refused_with_the_same_error_as_rasa(response):
    action = RemoteAction("action_check_balance", None)
    with pytest.raises(ValidationError) as rasas:
        action._validate_action_result(response)
    with pytest.raises(ValidationError) as ours:
        validate_action_result(action, response)
    assert ours.value.message == rasas.value.message
    assert "Failed to validate Action server response" in ours.value.message
