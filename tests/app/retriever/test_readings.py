"""Rasa's readings of the calibration questions: kept beside a model, published when it serves,
and used by the decision's fit only when they cover every question."""

import json

from core import knowledge_base as kb
from retriever import calibrate, readings
from retriever.decision import RasaReading
from tests.app.retriever.fakes import FakeEncoder
from web.admin.models import publish_readings, readings_of


def test_a_models_readings_are_published_when_it_serves_and_withdrawn_for_one_without(tmp_path):
    model, bare = tmp_path / "v1.tar.gz", tmp_path / "v0.tar.gz"
    assert readings_of(model) == tmp_path / "v1.readings.json"
    readings_of(model).write_text(json.dumps(
        {"model": "v1.tar.gz", "readings": {"贷款利率多少": ["faq_loan", 0.93]}}))
    live = tmp_path / "data" / "rasa-readings.json"
    assert publish_readings(model, live)
    assert readings.load(live) == {"贷款利率多少": RasaReading("faq_loan", 0.93)}
    assert not publish_readings(bare, live) and not live.exists()
    assert readings.load(live) == {}
    live.write_text("{not json")
    assert readings.load(live) == {}  # a broken file is not trusted, and nothing fails


def entries_and_questions():
    words = ["transfer", "insurance", "certificate", "activation", "statement", "exchange"]
    entries = [kb.Entry(f"e{n}", "test", "", {"en": kb.Side(
        f"how about {word}", f"answer {n}", [f"{word} please", f"my {word}", f"the {word} now",
                                              f"{word} question", f"about {word} today"])})
        for n, word in enumerate(words)]
    probes, strays = calibrate.calibration_questions(entries, [], ["what is the weather like"])
    return entries, probes, strays


def test_the_fit_weighs_rasa_only_with_readings_of_every_calibration_question():
    entries, probes, strays = entries_and_questions()
    assert probes and strays == ["what is the weather like"]
    every = {text: RasaReading("knowledge_question", 0.9) for text, _ in probes}
    every.update({text: RasaReading("out_of_scope", 0.8) for text in strays})
    found = calibrate.calibrate(entries, FakeEncoder(), 0.1, strays, readings=every)
    assert found.figures["rasa_readings"] == {"used": True}
    assert {"rasa_agrees", "rasa_confidence"} <= set(found.model.weights)
    partial = dict(list(every.items())[1:])  # another model's, or an older knowledge base's
    left_out = calibrate.calibrate(entries, FakeEncoder(), 0.1, strays, readings=partial)
    assert left_out.figures["rasa_readings"] == {"used": False}
    assert "rasa_agrees" not in left_out.model.weights
