"""The answer decision, fitted on the index's own calibration questions.

    python -m retriever.calibrate                      # the project's knowledge base and FAQs
    python -m retriever.calibrate --kb-jsonl faq.jsonl # any knowledge base in the import form

A decision fitted on one knowledge base does not transfer to another (a bank's own FAQ scores
differently), so the retriever calibrates whatever it indexes, every time the index is built:

- a fixed fifth of every entry's paraphrases (never its question, chosen by a hash of the text,
  so the split is the same every time) is held out: the encoder's fine-tuning never sees it
  (retriever/encoder/finetune.py) and the calibration index leaves it out;
- each held-out text is asked as a question of that smaller index, and so is every out-of-scope
  training example (nlu/train/out_of_scope.yml: weather, jokes, other banks...), which must never
  be answered;
- where the knowledge base comes with questions written as customers type them, for calibration
  only (retriever/calibration/*.jsonl: an entry's id, or none for a question the bank cannot
  answer), an entry with such questions is probed by them instead of its paraphrases (rewordings
  of the entry's own question are harder to place than customers' questions, which tell their
  situation), and the unanswerable ones are asked as out-of-scope questions. The folder is
  `calibration.questions` in retriever/config.yml; `--questions` with no file calibrates on the
  paraphrases alone;
- the answer decision's model (retriever/decision.py) is fitted on these questions: whether the
  retriever's best answer was right, from the score, its lead, its distance from what the bank
  does not serve, the words' own ranking and, when the readings of the model Rasa serves are
  known (retriever/readings.py), whether Rasa filed the question under the same kind of answer;
- its bar: the lowest estimated chance of being right at which the answers are right at least
  `precision` of the time in each language (an out-of-scope question answered counts as wrong);
- suggest: the score that at most `stray_rate` of the out-of-scope questions reach, so they get
  "I don't know" and the offer of a person instead of suggestions.

Prints the model, and precision and coverage per language at its bar. Deterministic: the same
encoder, texts, readings and settings give the same decision.
"""

import argparse
import json
import sys
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from core import knowledge_base as kb
from retriever.decision import AnswerModel, RasaReading, features, fit, matrix
from retriever.faq import examples
from retriever.search import Searcher, language_of

HELD_OUT_EVERY = 5


@dataclass(frozen=True)
class Asked:
    """A question as a customer would type it, kept for calibration only: the entry whose answer
    is right, or None when nothing the bank has answers it."""
    text: str
    entry: str | None


def customer_questions(paths: Sequence[Path]) -> list[Asked]:
    """The calibration questions in JSONL files ({"question": ..., "id": ...}; no id: the bank
    cannot answer it); a folder means every *.jsonl in it."""
    files: list[Path] = []
    for path in paths:
        files += sorted(path.glob("*.jsonl")) if path.is_dir() else [path] if path.exists() else []
    asked = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if line.strip():
                item = json.loads(line)
                if not isinstance(item.get("question"), str) or not item["question"].strip():
                    raise ValueError(f"{path.name} line {number}: needs a question")
                asked.append(Asked(item["question"].strip(), item.get("id") or None))
    return asked


def held_out(text: str) -> bool:
    """Whether a paraphrase belongs to the calibration split (about one in HELD_OUT_EVERY)."""
    return zlib.crc32(text.encode("utf-8")) % HELD_OUT_EVERY == 0


def split(entries: Sequence[kb.Entry]) -> tuple:
    """(the entries without their held-out paraphrases, [(held-out text, entry id)])."""
    kept, probes = [], []
    for entry in entries:
        sides = {}
        for language, side in entry.sides.items():
            out = [text for text in side.paraphrases if held_out(text)]
            probes += [(text, entry.id) for text in out]
            sides[language] = replace(side, paraphrases=[p for p in side.paraphrases
                                                         if not held_out(p)])
        kept.append(replace(entry, sides=sides))
    return kept, probes


@dataclass
class Calibration:
    model: AnswerModel
    figures: dict[str, dict] = field(default_factory=dict)  # per language, and the strays


def calibration_questions(entries: Sequence[kb.Entry], questions: Sequence[Asked],
                          strays: Sequence[str]) -> tuple:
    """([(question, the entry that answers it)], [questions nothing answers]): an entry's
    customer questions where it has some, else its held-out paraphrases; the out-of-scope
    examples and the customer questions without an entry."""
    _, probes = split(entries)
    known = {entry.id for entry in entries}
    asked = [(q.text, q.entry) for q in questions if q.entry in known]
    probed = {entry for _, entry in asked}
    probes = [(text, owner) for text, owner in probes if owner not in probed] + asked
    return probes, list(strays) + [q.text for q in questions if q.entry is None]


def calibrate(entries: Sequence[kb.Entry], encoder, lexical_weight: float, strays: list[str],
              cache: dict[str, np.ndarray] | None = None, precision: float = 0.9,
              stray_rate: float = 0.1, questions: Sequence[Asked] = (),
              readings: dict[str, RasaReading] | None = None) -> Calibration:
    """readings: Rasa's reading of each calibration question by the model it serves (None:
    unknown, and the decision leaves Rasa out)."""
    cache = cache if cache is not None else {}
    kept, _ = split(entries)
    probes, strays = calibration_questions(entries, questions, strays)
    # The strays are also what the bank knows it does not serve (Searcher's outside); each is
    # compared with the others, not with itself.
    searcher = Searcher(list(kept), encoder, lexical_weight, cache, strays)
    texts = [text for text, _ in probes] + list(strays)
    if encoder is not None:
        missing = sorted({text for text in texts if text not in cache})
        if missing:
            cache.update(zip(missing, encoder.encode(missing), strict=True))
    # Rasa's readings count only if they cover every question: another model's would mislead.
    read = readings or {}
    rasa_read = bool(read) and all(text in read for text in texts)
    folded = {entry.id: entry.near_faq for entry in entries
              if entry.near_faq and any(e.id == entry.near_faq for e in entries)}
    rows, right, top, language = [], [], [], []
    for text, owner in [*probes, *((text, None) for text in strays)]:
        reading = searcher.read(text, 2, cache[text] if encoder is not None else None,
                                leave_out=text if owner is None else None)
        rows.append(features(text, reading, read.get(text) if rasa_read else None))
        right.append(owner is not None and bool(reading.hits)
                     and reading.hits[0].entry.id == folded.get(owner, owner))
        top.append(reading.hits[0].score if reading.hits else -1.0)
        language.append(language_of(text))
    x, is_right, best = matrix(rows), np.array(right, bool), np.array(top)
    languages = np.array(language)
    stray = np.arange(len(texts)) >= len(probes)
    suggest = round(float(np.quantile(best[stray], 1 - stray_rate)), 4) if stray.any() else 0.0
    model = fit(x, is_right, languages, precision, suggest, rasa_read)
    answered = model.chances(x) >= model.answer
    figures: dict[str, dict] = {}
    for lang in ("zh", "en"):
        mine = (languages == lang) & ~stray
        if not mine.any():
            continue
        wrong_strays = int((answered & stray & (languages == lang)).sum())
        total = int((answered & mine).sum()) + wrong_strays
        figures[lang] = {
            "questions": int(mine.sum()),
            "hit@1": round(float(is_right[mine].mean()), 4),
            "answer_coverage": round(float((answered & mine).sum() / mine.sum()), 4),
            "answer_precision": round(float((is_right & answered & mine).sum() / total), 4)
            if total else 1.0,
            "out_of_scope_answered": wrong_strays}
    figures["out_of_scope"] = {"questions": int(stray.sum()),
                               "answered": int((answered & stray).sum()),
                               "suggested": int(((best >= suggest) & ~answered & stray).sum())}
    figures["rasa_readings"] = {"used": rasa_read}
    return Calibration(model, figures)


def out_of_scope_examples(project: Path) -> list[str]:
    """The out-of-scope training examples: questions no knowledge base here should answer."""
    path = project / "nlu" / "train" / "out_of_scope.yml"
    return examples([path]).get("out_of_scope", []) if path.exists() else []


def main(argv: list[str] | None = None) -> int:
    from core.config import get_settings
    from retriever import faq, readings
    from retriever.service import default_encoder, load_tuning

    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m retriever.calibrate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--knowledge", type=Path, default=settings.knowledge_dir)
    parser.add_argument("--kb-jsonl", type=Path, help="a knowledge base in the JSONL import form")
    parser.add_argument("--without-faq", action="store_true",
                        help="leave the project's curated FAQ topics out of the index")
    parser.add_argument("--model", type=Path, default=settings.retriever_model_dir)
    parser.add_argument("--questions", type=Path, nargs="*",
                        help="calibration questions as customers type them (JSONL files or "
                             "folders; default: the folder retriever/config.yml names)")
    parser.add_argument("--readings", type=Path, default=settings.rasa_readings_path,
                        help="Rasa's readings of the calibration questions (nlu/read.py)")
    args = parser.parse_args(argv)
    tuning = load_tuning(settings.retriever_config)
    questions = (customer_questions(args.questions) if args.questions is not None
                 else tuning.customer_questions())
    entries = (kb.import_jsonl(args.kb_jsonl.read_text(encoding="utf-8").splitlines())
               if args.kb_jsonl else kb.load(args.knowledge))
    if not args.without_faq:
        entries += faq.load_topics(settings.training_data_dir)
    found = calibrate(entries, default_encoder(settings, args.model), tuning.lexical_weight,
                      out_of_scope_examples(settings.training_data_dir), None,
                      tuning.precision, tuning.stray_rate, questions,
                      readings.load(args.readings))
    model = found.model
    print(f"{len(entries)} entries; answer at a chance of {model.answer} (precision target "
          f"{tuning.precision}), suggest from score {model.suggest}; weights {model.weights}, "
          f"intercept {model.intercept}")
    for name, values in found.figures.items():
        print(f"{name:13}", "  ".join(f"{k} {v}" for k, v in values.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
