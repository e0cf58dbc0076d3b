"""How well the retriever finds the right entry: `python -m retriever.evaluate`.

    python -m retriever.evaluate --queries retriever/heldout
    python -m retriever.evaluate --kb-jsonl bank-faq.jsonl --queries bank-queries.jsonl

The knowledge base is the project's (retriever/knowledge/) or any JSONL file in the import form;
a query line is {"id": <the entry it should find>, "question": ..., "lang": "zh" | "en"}. Prints,
per language, hit@1, hit@5, MRR, and answer precision and coverage of the decision the service
would fit on that knowledge base (retriever/calibrate.py; the retriever alone, without Rasa's
readings), for the configured retriever and, beside it, the lexical-only baseline.
"""

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from core import knowledge_base as kb
from core.config import get_settings
from retriever.calibrate import calibrate, out_of_scope_examples
from retriever.decision import AnswerModel, decide
from retriever.search import Searcher
from retriever.service import default_encoder, load_tuning


@dataclass(frozen=True)
class Query:
    expected: str
    question: str
    language: str


def query_files(paths: list[Path]) -> list[Path]:
    """The JSONL files named, a folder meaning every *.jsonl in it."""
    found: list[Path] = []
    for path in paths:
        found += sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    return found


def load_queries(path: Path) -> list[Query]:
    queries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        item = json.loads(line)
        if item.get("lang") not in kb.LANGUAGES or not item.get("id") or not item.get("question"):
            raise ValueError(f"{path.name} line {number}: needs id, question and lang zh|en")
        queries.append(Query(item["id"], item["question"], item["lang"]))
    return queries


@dataclass(frozen=True)
class Ranked:
    query: Query
    ids: list[str]  # best first
    answered: bool  # by the decision, the retriever alone (no Rasa reading)


def rank(searcher: Searcher, queries: list[Query], model: AnswerModel | None,
         depth: int = 5) -> list[Ranked]:
    ranked = []
    for query in queries:
        reading = searcher.read(query.question, top_k=depth)
        answered = model is not None and decide(query.question, reading, model).kind == "answer"
        ranked.append(Ranked(query, [hit.entry.id for hit in reading.hits], answered))
    return ranked


def figures(ranked: list[Ranked], decided: bool) -> dict[str, float]:
    count = len(ranked) or 1
    position = [r.ids.index(r.query.expected) + 1 if r.query.expected in r.ids else None
                for r in ranked]
    result = {
        "queries": len(ranked),
        "hit@1": sum(p == 1 for p in position) / count,
        "hit@5": sum(p is not None and p <= 5 for p in position) / count,
        "mrr": sum(1 / p for p in position if p) / count,
    }
    if decided:
        answered = [r for r in ranked if r.answered]
        right = sum(r.ids[0] == r.query.expected for r in answered)
        result["answer_precision"] = right / len(answered) if answered else 1.0
        result["answer_coverage"] = len(answered) / count
    return result


def by_language(ranked: list[Ranked], decided: bool) -> dict[str, dict]:
    return {language: figures([r for r in ranked if r.query.language == language], decided)
            for language in kb.LANGUAGES if any(r.query.language == language for r in ranked)}


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m retriever.evaluate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=Path, nargs="+", required=True,
                        help="query JSONL files, or folders of them")
    parser.add_argument("--knowledge", type=Path, default=settings.knowledge_dir)
    parser.add_argument("--kb-jsonl", type=Path, help="a knowledge base in the JSONL import form")
    parser.add_argument("--model", type=Path, default=settings.retriever_model_dir)
    parser.add_argument("--config", type=Path, default=settings.retriever_config)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)

    entries = (kb.import_jsonl(args.kb_jsonl.read_text(encoding="utf-8").splitlines())
               if args.kb_jsonl else kb.load(args.knowledge))
    queries = [query for path in query_files(args.queries) for query in load_queries(path)]
    tuning = load_tuning(args.config)
    encoder = default_encoder(settings, args.model)
    systems = {
        "retriever": Searcher(entries, encoder, tuning.lexical_weight),
        "lexical only": Searcher(entries, None, 0.0),
    }
    # The decision the service would fit on this knowledge base, without Rasa's readings: this
    # scores the retriever alone (the end-to-end evaluation, e2e/, scores the whole).
    chosen = calibrate(entries, encoder, tuning.lexical_weight,
                       out_of_scope_examples(settings.training_data_dir), None,
                       tuning.precision, tuning.stray_rate, tuning.customer_questions()).model
    report = {}
    for name, searcher in systems.items():
        mine = chosen if name == "retriever" else None
        report[name] = by_language(rank(searcher, queries, mine), mine is not None)
    print(f"{len(entries)} entries, {len(queries)} queries; the retriever alone answers at a "
          f"chance of {chosen.answer}, lexical weight {tuning.lexical_weight}")
    for name, languages in report.items():
        for language, values in languages.items():
            shown = "  ".join(f"{key} {value:.3f}" if isinstance(value, float) else
                              f"{key} {value}" for key, value in values.items())
            print(f"{name:13} {language}  {shown}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
