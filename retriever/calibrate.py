"""The answer decision's thresholds, calibrated on the index's own texts.

    python -m retriever.calibrate                      # the project's knowledge base and FAQs
    python -m retriever.calibrate --kb-jsonl faq.jsonl # any knowledge base in the import form

Thresholds chosen on one knowledge base do not transfer to another (a bank's own FAQ scores
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
- answer and margin: among the pairs whose answers are right at least `precision` of the time in
  each language (an out-of-scope question answered counts as wrong), the one that answers most;
- agreed answer and margin: the same at `agreed_precision` (0.85), used when Rasa's intent
  names the same kind of answer as the retriever's best (its FAQ group for a curated topic,
  knowledge_question for an entry): two independent readings that agree need less of each;
- suggest: the score that at most `stray_rate` of the out-of-scope questions reach, so they get
  "I don't know" and the offer of a person instead of suggestions.

Prints precision and coverage per language at the chosen thresholds. Deterministic: the same
model, texts and settings give the same thresholds.
"""

import argparse
import json
import sys
import zlib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Dict, List, Optional, Sequence

import numpy as np

from retriever import kb
from retriever.faq import examples
from retriever.search import Searcher, Thresholds, language_of

HELD_OUT_EVERY = 5
MARGINS = tuple(round(0.005 * step, 3) for step in range(25))


@dataclass(frozen=True)
class Asked:
    """A question as a customer would type it, kept for calibration only: the entry whose answer
    is right, or None when nothing the bank has answers it."""
    text: str
    entry: Optional[str]


def customer_questions(paths: Sequence[Path]) -> List[Asked]:
    """The calibration questions in JSONL files ({"question": ..., "id": ...}; no id: the bank
    cannot answer it); a folder means every *.jsonl in it."""
    files: List[Path] = []
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
    thresholds: Thresholds
    figures: Dict[str, dict] = field(default_factory=dict)  # per language, and the strays


def _choose(right: np.ndarray, top: np.ndarray, lead: np.ndarray, language: np.ndarray,
            stray_top: np.ndarray, stray_lead: np.ndarray, stray_language: np.ndarray,
            precision: float, inside: Optional[np.ndarray] = None,
            stray_inside: Optional[np.ndarray] = None) -> tuple:
    """(answer, margin) that answers the most probes with precision >= `precision` per language;
    inside / stray_inside: which may be answered at all (nearer an answer than anything outside)."""
    best = (-1, float(top.max(initial=1.0)) + 1e-4, 0.0)
    candidates = np.unique(np.round(top, 3))
    for margin in MARGINS:
        for answer in candidates:
            answered = (top >= answer) & (lead >= margin)
            strays = (stray_top >= answer) & (stray_lead >= margin)
            if inside is not None and stray_inside is not None:
                answered, strays = answered & inside, strays & stray_inside
            fine = True
            for lang in ("zh", "en"):
                mine = answered & (language == lang)
                total = mine.sum() + (strays & (stray_language == lang)).sum()
                if total and (right & mine).sum() / total < precision:
                    fine = False
                    break
            count = int((right & answered).sum())
            if fine and count > best[0]:
                best = (count, float(answer), margin)
                break  # a higher answer threshold at this margin answers fewer
    return round(best[1], 4), best[2]


def calibrate(entries: Sequence[kb.Entry], encoder, lexical_weight: float, strays: List[str],
              cache: Optional[Dict[str, np.ndarray]] = None, precision: float = 0.95,
              stray_rate: float = 0.1, agreed_precision: Optional[float] = 0.85,
              questions: Sequence[Asked] = ()) -> Calibration:
    cache = cache if cache is not None else {}
    kept, probes = split(entries)
    known = {entry.id for entry in entries}
    asked = [(q.text, q.entry) for q in questions if q.entry in known]
    probed = {entry for _, entry in asked}
    probes = [(text, owner) for text, owner in probes if owner not in probed] + asked
    strays = list(strays) + [q.text for q in questions if q.entry is None]
    # The strays are also what the bank knows it does not serve (Searcher's outside); each is
    # compared with the others, not with itself.
    searcher = Searcher(list(kept), encoder, lexical_weight, cache, strays)
    texts = [text for text, _ in probes] + list(strays)
    if encoder is not None:
        missing = sorted({text for text in texts if text not in cache})
        if missing:
            cache.update(zip(missing, encoder.encode(missing), strict=True))

    def ranking(text: str, stray: bool = False) -> tuple:
        vector = cache[text] if encoder is not None else None
        return (searcher.ranked(searcher.scores(text, vector), 2),
                searcher.outside.score(text, vector, leave_out=text if stray else None))

    folded = {entry.id: entry.near_faq for entry in entries
              if entry.near_faq and any(e.id == entry.near_faq for e in entries)}
    rows = []
    for text, owner in probes:
        hits, outside = ranking(text)
        rows.append((hits[0].entry.id == folded.get(owner, owner) if hits else False,
                     hits[0].score if hits else -1.0,
                     hits[0].score - hits[1].score if len(hits) > 1 else 1.0,
                     language_of(text), bool(hits) and hits[0].score > outside))
    stray_rows = []
    for text in strays:
        hits, outside = ranking(text, stray=True)
        stray_rows.append((hits[0].score if hits else -1.0,
                           hits[0].score - hits[1].score if len(hits) > 1 else 1.0,
                           language_of(text), bool(hits) and hits[0].score > outside))
    right, top, lead, language, inside = (np.array(c) for c in zip(*rows, strict=True)) \
        if rows else (np.zeros(0, bool), np.zeros(0), np.zeros(0), np.zeros(0, str),
                      np.zeros(0, bool))
    stray_top, stray_lead, stray_language, stray_inside = (
        np.array(c) for c in zip(*stray_rows, strict=True)) if stray_rows else (
        np.zeros(0), np.zeros(0), np.zeros(0, str), np.zeros(0, bool))
    answer, margin = _choose(right, top, lead, language, stray_top, stray_lead, stray_language,
                             precision)
    suggest = round(float(min(answer, np.quantile(stray_top, 1 - stray_rate))), 4) \
        if len(stray_top) else answer
    agreed = _choose(right, top, lead, language, stray_top, stray_lead, stray_language,
                     agreed_precision, inside, stray_inside) if agreed_precision else (None, 0.0)
    thresholds = Thresholds(answer, suggest, margin, agreed[0], agreed[1])
    figures: Dict[str, dict] = {}
    answered = (top >= answer) & (lead >= margin)
    stray_answered = (stray_top >= answer) & (stray_lead >= margin)
    for lang in ("zh", "en"):
        mine = language == lang
        if not mine.any():
            continue
        wrong_strays = int((stray_answered & (stray_language == lang)).sum())
        total = int((answered & mine).sum()) + wrong_strays
        figures[lang] = {
            "questions": int(mine.sum()),
            "hit@1": round(float(right[mine].mean()), 4),
            "answer_coverage": round(float((answered & mine).sum() / mine.sum()), 4),
            "answer_precision": round(float((right & answered & mine).sum() / total), 4)
            if total else 1.0,
            "out_of_scope_answered": wrong_strays}
    figures["out_of_scope"] = {"questions": len(strays),
                               "answered": int(stray_answered.sum()),
                               "suggested": int(((stray_top >= suggest) & ~stray_answered).sum())}
    return Calibration(thresholds, figures)


def out_of_scope_examples(project: Path) -> List[str]:
    """The out-of-scope training examples: questions no knowledge base here should answer."""
    path = project / "nlu" / "train" / "out_of_scope.yml"
    return examples([path]).get("out_of_scope", []) if path.exists() else []


def main(argv: Optional[List[str]] = None) -> int:
    from retriever import faq
    from retriever.service import default_encoder, load_tuning
    from web.core.config import get_settings

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
                      tuning.precision, tuning.stray_rate, tuning.agreed_precision,
                      questions)
    t = found.thresholds
    print(f"{len(entries)} entries; thresholds: answer {t.answer}, margin {t.margin}; with "
          f"Rasa agreeing {t.agreed_answer}, margin {t.agreed_margin}; suggest {t.suggest} "
          f"(precision targets {tuning.precision} / {tuning.agreed_precision})")
    for name, values in found.figures.items():
        print(f"{name:13}", "  ".join(f"{k} {v}" for k, v in values.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
