"""Handing off to a person (actions/handoff.py): a summary of the conversation queued, and when
an agent replies outside service hours."""

from datetime import datetime

from actions.bank_replies import Handoff
from actions.handoff import ActionRequestHuman
from tests.rasa.actions.demo_bank import SHANGHAI
from tests.rasa.actions.fakes import FormBank, run, tracker


def test_a_hand_off_queues_a_summary_of_what_the_customer_asked():
    bank = FormBank()
    events = [{"event": "user", "text": "我要提前还5000", "timestamp": 1.0,
               "parse_data": {"intent": {"name": "repay_loan"}}},
              {"event": "user", "text": "转人工", "timestamp": 2.0,
               "parse_data": {"intent": {"name": "request_human"}}}]
    _, reply, _ = run(ActionRequestHuman(bank), tracker(
        "转人工", intent="request_human", active_loop=None, events=events,
        slots={"repay_amount": "5000"}))
    assert "转接人工客服" in reply and "1位" in reply
    call = next(call for call in bank.calls if call[0] == "request_handoff")
    assert "我要提前还5000 [repay_loan]" in call[2] and "repay_amount=5000" in call[2]
    assert "conversation conversation-1" in call[2]
    _, _, messages = run(ActionRequestHuman(bank), tracker(
        "转人工", customer=None, intent="request_human", active_loop=None))
    assert messages[0]["response"] == "utter_request_human"


def test_outside_service_hours_the_customer_is_told_when_an_agent_replies():
    class Night(FormBank):
        async def request_handoff(self, customer, summary, language):
            return Handoff(handoff_id=9, position=1, agents_on_duty=False,
                           agent_available_at=datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI))

    _, reply, _ = run(ActionRequestHuman(Night()), tracker(
        "talk to a person", intent="request_human", language="en", active_loop=None))
    assert "27 Nov 2026 09:00" in reply and "09:00-21:00" in reply
