"""Free-form questions that no intent or curated FAQ covers: the knowledge-base retriever.

On nlu_fallback the message goes to the retriever service (retriever/ on the app side), which
decides: answer (the entry's answer and its source), suggest ("did you mean", up to 3 questions
as buttons; a click answers that entry), or none (say so and offer a person). When the retriever
is down or slow the customer is offered a person at once.
"""

import logging
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Protocol
from urllib.parse import quote

import httpx
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.http import tls_context
from actions.language import reply_language
from actions.settings import Settings, get_settings

logger = logging.getLogger(__name__)
ENTRY_ENTITY = "kb_entry"
# What a knowledge-base source label means to a customer.
SOURCE_NAMES = {
    "demo-bank.md": ("本行产品与服务说明", "the bank's product and service terms"),
    "demo bank policy": ("本行服务规定", "the bank's service rules"),
}


class KnowledgeUnavailable(Exception):
    """The retriever is down, slow or answering nonsense."""


@dataclass(frozen=True)
class Found:
    id: str
    question: str
    answer: str
    source: str


@dataclass(frozen=True)
class SearchResult:
    decision: str  # answer, suggest or none
    entries: List[Found]  # answer: one; suggest: up to 3; none: empty


class KnowledgeClient(Protocol):
    async def search(self, question: str, language: str,
                     beside_faq: bool = False) -> SearchResult: ...

    async def entry(self, entry_id: str, language: str) -> Optional[Found]: ...


def _found(data: Dict[str, Any]) -> Found:
    return Found(id=data["id"], question=data["question"], answer=data["answer"],
                 source=data.get("source") or "")


class HttpKnowledgeClient:
    def __init__(self, settings: Optional[Settings] = None,
                 transport: Optional[httpx.AsyncBaseTransport] = None) -> None:
        settings = settings or get_settings()
        self.base_url = settings.retriever_url.rstrip("/")
        self.timeout = settings.retriever_timeout_seconds
        self._transport = transport

    async def _call(self, method: str, path: str, **kwargs: Any) -> Optional[Dict[str, Any]]:
        try:
            async with httpx.AsyncClient(base_url=self.base_url, timeout=self.timeout,
                                         transport=self._transport, verify=tls_context()) as client:
                response = await client.request(method, path, **kwargs)
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

    async def search(self, question: str, language: str,
                     beside_faq: bool = False) -> SearchResult:
        data = await self._call("POST", "/search", json={
            "query": question[:2000], "language": language, "beside_faq": beside_faq})
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


def source_words(source: str, language: str) -> str:
    names = SOURCE_NAMES.get(source)
    return (names[0] if language == "zh" else names[1]) if names else source


def answer_text(found: Found, language: str) -> str:
    if not found.source:
        return found.answer
    source = source_words(found.source, language)
    return (f"{found.answer}\n（来源：{source}）" if language == "zh" else
            f"{found.answer}\n(Source: {source})")


class ActionSearchKnowledgeBase(Action):
    def __init__(self, client: Optional[KnowledgeClient] = None) -> None:
        self.client: KnowledgeClient = client or HttpKnowledgeClient()

    def name(self) -> str:
        return "action_search_knowledge_base"

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
                result = await self.client.search(text, language)
        except KnowledgeUnavailable as error:
            logger.warning("retriever unavailable: %s", error)
            result = SearchResult("none", [])
        if result.decision == "answer":
            dispatcher.utter_message(text=answer_text(result.entries[0], language))
        elif result.decision == "suggest":
            buttons = [{"title": found.question,
                        "payload": f'/nlu_fallback{{"{ENTRY_ENTITY}":"{found.id}"}}'}
                       for found in result.entries]
            buttons.append({"title": "都不是，转人工" if language == "zh" else
                            "None of these: talk to a person", "payload": "/request_human"})
            dispatcher.utter_message(text="您是想问下面哪个问题？" if language == "zh" else
                                     "Did you mean one of these?", buttons=buttons)
        else:
            dispatcher.utter_message(response="utter_kb_dont_know")
        return []


class ActionAnswerFaq(Action):
    """A question Rasa filed under a curated FAQ topic (faq_wealth, faq_loan, faq_service).

    Rasa's intents know only the questions they were shown, so a question about, say, card PINs
    can land on the nearest FAQ topic with full confidence. The retriever is asked "beside the
    FAQ": it answers only with a confident match on a knowledge-base entry that does not restate
    a curated FAQ topic (retriever/near_faq.py). Otherwise, or when it is down, the curated FAQ
    answers as the ResponseSelector chose.
    """

    def __init__(self, client: Optional[KnowledgeClient] = None) -> None:
        self.client: KnowledgeClient = client or HttpKnowledgeClient()

    def name(self) -> str:
        return "action_answer_faq"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[Dict[str, Any]]:
        language = reply_language(tracker)
        latest = tracker.latest_message
        intent = (latest.get("intent") or {}).get("name") or ""
        chosen = (((latest.get("response_selector") or {}).get(intent) or {})
                  .get("response") or {}).get("utter_action")
        text = (latest.get("text") or "").strip()
        result = SearchResult("none", [])
        if text and not text.startswith("/"):
            try:
                result = await self.client.search(text, language, beside_faq=True)
            except KnowledgeUnavailable as error:
                logger.warning("retriever unavailable, the curated FAQ answers: %s", error)
        if result.decision == "answer" and result.entries:
            dispatcher.utter_message(text=answer_text(result.entries[0], language))
        elif chosen:
            dispatcher.utter_message(response=chosen)
        else:  # no topic chosen (a bare /faq_loan payload): say so and offer a person
            dispatcher.utter_message(response="utter_kb_dont_know")
        return []
