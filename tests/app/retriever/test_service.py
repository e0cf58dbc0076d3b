"""The retriever's HTTP service with a stand-in encoder: answers in the question's language,
limits, live reload of edits, stored embeddings, and a new knowledge base calibrated when it
goes live."""

import time

import pytest
from fastapi.testclient import TestClient

from core.config import Settings
from retriever import service as service_module
from retriever.service import create_app
from tests.app.core.sample_knowledge import ENTRIES, write_kb
from tests.app.retriever.fakes import FakeEncoder

# A decision set by hand for the service's tests (a best score of 0.9 answers); the calibration
# has tests of its own (test_calibration.py).
CONFIG = ("lexical_weight: 0.1\n"
          "decision: {weights: {score: 20}, intercept: -18, answer: 0.5, suggest: 0.35}\n")


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
