"""The retriever's parts without the transformer: the knowledge-base files and JSONL, the
lexical index, the fused search with a stand-in encoder, the decision, and the HTTP service
(limits, languages, live reload of edits)."""

import json
import time
import zlib

import numpy as np
import pytest
import yaml
from fastapi.testclient import TestClient

from core import knowledge_base as kb
from core.config import Settings
from retriever import service as service_module
from retriever.decision import AnswerModel, RasaReading, decide, features, fit_logistic
from retriever.lexical import terms
from retriever.search import Hit, Reading, Searcher, language_of
from retriever.service import create_app

# A decision set by hand for the service's tests (a best score of 0.9 answers); the calibration
# has tests of its own below.
CONFIG = ("lexical_weight: 0.1\n"
          "decision: {weights: {score: 20}, intercept: -18, answer: 0.5, suggest: 0.35}\n")
BY_SCORE = AnswerModel({"score": 20.0}, -18.0, 0.5, 0.5)  # answers from 0.9, suggests from 0.5

ENTRIES = [
    {"id": "ac-transfer-time", "category": "account", "source": "demo bank policy",
     "zh": {"question": "转账多久到账？",
            "paraphrases": ["跨行转账几点能到", "转出去的钱什么时候到"],
            "answer": "默认实时到账。"},
     "en": {"question": "How long does a transfer take?",
            "paraphrases": ["when will my transfer arrive", "transfer arrival time"],
            "answer": "Transfers arrive at once by default."}},
    {"id": "sv-deposit-insurance", "category": "service", "source": "存款保险条例 (2015)",
     "zh": {"question": "存款保险保多少？",
            "paraphrases": ["存款保险赔付上限", "银行倒闭存款能拿回多少"],
            "answer": "每位存款人在同一家银行最高50万元。"},
     "en": {"question": "How much does deposit insurance cover?",
            "paraphrases": ["deposit insurance limit", "if the bank fails how much do i get back"],
            "answer": "Up to 500,000 yuan per depositor per bank."}},
    {"id": "ln-settlement-certificate", "category": "loans", "source": "demo bank policy",
     "zh": {"question": "贷款还清后怎么开结清证明？",
            "paraphrases": ["结清证明在哪里下载", "还完带款要个证明"],
            "answer": "在App贷款页面下载结清证明，1个工作日内生成。"},
     "en": {"question": "How do I get a loan settlement certificate?",
            "paraphrases": ["proof that my loan is paid off", "settlement letter for my loan"],
            "answer": "Download it from the loan page in the app within 1 working day."}},
]


class FakeEncoder:
    """Character-bigram hashing: similar texts get similar vectors, deterministically."""

    dimension = 256

    def __init__(self):
        self.encoded = []

    def encode(self, texts):
        self.encoded += list(texts)
        rows = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in zip(rows, texts, strict=True):
            lowered = text.lower()
            for i in range(len(lowered) - 1):
                row[zlib.crc32(lowered[i:i + 2].encode()) % self.dimension] += 1.0
            row /= np.linalg.norm(row) or 1.0
        return rows

    def encode_question(self, text):
        return self.encode([text])[0]


def write_kb(folder, entries=ENTRIES, name="test.yml"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(yaml.safe_dump({"version": 1, "entries": entries},
                                              allow_unicode=True), encoding="utf-8")


@pytest.fixture
def entries(tmp_path):
    write_kb(tmp_path / "kb")
    return kb.load(tmp_path / "kb")


def test_the_knowledge_base_loads_and_refuses_bad_files(tmp_path, entries):
    assert [e.id for e in entries] == ["ac-transfer-time", "sv-deposit-insurance",
                                       "ln-settlement-certificate"]
    assert entries[0].sides["zh"].texts()[1] == "跨行转账几点能到"
    write_kb(tmp_path / "kb", ENTRIES[:1], name="again.yml")
    with pytest.raises(kb.KnowledgeBaseError, match="already used"):
        kb.load(tmp_path / "kb")
    broken = [{**ENTRIES[0], "zh": {"question": "x", "answer": ""}}]
    write_kb(tmp_path / "broken", broken)
    with pytest.raises(kb.KnowledgeBaseError, match="zh.answer"):
        kb.load(tmp_path / "broken")


def test_the_project_knowledge_base_is_valid_and_bilingual():
    entries = kb.load()
    assert len(entries) >= 200
    for entry in entries:
        assert set(entry.sides) == {"zh", "en"}, entry.id
        for side in entry.sides.values():
            assert len(side.paraphrases) >= 3, entry.id


def test_jsonl_import_and_export_round_trip(entries):
    lines = list(kb.export_jsonl(entries))
    assert json.loads(lines[0])["lang"] == "zh"
    assert kb.import_jsonl(lines) == entries
    with pytest.raises(kb.KnowledgeBaseError, match="line 1: lang"):
        kb.import_jsonl(['{"id": "x", "question": "q", "answer": "a", "lang": "fr"}'])
    with pytest.raises(kb.KnowledgeBaseError, match="line 2: not JSON"):
        kb.import_jsonl(['{"id": "x", "question": "q", "answer": "a", "lang": "en"}', "{oops"])


def test_terms_cut_chinese_into_words_and_bigrams_and_keep_latin_words():
    found = terms("提前还款要手续费吗 early repayment fee?")
    assert {"提前", "还款", "手续费", "前还", "early", "repayment", "fee"} <= set(found)


@pytest.mark.parametrize("encoder", [None, FakeEncoder()])
@pytest.mark.parametrize("query, expected", [
    ("跨行转账什么时候能到账", "ac-transfer-time"),
    ("how long until my transfer arrives", "ac-transfer-time"),
    ("存款保险最多赔多少", "sv-deposit-insurance"),
    ("贷款结清证明怎么弄", "ln-settlement-certificate"),
])
def test_search_finds_the_entry_by_its_question_or_paraphrases(entries, encoder, query, expected):
    hits = Searcher(entries, encoder, 0.1).search(query)
    assert hits[0].entry.id == expected


def test_an_edit_encodes_only_the_new_texts(entries):
    encoder, cache = FakeEncoder(), {}
    Searcher(entries, encoder, 0.1, cache)
    first = len(encoder.encoded)
    entries[0].sides["en"].paraphrases.append("wire transfer timing")
    Searcher(entries, encoder, 0.1, cache)
    assert encoder.encoded[first:] == ["wire transfer timing"]


def read(*hits, outside=float("-inf"), words_first=None, words_score=0.0):
    return Reading(list(hits), outside, words_first, words_score)


def test_the_decision_answers_suggests_or_declines_by_the_models_chance(entries):
    hit = lambda score: Hit(entries[0], score)  # noqa: E731
    answered = decide("q", read(hit(0.95), hit(0.6)), BY_SCORE)
    assert answered.kind == "answer" and answered.chance > 0.5
    suggested = decide("q", read(hit(0.7), hit(0.6), hit(0.55), hit(0.52)), BY_SCORE)
    assert (suggested.kind, len(suggested.hits)) == ("suggest", 3)
    assert decide("q", read(hit(0.4)), BY_SCORE).kind == "none"
    assert decide("q", read(), BY_SCORE).kind == "none"
    assert language_of("转账") == "zh" and language_of("transfer 5k") == "en"


def test_the_features_say_what_is_known_about_the_best_answer(tmp_path, entries):
    from retriever import faq
    from retriever.decision import FEATURES

    topic = faq.load_topics(curated_project(tmp_path))[0]
    reading = read(Hit(topic, 0.8), Hit(entries[0], 0.75), outside=0.6,
                   words_first=topic.id, words_score=0.4)
    named = dict(zip(FEATURES, features("转账多久", reading, RasaReading("faq_service", 0.9)),
                     strict=True))
    assert named == pytest.approx({
        "score": 0.8, "lead": 0.05, "above_outside": 0.2, "rasa_agrees": 1.0,
        "rasa_confidence": 0.9, "words_agree": 1.0, "words_score": 0.4,
        "knowledge_entry": 0.0, "chinese": 1.0})
    # Rasa filing it under another kind of answer is no evidence for this one
    other = dict(zip(FEATURES, features("how long", reading,
                                        RasaReading("knowledge_question", 1.0)), strict=True))
    assert (other["rasa_agrees"], other["rasa_confidence"], other["chinese"]) == (0, 0, 0)


def test_the_logistic_fit_matches_the_textbook_one():
    # scikit-learn 1.1.3's LogisticRegression(C=1) on the same points: [1.1260], -1.4707
    x = np.array([[0.0], [1.0], [2.0], [3.0], [1.5], [0.5]])
    y = np.array([0, 0, 1, 1, 1, 0])
    weights, intercept = fit_logistic(x, y)
    assert weights == pytest.approx([1.1260], abs=1e-3)
    assert intercept == pytest.approx(-1.4707, abs=1e-3)
    weights, _ = fit_logistic(np.hstack([x, np.zeros((6, 1))]), y)
    assert weights[1] == 0  # a feature never seen carries no weight


@pytest.fixture
def service(tmp_path):
    write_kb(tmp_path / "kb")
    config = tmp_path / "config.yml"
    config.write_text(CONFIG)
    settings = Settings(knowledge_dir=tmp_path / "kb", retriever_config=config,
                        knowledge_poll_seconds=0.2, data_dir=tmp_path, training_data_dir=tmp_path)
    with TestClient(create_app(settings, encoder_factory=lambda _: FakeEncoder())) as client:
        client.kb_dir = tmp_path / "kb"
        yield client


def test_the_service_answers_in_the_questions_language(service):
    body = service.post("/search", json={"query": "转账多久到账？"}).json()
    assert body["decision"] == "answer" and body["answer"]["answer"] == "默认实时到账。"
    assert body["answer"]["source"] == "demo bank policy"
    body = service.post("/search", json={"query": "How long does a transfer take?"}).json()
    assert body["answer"]["answer"] == "Transfers arrive at once by default."


def test_unsure_suggests_and_nothing_says_none(service):
    body = service.post("/search", json={"query": "deposit insurance for my savings account"})
    body = body.json()
    assert body["decision"] == "suggest"
    assert body["suggestions"][0]["id"] == "sv-deposit-insurance"
    assert service.post("/search", json={"query": "今天天气怎么样"}).json()["decision"] == "none"
    entry = service.get("/entries/sv-deposit-insurance", params={"language": "en"}).json()
    assert entry["answer"] == "Up to 500,000 yuan per depositor per bank."
    assert service.get("/entries/nope").status_code == 404


@pytest.mark.parametrize("body, status, reason", [
    ({"query": "   "}, 400, "empty"),
    ({"query": "转" * 2001}, 413, "2000"),
    ({"query": 123}, 400, "query"),
    ({"question": "hi"}, 400, "query"),
    ({"query": "hi", "language": "fr"}, 400, "language"),
])
def test_bad_queries_get_a_reason(service, body, status, reason):
    response = service.post("/search", json=body)
    assert response.status_code == status
    assert reason in response.json()["detail"]


def test_an_edit_is_live_within_five_seconds_and_a_broken_one_changes_nothing(service):
    added = {"id": "ac-card-activation", "category": "account", "source": "demo bank policy",
             "zh": {"question": "新卡怎么激活？", "paraphrases": ["激活借记卡"],
                    "answer": "在App里激活。"},
             "en": {"question": "How do I activate my new card?",
                    "paraphrases": ["card activation"], "answer": "Activate it in the app."}}
    write_kb(service.kb_dir, [*ENTRIES, added])
    deadline = time.monotonic() + 5
    while service.post("/search", json={"query": "新卡怎么激活？"}).json()["decision"] != "answer":
        assert time.monotonic() < deadline, "the edit was not live within 5 s"
        time.sleep(0.1)
    (service.kb_dir / "test.yml").write_text("entries: [oops", encoding="utf-8")
    time.sleep(0.6)
    assert service.get("/health").json()["entries"] == 4


def test_the_evaluation_command_takes_any_jsonl_knowledge_base_and_queries(tmp_path, entries,
                                                                            capsys):
    from retriever.evaluate import main

    (tmp_path / "kb.jsonl").write_text("\n".join(kb.export_jsonl(entries)), encoding="utf-8")
    queries = [{"id": "ac-transfer-time", "question": "钱转出去多久能到对方卡上", "lang": "zh"},
               {"id": "sv-deposit-insurance", "question": "is my savings insured", "lang": "en"}]
    (tmp_path / "q.jsonl").write_text("\n".join(json.dumps(q, ensure_ascii=False)
                                                for q in queries), encoding="utf-8")
    assert main(["--kb-jsonl", str(tmp_path / "kb.jsonl"), "--queries", str(tmp_path / "q.jsonl"),
                 "--json", str(tmp_path / "figures.json")]) == 0
    printed = capsys.readouterr().out
    assert "3 entries, 2 queries" in printed and "lexical only" in printed
    figures = json.loads((tmp_path / "figures.json").read_text())
    assert figures["retriever"]["zh"]["hit@1"] == 1.0
    assert set(figures["lexical only"]["en"]) == {"queries", "hit@1", "hit@5", "mrr"}


def test_a_bank_loads_its_own_faq_from_jsonl_and_exports_it_again(tmp_path, entries, capsys):
    faq = tmp_path / "faq.jsonl"
    faq.write_text("\n".join(kb.export_jsonl(entries)), encoding="utf-8")
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    assert kb.main(["import", str(faq), "--into", str(knowledge / "bank.yml")]) == 0
    assert kb.load(knowledge) == entries
    assert kb.main(["import", str(faq), "--into", str(knowledge / "again.yml")]) == 2
    assert "already used" in capsys.readouterr().err
    assert kb.main(["export", "--knowledge", str(knowledge), "--out", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out").read_text(encoding="utf-8").splitlines() == \
        list(kb.export_jsonl(entries))


@pytest.fixture
def stored(tmp_path):
    """Settings with an embedding store of their own, and a factory of fake encoders of one
    model (each one built is kept, to see what it encoded)."""
    write_kb(tmp_path / "kb")
    config = tmp_path / "config.yml"
    config.write_text(CONFIG)
    settings = Settings(knowledge_dir=tmp_path / "kb", retriever_config=config,
                        data_dir=tmp_path, cache_dir=tmp_path / "cache", training_data_dir=tmp_path)
    encoders = []

    def factory(*_):
        encoder = FakeEncoder()
        encoder.identity = "fake-model-1"
        encoders.append(encoder)
        return encoder

    return settings, factory, encoders


def test_a_restart_reuses_the_stored_embeddings(stored):
    settings, factory, encoders = stored
    for _ in range(2):
        with TestClient(create_app(settings, encoder_factory=factory)) as client:
            assert client.post("/search", json={"query": "转账多久到账？"}).json()["decision"] \
                == "answer"
    assert len(encoders[0].encoded) > 12  # every text at first
    assert encoders[1].encoded == ["转账多久到账？"]  # then only the question asked


def test_the_index_built_at_install_lets_the_service_start_without_encoding(stored,
                                                                             monkeypatch):
    settings, factory, encoders = stored
    monkeypatch.setattr(service_module, "get_settings", lambda: settings)
    monkeypatch.setattr(service_module, "default_encoder", factory)
    assert service_module.main(["--build"]) == 0
    assert len(encoders[0].encoded) > 12
    with TestClient(create_app(settings, encoder_factory=factory)) as client:
        assert client.get("/health").status_code == 200
    assert encoders[1].encoded == []


FAQ_TRAINING = ('version: "3.1"\nnlu:\n- intent: faq_service/transfers\n  examples: |\n'
                "    - 转账多久能到\n    - 转出去的钱几点到账\n    - transfer arrival times\n"
                "- intent: out_of_scope\n  examples: |\n    - 今天天气怎么样\n")
FAQ_DOMAIN = ('version: "3.1"\nresponses:\n  utter_faq_service/transfers:\n  - text: "实时到账。"\n'
              "  - condition:\n    - type: slot\n      name: language\n      value: en\n"
              '    text: "At once."\n')


def curated_project(root):
    (root / "nlu" / "train").mkdir(parents=True)
    (root / "bot" / "domain").mkdir(parents=True)
    (root / "nlu" / "train" / "faq_service.yml").write_text(FAQ_TRAINING, encoding="utf-8")
    (root / "bot" / "domain" / "faq_service.yml").write_text(FAQ_DOMAIN, encoding="utf-8")
    return root


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


def test_a_close_call_between_two_answers_is_a_question_back(entries):
    model = AnswerModel({"score": 10.0, "lead": 40.0}, -12.0, 0.5, 0.5)
    clear = decide("q", read(Hit(entries[0], 0.95), Hit(entries[1], 0.7)), model)
    close = decide("q", read(Hit(entries[0], 0.95), Hit(entries[1], 0.93)), model)
    assert clear.kind == "answer"
    assert (close.kind, [h.entry.id for h in close.hits]) == (
        "suggest", ["ac-transfer-time", "sv-deposit-insurance"])


def test_rasa_agreeing_is_evidence_and_nearness_to_what_the_bank_does_not_serve_counts_against(
        tmp_path, entries):
    from retriever import faq

    topic = faq.load_topics(curated_project(tmp_path))[0]
    model = AnswerModel({"score": 10.0, "rasa_agrees": 3.0, "rasa_confidence": 1.0,
                         "above_outside": 10.0}, -13.0, 0.5, 0.5)
    hits = read(Hit(topic, 0.8), Hit(entries[0], 0.75), outside=0.5)
    assert decide("q", hits, model).kind == "suggest"  # alone: not sure enough
    assert decide("q", hits, model, RasaReading("faq_service", 0.95)).kind == "answer"
    assert decide("q", hits, model, RasaReading("faq_service", 0.1)).kind == "answer"
    assert decide("q", hits, model, RasaReading("knowledge_question")).kind == "suggest"
    entry_first = read(Hit(entries[0], 0.8), Hit(topic, 0.7), outside=0.5)
    assert decide("q", entry_first, model, RasaReading("knowledge_question")).kind == "answer"
    # ...but not when the question is as near to something the bank does not serve
    near_outside = read(Hit(topic, 0.8), Hit(entries[0], 0.75), outside=0.85)
    assert decide("q", near_outside, model, RasaReading("faq_service")).kind == "suggest"


def test_the_searcher_scores_how_near_a_question_comes_to_what_the_bank_does_not_serve(entries):
    outside = ["can i get a mortgage from you", "credit card annual fee"]
    searcher = Searcher(entries, FakeEncoder(), 0.1, outside=outside)
    reading = searcher.read("do you give mortgages", 3)
    assert reading.hits == searcher.search("do you give mortgages", 3)
    assert reading.outside > searcher.read("how long does a transfer take", 3).outside
    assert reading.outside > reading.hits[0].score
    fee = "credit card annual fee"
    assert searcher.outside.score(fee, None, leave_out=fee) < searcher.outside.score(fee)
    assert searcher.read(fee, 3, leave_out=fee).outside < searcher.read(fee, 3).outside
    assert Searcher(entries, FakeEncoder(), 0.1).read("anything", 3).outside == float("-inf")
    words = searcher.read("deposit insurance limit", 3)  # the words alone find it too
    assert (words.words_first, words.hits[0].entry.id) == ("sv-deposit-insurance",) * 2
    assert words.words_score > 0


def test_calibration_answers_what_its_held_out_split_shows_it_answers_right(monkeypatch):
    from retriever import calibrate

    # Every "p" paraphrase is held out; an entry's texts share a word the others lack.
    monkeypatch.setattr(calibrate, "held_out", lambda text: text.startswith("p "))
    words = ["transfer", "insurance", "certificate", "activation", "statement", "exchange"]
    entries = [kb.Entry(f"e{n}", "test", "", {"en": kb.Side(
        f"how about {word}", f"answer {n}", [f"{word} please", f"my {word}", f"p {word} now",
                                              f"p the {word}"])}) for n, word in enumerate(words)]
    found = calibrate.calibrate(entries, FakeEncoder(), 0.1, ["what is the weather like"],
                                precision=0.97)
    assert found.figures["en"]["questions"] == 12
    assert found.figures["en"]["hit@1"] == 1.0 and found.figures["en"]["answer_precision"] == 1.0
    assert found.figures["en"]["answer_coverage"] >= 0.5
    assert found.figures["out_of_scope"]["answered"] == 0  # what must not be answered is not
    assert 0 < found.model.answer < 1 and found.model.weights["score"] > 0
    assert found.figures["rasa_readings"] == {"used": False}  # none given


def test_customer_questions_probe_their_entries_and_unanswerable_ones_are_strays(tmp_path):
    from retriever import calibrate

    words = ["transfer", "insurance", "certificate", "activation", "statement", "exchange"]
    entries = [kb.Entry(f"e{n}", "test", "", {"en": kb.Side(
        f"how about {word}", f"answer {n}", [f"{word} please", f"my {word}"])})
        for n, word in enumerate(words)]
    (tmp_path / "asked.jsonl").write_text(
        '{"id": "e0", "question": "sent a transfer yesterday, where is it", "lang": "en"}\n'
        '{"id": "gone", "question": "an entry since deleted", "lang": "en"}\n\n'
        '{"question": "do you do mortgages", "lang": "en", "topic": "mortgage"}\n',
        encoding="utf-8")
    asked = calibrate.customer_questions([tmp_path, tmp_path / "missing.jsonl"])
    assert asked == [calibrate.Asked("sent a transfer yesterday, where is it", "e0"),
                     calibrate.Asked("an entry since deleted", "gone"),
                     calibrate.Asked("do you do mortgages", None)]
    plain = calibrate.calibrate(entries, FakeEncoder(), 0.1, ["what is the weather like"])
    found = calibrate.calibrate(entries, FakeEncoder(), 0.1, ["what is the weather like"],
                                questions=asked)
    # e0 is probed by its customer's question instead of its held-out paraphrases; the question
    # for a deleted entry is left out; the unanswerable one joins the out-of-scope questions.
    e0_probes = sum(calibrate.held_out(p) for p in entries[0].sides["en"].paraphrases)
    assert found.figures["en"]["questions"] == plain.figures["en"]["questions"] - e0_probes + 1
    assert found.figures["out_of_scope"]["questions"] == 2
    (tmp_path / "bad.jsonl").write_text('{"id": "e0"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="bad.jsonl line 1"):
        calibrate.customer_questions([tmp_path / "bad.jsonl"])


def test_the_calibration_split_is_stable_and_never_the_question():
    from retriever.calibrate import held_out, split

    entries = kb.load()
    kept, probes = split(entries)
    assert 0.12 < len(probes) / sum(len(s.paraphrases) for e in entries for s in e.sides.values()) \
        < 0.28
    assert all(held_out(text) for text, _ in probes)
    assert all(side.question == entry.sides[lang].question
               for entry, k in zip(entries, kept, strict=True) for lang, side in k.sides.items())


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


def test_a_new_knowledge_base_is_calibrated_on_its_own_texts_when_it_goes_live(tmp_path):
    """A bank's own FAQ (imported, or edited in the editor): the decision that answers it is
    chosen on it, not carried over from the knowledge base before."""
    write_kb(tmp_path / "kb")
    config = tmp_path / "config.yml"
    config.write_text("lexical_weight: 0.1\ncalibration: {precision: 0.95, stray_rate: 0.1}\n")
    settings = Settings(knowledge_dir=tmp_path / "kb", retriever_config=config, data_dir=tmp_path,
                        knowledge_poll_seconds=0.2, training_data_dir=tmp_path)
    words = ["transfer", "insurance", "certificate", "activation", "statement", "exchange",
             "mortgage", "pension", "locker", "cheque"]
    bank = [{"id": f"bank-{n}", "category": "bank", "source": "bank FAQ",
             "en": {"question": f"how about {word}", "answer": f"answer {n}",
                    "paraphrases": [f"{word} {tail}" for tail in
                                    ("please", "help", "now", "question", "info", "today")]}}
            for n, word in enumerate(words)]
    with TestClient(create_app(settings, encoder_factory=lambda _: FakeEncoder())) as client:
        before = client.get("/calibration").json()
        write_kb(tmp_path / "kb", bank)
        deadline = time.monotonic() + 5
        while client.get("/health").json()["entries"] != len(bank):
            assert time.monotonic() < deadline, "the new knowledge base was not live within 5 s"
            time.sleep(0.1)
        after = client.get("/calibration").json()
    assert after["figures"]["en"]["questions"] > before["figures"]["en"]["questions"]
    assert after["model"] != before["model"]
    assert after["figures"]["en"]["answer_precision"] >= 0.95
