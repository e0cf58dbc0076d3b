"""Questions: one answer decision over the curated FAQs and the knowledge base.

Rasa sends every question here: a curated FAQ intent (faq_wealth, faq_loan, faq_service), the
knowledge base's territory (knowledge_question) and what it did not understand (nlu_fallback).
Rasa's intent says "this is a question" (and is evidence of what kind); which answer it gets is
decided by the retriever service (retriever/ on the app side), over one calibrated ranking of
the curated FAQ topics and the knowledge-base entries: answer (a curated topic is said with its
Rasa response, an entry with its answer and source), suggest ("did you mean", up to 3 as
buttons; a click answers that one), or none (say so and offer a person). When the retriever is
down or slow the customer is told so and offered a person at once: nothing is answered on a
guess.
"""

import logging
from dataclasses import dataclass
from functools import cache
from typing import Any, Dict, List, Optional, Protocol
from urllib.parse import quote

import httpx
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.bank_client import the_bank
from actions.http import SharedClient
from actions.language import reply_language
from actions.product_names import Catalogue
from actions.settings import Settings, get_settings
from actions.wording import Wording

logger = logging.getLogger(__name__)
ENTRY_ENTITY = "kb_entry"
# A knowledge-base entry's source -> the response that names it to the customer.
SOURCE_NAMES = {
    "demo-bank.md": "utter_kb_source_terms",
    "demo bank policy": "utter_kb_source_rules",
}


class KnowledgeUnavailable(Exception):
    """The retriever is down, slow or answering nonsense."""


@dataclass(frozen=True)
class Found:
    id: str
    question: str
    answer: str
    source: str
    response: Optional[str] = None  # a curated FAQ topic: the Rasa response that says it


@dataclass(frozen=True)
class SearchResult:
    decision: str  # answer, suggest or none
    entries: List[Found]  # answer: one; suggest: up to 3; none: empty


class KnowledgeClient(Protocol):
    async def search(self, question: str, language: str, intent: Optional[str] = None,
                     confidence: float = 1.0) -> SearchResult: ...

    async def entry(self, entry_id: str, language: str) -> Optional[Found]: ...


def _found(data: Dict[str, Any]) -> Found:
    return Found(id=data["id"], question=data["question"], answer=data["answer"],
                 source=data.get("source") or "", response=data.get("response"))


class HttpKnowledgeClient:
    def __init__(self, settings: Optional[Settings] = None,
                 transport: Optional[httpx.AsyncBaseTransport] = None) -> None:
        settings = settings or get_settings()
        self._http = SharedClient(base_url=settings.retriever_url.rstrip("/"),
                                  timeout=settings.retriever_timeout_seconds, transport=transport)

    async def _call(self, method: str, path: str, **kwargs: Any) -> Optional[Dict[str, Any]]:
        try:
            response = await self._http.get().request(method, path, **kwargs)
        except httpx.HTTPError as error:
            raise KnowledgeUnavailable(repr(error)) from error
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise KnowledgeUnavailable(f"{method} {path}: {response.status_code}")
        try:
            return response.json()
        except ValueError as error:
            raise KnowledgeUnavailable(f"{method} {path}: not JSON") from error

    async def search(self, question: str, language: str, intent: Optional[str] = None,
                     confidence: float = 1.0) -> SearchResult:
        data = await self._call("POST", "/search", json={
            "query": question[:2000], "language": language, "intent": intent,
            "confidence": min(1.0, max(0.0, float(confidence)))})
        if data is None:
            raise KnowledgeUnavailable("POST /search: 404")
        try:
            if data["decision"] == "answer":
                return SearchResult("answer", [_found(data["answer"])])
            return SearchResult(data["decision"], [_found(item) for item in data["suggestions"]])
        except (KeyError, TypeError) as error:
            raise KnowledgeUnavailable(f"unexpected answer: {error!r}") from error

    async def entry(self, entry_id: str, language: str) -> Optional[Found]:
        data = await self._call("GET", f"/entries/{quote(entry_id, safe='')}",
                                params={"language": language})
        try:
            return None if data is None else _found(data)
        except (KeyError, TypeError) as error:
            raise KnowledgeUnavailable(f"unexpected answer: {error!r}") from error


@cache
def the_retriever() -> HttpKnowledgeClient:
    """The action server's one client of the retriever (the actions share it)."""
    return HttpKnowledgeClient()


def say_answer(dispatcher: CollectingDispatcher, found: Found, words: Wording) -> None:
    """A curated topic in the words of its Rasa response (staff edit them in the domain), an
    entry with its answer and source."""
    if found.response:
        dispatcher.utter_message(response=found.response)
    elif not found.source:
        dispatcher.utter_message(text=found.answer)
    else:
        named = SOURCE_NAMES.get(found.source)
        dispatcher.utter_message(response="utter_kb_answer", answer=found.answer,
                                 source=words.phrase(named) if named else found.source)


def known(found: Found, domain: DomainDict) -> bool:
    """An entry, or a curated topic of the model that is serving. A curated topic goes live with
    the model trained on it (and goes again on a roll back), as Rasa's own FAQs do; the
    knowledge base's entries are live as soon as they are saved."""
    return not found.response or found.response in (domain.get("responses") or {})


# In the questionnaire only A-D answers: a message there that the decision cannot answer as a
# question ("I'm 40 years old") is an answer to the question asked, so say what is accepted.
NOT_A_QUESTION_IN = {"risk_form": "utter_risk_answer_invalid"}


class ActionAnswerQuestion(Action):
    def __init__(self, client: Optional[KnowledgeClient] = None,
                 products: Optional[Catalogue] = None) -> None:
        self.client: KnowledgeClient = client or the_retriever()
        # Product names as the bank writes them, so 活期包 / daily cahs find 活期宝's answers.
        self.products = products or Catalogue(the_bank().products)

    def name(self) -> str:
        return "action_answer_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        language = reply_language(tracker)
        chosen = next(tracker.get_latest_entity_values(ENTRY_ENTITY), None)
        text = (tracker.latest_message.get("text") or "").strip()
        try:
            if isinstance(chosen, str) and chosen:  # a "did you mean" button
                found = await self.client.entry(chosen, language)
                result = SearchResult("answer", [found]) if found else SearchResult("none", [])
            elif not text or text.startswith("/"):
                result = SearchResult("none", [])
            else:
                # Rasa's intent and confidence are evidence: the decision weighs them when
                # they name the same kind of answer as the retriever's best.
                read = tracker.latest_message.get("intent") or {}
                intent, confidence = read.get("name"), read.get("confidence")
                names = await self.products.names()
                if names is not None:
                    text = names.canonical(text, language,
                                           tracker.latest_message.get("entities") or [])
                result = await self.client.search(
                    text, language, intent,
                    confidence if isinstance(confidence, (int, float)) else 1.0)
        except KnowledgeUnavailable as error:
            logger.warning("retriever unavailable: %s", error)
            result = SearchResult("none", [])
        entries = [found for found in result.entries if known(found, domain)]
        words = Wording(tracker, domain)
        if result.decision == "answer" and entries:
            say_answer(dispatcher, entries[0], words)
        elif result.decision == "suggest" and entries:
            buttons = [{"title": found.question,
                        "payload": f'/nlu_fallback{{"{ENTRY_ENTITY}":"{found.id}"}}'}
                       for found in entries]
            buttons.append({"title": words.phrase("utter_kb_none_of_these"),
                            "payload": "/request_human"})
            dispatcher.utter_message(response="utter_kb_did_you_mean", buttons=buttons)
        elif (tracker.active_loop or {}).get("name") in NOT_A_QUESTION_IN:
            dispatcher.utter_message(
                response=NOT_A_QUESTION_IN[(tracker.active_loop or {})["name"]])
        else:
            dispatcher.utter_message(response="utter_kb_dont_know")
        return []
