"""The end-to-end evaluation's cases and scoring (no stack): every kind in both languages, held
apart from what the assistant is taught, and a reply scored by what it carries."""

import re

from core import knowledge_base as kb
from core.config import PROJECT_ROOT
from e2e.cases import KINDS, NOT_OFFERED, Case, load_cases, nlu_examples
from e2e.evaluate import Turn, score
from retriever.calibrate import customer_questions

CASES = load_cases()


def _said(*responses):
    return [{"event": "user"}, *({"event": "bot", "metadata": {"utter_action": r}}
                                 for r in responses)]


def _plain(text):
    return re.sub(r"[\s\W_]+", "", text.lower())


def test_every_kind_is_asked_in_both_languages_and_unanswerable_ones_at_least_60_times():
    for language in ("zh", "en"):
        counts = {kind: sum(c.kind == kind and c.language == language for c in CASES)
                  for kind in KINDS}
        assert all(counts.values()), counts
        assert counts["unanswerable"] >= 60


def test_services_the_bank_does_not_offer_are_answered_by_the_entry_that_says_so():
    assert set(NOT_OFFERED.values()) <= {entry.id for entry in kb.load()}
    on_topic = [c for c in CASES if c.kind == "unanswerable" and c.expected in NOT_OFFERED]
    assert {c.expected for c in on_topic} == set(NOT_OFFERED)
    assert all(len(c.answers) == 1 and c.answers[0] for c in on_topic)
    advice = [c for c in CASES if c.kind == "unanswerable" and c.expected == "advice"]
    assert advice and not any(c.answers for c in advice)  # declining is all it can do


def test_the_questions_asked_are_never_taught():
    taught = {_plain(text) for entry in kb.load() for side in entry.sides.values()
              for text in side.texts()}
    taught |= {_plain(q.text) for q in customer_questions([PROJECT_ROOT / "retriever" /
                                                             "calibration"])}
    for path in (PROJECT_ROOT / "nlu" / "train").glob("*.yml"):
        taught |= {_plain(text) for texts in nlu_examples(path).values() for text in texts}
    asked = [c.text for c in CASES if c.kind in ("knowledge", "unanswerable")
             and c.source.startswith(("e2e/", "retriever/heldout"))]
    assert asked and not [text for text in asked if _plain(text) in taught]


def test_a_reply_is_right_only_with_the_expected_answer_and_a_confident_other_fact_is_wrong():
    credit = next(c for c in CASES if c.kind == "unanswerable" and c.expected == "credit_card")
    loans = Case("unanswerable", credit.language, credit.text)
    fact = "随心借日利率0.02%-0.05%。"
    assert score(credit, Turn([{"text": credit.answers[0]}], _said("utter_kb_answer"))) == "right"
    assert score(credit, Turn([{"text": fact}], _said("utter_kb_answer"))) == "wrong"
    assert score(loans, Turn([{"text": "这个我答不了"}], _said("utter_kb_dont_know"))) == "declined"
    buttons = [{"title": "信用卡?", "payload": '/choose_answer{"answer_id": "x"}'}]
    assert score(loans, Turn([{"text": "您是想问", "buttons": buttons}], _said())) == "suggestion"
