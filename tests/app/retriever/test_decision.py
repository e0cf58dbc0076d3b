"""The answer decision: answer, suggest or decline by the model's chance, the features it
weighs, and the logistic fit behind it (the calibration has tests of its own:
test_calibration.py)."""

import numpy as np
import pytest

from retriever.decision import AnswerModel, RasaReading, decide, features, fit_logistic
from retriever.search import Hit, Reading, language_of
from tests.app.retriever.fakes import curated_project

BY_SCORE = AnswerModel({"score": 20.0}, -18.0, 0.5, 0.5)  # answers from 0.9, suggests from 0.5


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
