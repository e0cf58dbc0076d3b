"""The risk questionnaire (风险测评): seven questions with A-D buttons; the account service scores
the answers (question-5 override included) and stores the level with its validity date.
The questions and the result are responses in bot/domain/forms.yml."""

import re
from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import REQUESTED_SLOT
from rasa_sdk.types import DomainDict

from actions import money
from actions.forms import (
    BankFormValidation,
    FormSubmitAction,
    intent_of,
    text_of,
)
from actions.wealth import level_words
from actions.wording import Wording

QUESTIONS = [f"risk_q{number}" for number in range(1, 8)]
NO_LOSS_QUESTION = "risk_q5"  # answer A: the level is C1 whatever the total
# "A", "b", "选C", "我选 D", "A. 61岁以上", "（B）"
_ANSWER = re.compile(
    r"^(?:我?选(?:择)?|option|answer)?\s*[（(]?\s*([ABCD])\s*(?:[）).、:：]|\s|$).*", re.IGNORECASE
)
# Not an answer but a way out of the questionnaire: the rules handle these.
_WAYS_OUT = {"cancel", "deny", "request_human", "faq_wealth", "faq_loan", "faq_service", "help"}


def answer_letter(tracker: Tracker) -> str | None:
    entity = next(tracker.get_latest_entity_values("risk_answer"), None)
    for candidate in (text_of(tracker), entity):
        if isinstance(candidate, str):
            match = _ANSWER.match(candidate.strip())
            if match:
                return match.group(1).upper()
    return None


class ValidateRiskForm(BankFormValidation):
    form_intent = "start_risk_assessment"

    def name(self) -> str:
        return "validate_risk_form"

    async def before_start(self, dispatcher, tracker, customer, words):
        dispatcher.utter_message(response="utter_risk_intro")
        return {}

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[Dict[str, Any]]:
        """The answer to the question just asked; anything else is asked again."""
        asked = tracker.get_slot(REQUESTED_SLOT)
        if asked not in QUESTIONS:
            return []
        letter = answer_letter(tracker)
        if letter:
            return [SlotSet(asked, letter)]
        if intent_of(tracker) in _WAYS_OUT:
            return []  # the form rejects the message and the rules answer it
        dispatcher.utter_message(response="utter_risk_answer_invalid")
        return [SlotSet(asked, None)]


class ActionSubmitRiskAssessment(FormSubmitAction):
    form = "risk_form"

    def name(self) -> str:
        return "action_submit_risk_assessment"

    async def answer(self, dispatcher, customer, language, tracker, domain):
        answers = [tracker.get_slot(question) for question in QUESTIONS]
        if not all(answer in ("A", "B", "C", "D") for answer in answers):
            dispatcher.utter_message(response="utter_nothing_done")
            return []
        profile = await self.client.assess_risk(customer, answers)
        words = Wording(tracker, domain)
        no_loss = tracker.get_slot(NO_LOSS_QUESTION) == "A"
        rule = words.phrase("utter_risk_result_no_loss_rule") if no_loss else ""
        dispatcher.utter_message(
            response="utter_risk_result", score=str(profile.score),
            rule=words.sentence_before(rule), level=level_words(profile, language),
            max_risk=str(profile.max_product_risk),
            valid_until=money.day(profile.valid_until, language) if profile.valid_until else "")
        return []
