"""The curated FAQ topics beside the knowledge base: ranked with the entries and answered with
their response; an entry that restates a topic answers as that topic, and near_faq marks them."""

from core import knowledge_base as kb
from retriever.search import Searcher
from tests.app.core.sample_knowledge import ENTRIES, write_kb
from tests.app.retriever.fakes import FakeEncoder, curated_project


def test_curated_faq_topics_are_ranked_beside_the_entries_with_their_response(tmp_path):
    from retriever import faq

    topics = faq.load_topics(curated_project(tmp_path))
    assert [(t.id, t.response, t.sides["zh"].answer, t.sides["en"].answer) for t in topics] == [
        ("faq_service/transfers", "utter_faq_service/transfers", "实时到账。", "At once.")]
    write_kb(tmp_path / "kb")
    index = Searcher(kb.load(tmp_path / "kb") + topics, FakeEncoder(), 0.1)
    hits = index.search("转出去的钱几点到账")
    assert hits[0].entry.id == "faq_service/transfers"


def test_an_entry_that_restates_a_curated_topic_answers_as_that_topic(tmp_path):
    from retriever import faq

    topics = faq.load_topics(curated_project(tmp_path))
    marked = [{**ENTRIES[0], "near_faq": "faq_service/transfers"}, *ENTRIES[1:]]
    write_kb(tmp_path / "kb", marked)
    hits = Searcher(kb.load(tmp_path / "kb") + topics, FakeEncoder(), 0.1).search("转账多久到账？")
    assert hits[0].entry.id == "faq_service/transfers"  # the entry's own question, the topic's say
    assert "ac-transfer-time" not in [hit.entry.id for hit in hits]  # one answer, listed once


def test_near_faq_marks_the_entries_the_faq_questions_find(tmp_path, entries, monkeypatch):
    from retriever import near_faq

    faq = tmp_path / "faq_service.yml"
    faq.write_text('version: "3.1"\nnlu:\n- intent: faq_service/transfers\n  examples: |\n'
                   "    - 转账多久到账？\n    - 转账多久到账\n"
                   "    - How long does a transfer take?\n    - 结清证明在哪里下载\n",
                   encoding="utf-8")
    monkeypatch.setattr(near_faq, "FAQ_FILES", [faq])
    searcher = Searcher(entries, FakeEncoder(), 0.1)
    confident = lambda question, reading: reading.hits[0].score >= 0.9  # noqa: E731
    assert near_faq.mark(tmp_path / "kb", searcher, confident) == {
        "ac-transfer-time": "faq_service/transfers"}  # 3 questions find it; the certificate 1
    reloaded = {entry.id: entry.near_faq for entry in kb.load(tmp_path / "kb")}
    assert reloaded == {"ac-transfer-time": "faq_service/transfers",
                        "sv-deposit-insurance": None, "ln-settlement-certificate": None}
