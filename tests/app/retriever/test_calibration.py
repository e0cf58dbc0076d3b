"""The decision's calibration on held-out paraphrases and customers' questions, its stable split,
and the evaluation command."""

import json

import pytest

from core import knowledge_base as kb
from tests.app.retriever.fakes import FakeEncoder


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
