"""Questions through the one answer decision: an entry's answer with its source, a curated topic
in its Rasa response's words, "did you mean" buttons that answer the chosen one, "I don't know"
with a person offered, and the retriever down."""

import asyncio
import json
from types import SimpleNamespace

import httpx
import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge import (
    ActionAnswerQuestion,
    Found,
    HttpKnowledgeClient,
    KnowledgeUnavailable,
    SearchResult,
)
from actions.product_names import Catalogue
from actions.settings import Settings
from tests.rasa.rendering import DOMAIN, initial_slots, rendered

CATALOGUE = [SimpleNamespace(code="WM001", name_zh="活期宝", name_en="Daily Cash"),
             SimpleNamespace(code="WM002", name_zh="稳盈90天", name_en="Steady 90")]


async def the_products():
    return CATALOGUE

SETTLEMENT = Found("ln-settlement-certificate", "贷款还清后怎么开结清证明？",
                   "在App贷款页面下载结清证明。", "demo bank policy")
INSURANCE = Found("ac-deposit-insurance", "Is my money protected by deposit insurance?",
                  "Up to CNY 500,000 per depositor per bank.", "存款保险条例 (2015)")
EARLY_REPAYMENT = Found("faq_loan/early_repayment", "提前还款要手续费吗",
                        "随时可以提前还款，不收手续费。", "curated FAQ",
                        "utter_faq_loan/early_repayment")


class FakeRetriever:
    def __init__(self, result=None, failure=None):
        self.result, self.failure, self.calls = result, failure, []

    async def search(self, question, language, intent=None, confidence=1.0):
        self.calls.append(("search", question, language, intent))
        if self.failure:
            raise self.failure
        return self.result

    async def entry(self, entry_id, language):
        self.calls.append(("entry", entry_id, language))
        return {"ln-settlement-certificate": SETTLEMENT}.get(entry_id)


def run(client, text, language="zh", entities=(), intent="nlu_fallback", domain=None,
        products=the_products):
    latest = {"text": text, "intent": {"name": intent},
              "entities": [{"entity": name, "value": value} for name, value in entities]}
    tracker = Tracker("c-1", {**initial_slots(), "language": language}, latest, [], False, None,
                      {}, "action_listen")
    dispatcher = CollectingDispatcher()
    action = ActionAnswerQuestion(client, Catalogue(products))
    asyncio.run(action.run(dispatcher, tracker, domain or DOMAIN))
    return [rendered(message, language) for message in dispatcher.messages]


@pytest.mark.parametrize("typed, language, entities, searched", [
    ("活期包的七日年化是多少", "zh", [], "活期宝的七日年化是多少"),
    ("what's the yield on daily cahs", "en", [], "what's the yield on Daily Cash"),
    ("稳盈能提前赎回吗", "zh", [{"entity": "product", "value": "WM002", "start": 0, "end": 2}],
     "稳盈90天能提前赎回吗"),
    ("活期存款利率多少", "zh", [], "活期存款利率多少"),  # a common word, not the product
])
def test_product_names_are_searched_as_the_bank_writes_them(typed, language, entities,
                                                             searched):
    client = FakeRetriever(SearchResult("answer", [SETTLEMENT]))
    latest = {"text": typed, "intent": {"name": "faq_wealth"}, "entities": entities}
    tracker = Tracker("c-1", {**initial_slots(), "language": language}, latest, [], False, None,
                      {}, "action_listen")
    asyncio.run(ActionAnswerQuestion(client, Catalogue(the_products)).run(
        CollectingDispatcher(), tracker, DOMAIN))
    assert client.calls == [("search", searched, language, "faq_wealth")]


def test_with_the_account_service_down_the_question_is_searched_as_typed():
    async def down():
        raise ConnectionError("account service down")

    client = FakeRetriever(SearchResult("answer", [SETTLEMENT]))
    messages = run(client, "活期包的七日年化是多少", products=down)
    assert client.calls == [("search", "活期包的七日年化是多少", "zh", "nlu_fallback")]
    assert "结清证明" in messages[0]["text"]


def test_the_product_names_are_asked_for_again_only_after_a_while():
    asked, now = [], [0.0]

    async def fetch():
        asked.append(now[0])
        return CATALOGUE

    catalogue = Catalogue(fetch, seconds=300, clock=lambda: now[0])
    for moment in (0.0, 10.0, 299.0, 300.0, 301.0):
        now[0] = moment
        assert asyncio.run(catalogue.names()).resolve("活期包") == ["WM001"]
    assert asked == [0.0, 300.0]


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
    assert client.calls == [("search", "证明", "zh", "nlu_fallback")]


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
    assert json.loads(seen[0].content) == {"query": "问题", "language": "zh", "intent": None,
                                              "confidence": 1.0}
    assert asyncio.run(client.entry("a/b", "en")) is None  # one path segment, whatever is typed
    with pytest.raises(KnowledgeUnavailable):
        asyncio.run(client.entry("boom", "en"))
    down = HttpKnowledgeClient(Settings(retriever_url="http://127.0.0.1:9"))
    with pytest.raises(KnowledgeUnavailable):
        asyncio.run(down.search("q", "en"))


@pytest.mark.parametrize("intent", ["faq_loan", "knowledge_question", "nlu_fallback"])
def test_every_question_intent_gets_the_one_decision(intent):
    client = FakeRetriever(SearchResult("answer", [SETTLEMENT]))
    (message,) = run(client, "贷款还清了想开个结清证明", intent=intent)
    assert message["text"].startswith("在App贷款页面下载结清证明。")
    assert client.calls == [("search", "贷款还清了想开个结清证明", "zh", intent)]


def test_a_curated_topic_is_said_in_the_words_of_its_rasa_response():
    (message,) = run(FakeRetriever(SearchResult("answer", [EARLY_REPAYMENT])), "提前还要钱吗",
                     intent="faq_loan")
    assert message["response"] == "utter_faq_loan/early_repayment"


def test_a_topic_the_serving_model_was_not_trained_on_is_not_said_yet():
    unknown = {**DOMAIN, "responses": {name: variations for name, variations
                                       in DOMAIN["responses"].items() if "/" not in name}}
    (message,) = run(FakeRetriever(SearchResult("answer", [EARLY_REPAYMENT])), "提前还要钱吗",
                     domain=unknown)
    assert message["response"] == "utter_kb_dont_know"
    (message,) = run(FakeRetriever(SearchResult("suggest", [EARLY_REPAYMENT, SETTLEMENT])), "还",
                     domain=unknown)
    assert [b["title"] for b in message["buttons"]][:-1] == ["贷款还清后怎么开结清证明？"]


def test_in_the_questionnaire_what_is_no_question_is_told_the_answers_it_takes():
    latest = {"text": "I'm 40 years old", "intent": {"name": "faq_loan"}, "entities": []}
    tracker = Tracker("c-1", {**initial_slots(), "language": "en"}, latest, [], False, None,
                      {"name": "risk_form"}, "action_listen")
    dispatcher = CollectingDispatcher()
    asyncio.run(ActionAnswerQuestion(FakeRetriever(SearchResult("none", [])),
                                     Catalogue(the_products)).run(
        dispatcher, tracker, DOMAIN))
    assert dispatcher.messages[0]["response"] == "utter_risk_answer_invalid"
