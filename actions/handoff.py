"""Hand-off to a human agent. A logged-in customer's conversation is queued with a short summary
(what they asked, what they were doing); outside the agents' hours (kept by the account service)
the customer is told when an agent will reply. Anonymous visitors get the hours and the hotline.
What the customer reads: the responses utter_handoff_* and utter_request_human (general.yml)."""

from typing import Any, Dict, List

from rasa_sdk import Tracker

from actions import money
from actions.account import AccountAction
from actions.identity import customer_id

RECENT_MESSAGES = 3
# Slots worth an agent's attention, by form.
_DETAILS = ["repay_loan_id", "repay_amount", "buy_product", "buy_amount", "redeem_product",
            "redeem_amount", "period"]


def handoff_summary(tracker: Tracker, customer: str, language: str) -> str:
    """A few lines for the agent: the customer's recent messages, their intents and the details
    of what they were doing. Built from the conversation only, so it holds nothing else."""
    asked: List[str] = []
    for event in reversed(tracker.events):
        if event.get("event") != "user" or not (event.get("text") or "").strip():
            continue
        text = event["text"].strip()
        if text.startswith("/"):
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or "?"
        asked.append(f"{text[:200]} [{intent}]")
        if len(asked) == RECENT_MESSAGES:
            break
    details = {name: tracker.get_slot(name) for name in _DETAILS if tracker.get_slot(name)}
    lines = [f"Customer {customer}, replies in {'Chinese' if language == 'zh' else 'English'}; "
             f"conversation {tracker.sender_id}.",
             "Recent messages (newest first): " + (" | ".join(asked) or "none")]
    if tracker.active_loop_name:
        lines.append(f"In the middle of: {tracker.active_loop_name}")
    if details:
        lines.append("Details: " + ", ".join(f"{k}={v}" for k, v in details.items()))
    return "\n".join(lines)[:2000]


class ActionRequestHuman(AccountAction):
    def name(self) -> str:
        return "action_request_human"

    async def run(self, dispatcher, tracker, domain) -> List[Dict[str, Any]]:
        if customer_id(tracker) is None:
            dispatcher.utter_message(response="utter_request_human")
            return []
        return await super().run(dispatcher, tracker, domain)

    async def answer(self, dispatcher, customer, language, tracker, domain):
        queued = await self.client.request_handoff(
            customer, handoff_summary(tracker, customer, language), language)
        if queued.agents_on_duty:
            ahead = queued.position - 1
            if ahead:
                dispatcher.utter_message(response="utter_handoff_in_queue", ahead=ahead)
            else:
                dispatcher.utter_message(response="utter_handoff_next_in_line")
            return []
        at = queued.agent_available_at
        dispatcher.utter_message(response="utter_handoff_after_hours",
                                 handoff_id=queued.handoff_id,
                                 when=f"{money.day(at.date(), language)} {at:%H:%M}")
        return []
