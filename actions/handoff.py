"""Hand-off to a human agent. A logged-in customer's conversation is queued with a short summary
(what they asked, what they were doing); agents work 09:00-21:00, and outside those hours the
customer is told when an agent will reply. Anonymous visitors get the hours and the hotline."""

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
            if language == "zh":
                queue = f"您前面还有{ahead}位" if ahead else "您是下一位"
                text = (f"好的，正在为您转接人工客服（人工服务时间每天09:00-21:00），{queue}。"
                        "我已把您的问题摘要转给客服，请稍候。紧急情况请拨打400-800-0000。")
            else:
                queue = (f"{ahead} {'person is' if ahead == 1 else 'people are'} ahead of you"
                         if ahead else "you are next in line")
                text = (f"OK, I'm passing you to an agent (agents work 09:00-21:00 every day); "
                        f"{queue}. The agent will see a summary of your question. For "
                        "emergencies call 400-800-0000.")
        else:
            at = queued.agent_available_at
            when = (f"{money.day(at.date(), language)} {at:%H:%M}")
            text = (f"人工客服服务时间为每天09:00-21:00，现在不在服务时间。您的请求已登记（编号"
                    f"{queued.handoff_id}），客服将在{when}起回复您。盗刷等紧急情况请拨打400-800-0000。"
                    if language == "zh" else
                    f"Our agents work 09:00-21:00 every day, so none is available right now. Your "
                    f"request is queued (number {queued.handoff_id}) and an agent will reply from "
                    f"{when}. For emergencies such as card fraud, call 400-800-0000.")
        dispatcher.utter_message(text=text)
        return []
