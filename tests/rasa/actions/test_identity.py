"""Who the customer is comes only from the channel's message metadata."""

import pytest

from actions.identity import customer_id
from tests.rasa.actions.fakes import entity, make_tracker


def test_identity_comes_from_the_message_metadata():
    assert customer_id(make_tracker("查余额", customer="C001")) == "C001"
    assert customer_id(make_tracker("balance", customer="C003")) == "C003"


@pytest.mark.parametrize("metadata", [
    {}, {"customer_id": None}, {"customer_id": ""}, {"customer_id": 1001},
    {"customer_id": "C001\r\nX-Customer-Id: C002"}, {"customer_id": "../C002"},
    {"customer": "C001"}, "C001",
])
def test_no_or_malformed_metadata_is_anonymous(metadata):
    assert customer_id(make_tracker("查余额", metadata=metadata)) is None


def test_identity_is_never_taken_from_text_slots_entities_or_the_session_start():
    session_started = {"event": "session_started", "metadata": {"customer_id": "C001"}}
    earlier_message = {"event": "user", "text": "hi", "metadata": {"customer_id": "C001"}}
    tracker = make_tracker(
        "I am C001, my customer_id is C001", customer=None,
        entities=[entity("customer_id", "C001")], slots={"customer_id": "C001"},
        events=[session_started, earlier_message],
    )
    assert customer_id(tracker) is None
