"""Free-form questions through the retriever: answer with its source, "did you mean" buttons
that answer the chosen entry, "I don't know" with a person offered, and the retriever down."""

import asyncio
import json

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import (
    ActionAnswerFaq,
    ActionSearchKnowledgeBase,
    Found,
    HttpKnowledgeClient,
    KnowledgeUnavailable,
    SearchResult,
)
from actions.settings import Settings

SETTLEMENT = Found("ln-settlement-certificate", "贷款还清后怎么开结清证明？",
                   "在App贷款页面下载结清证明。", "demo bank policy")
INSURANCE = Found("ac-deposit-insurance", "Is my money protected by deposit insurance?",
                  "Up to CNY 500,000 per depositor per bank.", "存款保险条例 (2015)")


class FakeRetriever:
    def __init__(self, result=None, failure=None):
        self.result, self.failure, self.calls = result, failure, []

    async def search(self, question, language, beside_faq=False):
        self.calls.append(("search", question, language) + (("beside_faq",) if beside_faq else ()))
        if self.failure:
            raise self.failure
        return self.result

    async def entry(self, entry_id, language):
        self.calls.append(("entry", entry_id, language))
        return {"ln-settlement-certificate": SETTLEMENT}.get(entry_id)


def run(client, text, language="zh", entities=()):
    latest = {"text": text, "intent": {"name": "nlu_fallback"},
              "entities": [{"entity": name, "value": value} for name, value in entities]}
    tracker = Tracker("c-1", {"language": language}, latest, [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionSearchKnowledgeBase(client).run(dispatcher, tracker, {}))
    return dispatcher.messages


def test_a_sure_answer_comes_with_its_source_in_the_customers_words():
    messages = run(FakeRetriever(SearchResult("answer", [SETTLEMENT])), "还完贷款要个证明")
    assert messages[0]["text"] == "在App贷款页面下载结清证明。\n（来源：本行服务规定）"
    messages = run(FakeRetriever(SearchResult("answer", [INSURANCE])), "is my money safe",
                   language="en")
    assert messages[0]["text"].endswith("(Source: 存款保险条例 (2015))")


def test_unsure_offers_up_to_three_questions_and_a_person():
    client = FakeRetriever(SearchResult("suggest", [SETTLEMENT, INSURANCE]))
    (message,) = run(client, "证明")
    payloads = [button["payload"] for button in message["buttons"]]
    assert payloads == ['/nlu_fallback{"kb_entry":"ln-settlement-certificate"}',
                        '/nlu_fallback{"kb_entry":"ac-deposit-insurance"}', "/request_human"]
    assert client.calls == [("search", "证明", "zh")]


def test_a_click_answers_the_chosen_entry_and_an_unknown_one_offers_a_person():
    client = FakeRetriever()
    messages = run(client, '/nlu_fallback{"kb_entry":"ln-settlement-certificate"}',
                   entities=[("kb_entry", "ln-settlement-certificate")])
    assert "结清证明" in messages[0]["text"]
    messages = run(client, "/nlu_fallback", entities=[("kb_entry", "gone")])
    assert messages[0]["response"] == "utter_kb_dont_know"


@pytest.mark.parametrize("client", [FakeRetriever(SearchResult("none", [])),
                                    FakeRetriever(failure=KnowledgeUnavailable("down"))])
def test_nothing_or_a_retriever_that_is_down_offers_a_person(client):
    assert run(client, "火星上能开户吗")[0]["response"] == "utter_kb_dont_know"


def test_a_payload_without_text_is_not_searched():
    client = FakeRetriever(SearchResult("answer", [SETTLEMENT]))
    assert run(client, "/nlu_fallback")[0]["response"] == "utter_kb_dont_know"
    assert client.calls == []


def test_the_http_client_speaks_the_services_api_and_reports_failures():
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/search":
            return httpx.Response(200, json={
                "decision": "suggest", "language": "zh", "answer": None, "results": [],
                "suggestions": [{"id": "x", "question": "q", "answer": "a", "source": "s",
                                 "category": "c", "score": 0.8}]})
        if request.url.raw_path.startswith(b"/entries/a%2Fb"):
            return httpx.Response(404, json={"detail": "no"})
        return httpx.Response(500)

    client = HttpKnowledgeClient(Settings(retriever_url="http://retriever"),
                                 transport=httpx.MockTransport(handler))
    result = asyncio.run(client.search("问题", "zh"))
    assert (result.decision, result.entries[0].id) == ("suggest", "x")
    assert json.loads(seen[0].content) == {"query": "问题", "language": "zh", "beside_faq": False}
    assert asyncio.run(client.entry("a/b", "en")) is None  # one path segment, whatever is typed
    with pytest.raises(KnowledgeUnavailable):
        asyncio.run(client.entry("boom", "en"))
    down = HttpKnowledgeClient(Settings(retriever_url="http://127.0.0.1:9"))
    with pytest.raises(KnowledgeUnavailable):
        asyncio.run(down.search("q", "en"))


def answer_faq(client, text, language="zh", topic="utter_faq_loan/early_repayment"):
    latest = {"text": text, "intent": {"name": "faq_loan", "confidence": 0.99},
              "response_selector": {"faq_loan": {"response": {"utter_action": topic,
                                                              "confidence": 0.97}}},
              "entities": []}
    tracker = Tracker("c-1", {"language": language}, latest, [], False, None, {}, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAnswerFaq(client).run(dispatcher, tracker, {}))
    return dispatcher.messages


def test_a_curated_faq_question_gets_the_topic_the_response_selector_chose():
    client = FakeRetriever(SearchResult("none", []))
    (message,) = answer_faq(client, "提前还款要手续费吗")
    assert message["response"] == "utter_faq_loan/early_repayment"
    assert client.calls == [("search", "提前还款要手续费吗", "zh", "beside_faq")]


def test_a_confident_knowledge_base_match_answers_instead_of_the_nearest_faq():
    (message,) = answer_faq(FakeRetriever(SearchResult("answer", [SETTLEMENT])),
                            "贷款还清了想开个结清证明")
    assert message["text"].startswith("在App贷款页面下载结清证明。")


@pytest.mark.parametrize("client", [FakeRetriever(failure=KnowledgeUnavailable("down")),
                                    FakeRetriever(SearchResult("answer", [SETTLEMENT]))])
def test_the_faq_answers_when_the_retriever_is_down_or_for_a_payload(client):
    text = "提前还款要手续费吗" if client.failure else "/faq_loan"
    assert answer_faq(client, text)[0]["response"] == "utter_faq_loan/early_repayment"
