"""Freezing the debit card (lost, stolen, fraud): a summary, an explicit yes, then at once."""

import re

from actions.bank_client import last_digits
from actions.forms import STOPPED, SUMMARY, BankFormValidation, FormSubmitAction, idempotency_key

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

    async def before_start(self, dispatcher, tracker, customer, language):
        card = (await self.client.profile(customer)).card
        digits = last_digits(card.masked_number)
        if card.frozen:
            dispatcher.utter_message(text=(
                f"您尾号{digits}的借记卡已经是冻结状态，无需再次冻结。如需解冻请致电400-800-0000。"
                if language == "zh" else
                f"Your debit card ending {digits} is already frozen. To unfreeze it, call "
                "400-800-0000."))
            return {STOPPED: True}
        summary = (f"请确认：立即冻结您尾号{digits}的借记卡。冻结后这张卡不能消费、转账或取现，"
                   "自动扣款（如贷款还款）也会失败；解冻需要本人致电400-800-0000或到网点办理。\n确认冻结吗？"
                   if language == "zh" else
                   f"Please confirm: freeze your debit card ending {digits} now. A frozen card "
                   "cannot pay, transfer or withdraw, and automatic debits (such as loan "
                   "installments) will fail; to unfreeze it, call 400-800-0000 or visit a "
                   "branch.\nShall I freeze it?")
        return {"freeze_card_id": card.card_id, SUMMARY: summary,
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
        if language == "zh":
            text = (f"已冻结您尾号{done.last_digits}的借记卡，这张卡现在不能再被扣款。"
                    "如果您遇到诈骗或发现"
                    "可疑交易，请立即拨打反诈专线96110和我行客服热线400-800-0000。")
        else:
            text = (f"Your debit card ending {done.last_digits} is frozen; no money can leave it "
                    "now. If you were scammed or see suspicious transactions, call the "
                    "anti-fraud line 96110 and our hotline 400-800-0000 at once.")
        dispatcher.utter_message(text=text)
        return []
