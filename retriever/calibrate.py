"""Choose the retriever's thresholds from held-out questions: `python -m retriever.calibrate`.

- answer: the lowest score at which answers stay right at least `--precision` of the time (0.95)
  in each language, counting questions the knowledge base cannot answer (the held-out
  out-of-scope utterances of the NLU test set: weather, jokes, other banks...) as wrong whenever
  they would be answered;
- suggest: the score that at most `--stray` (10 %) of those unanswerable questions reach, so they
  get "I don't know" and the offer of a person instead of suggestions;
- faq_takeover: for a question Rasa filed under a curated FAQ topic, the score from which the
  knowledge base answers instead (on an entry without near_faq): the score that at most
  `--takeover-rate` (0.6 %) of the curated FAQs' own held-out questions (nlu/test/faq.yml) reach.

Writes them into retriever/config.yml (the lexical weight stays) and prints what they give.
Deterministic: the same model, knowledge base and questions give the same thresholds.
"""

import argparse
import sys
from pathlib import Path
from typing import List, Optional

import numpy as np
import yaml

from retriever import kb
from retriever.evaluate import Query, Ranked, by_language, load_queries, query_files, rank
from retriever.near_faq import nlu_examples
from retriever.search import Searcher, Thresholds, language_of
from retriever.service import default_encoder, load_tuning
from web.core.config import PROJECT_ROOT, get_settings

OUT_OF_SCOPE = PROJECT_ROOT / "nlu" / "test" / "intents.yml"


def unanswerable(path: Path = OUT_OF_SCOPE) -> List[str]:
    """The held-out out-of-scope utterances of the NLU test set."""
    return nlu_examples([path]).get("out_of_scope", [])


def answer_threshold(ranked: List[Ranked], strays: List[float], precision: float) -> float:
    """The lowest top score at which answered questions are right >= `precision`."""
    candidates = sorted({r.top_score for r in ranked} | set(strays))
    for threshold in candidates:
        answered = [r for r in ranked if r.top_score >= threshold]
        wrong_strays = sum(score >= threshold for score in strays)
        total = len(answered) + wrong_strays
        right = sum(r.ids[0] == r.query.expected for r in answered)
        if total and right / total >= precision:
            return round(float(threshold), 4)
    return round(float(max(candidates)) + 1e-4, 4) if candidates else 1.0


def main(argv: Optional[List[str]] = None) -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m retriever.calibrate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--queries", type=Path, nargs="+",
                        default=[PROJECT_ROOT / "retriever" / "heldout"])
    parser.add_argument("--precision", type=float, default=0.95)
    parser.add_argument("--stray", type=float, default=0.10)
    parser.add_argument("--takeover-rate", type=float, default=0.006)
    parser.add_argument("--config", type=Path, default=settings.retriever_config)
    parser.add_argument("--model", type=Path, default=settings.retriever_model_dir)
    args = parser.parse_args(argv)

    tuning = load_tuning(args.config)
    searcher = Searcher(kb.load(settings.knowledge_dir), default_encoder(settings, args.model),
                        tuning.lexical_weight)
    queries: List[Query] = [q for path in query_files(args.queries) for q in load_queries(path)]
    ranked = rank(searcher, queries)
    stray_texts = unanswerable()
    strays = [hits[0].score if hits else float("-inf")
              for hits in (searcher.search(text, 1) for text in stray_texts)]
    answer = max(answer_threshold([r for r in ranked if r.query.language == language],
                                  [score for score, text in zip(strays, stray_texts, strict=True)
                                   if language_of(text) == language], args.precision)
                 for language in kb.LANGUAGES)
    suggest = round(float(min(answer, np.quantile(strays, 1 - args.stray))), 4) \
        if strays else answer
    # Beside a curated FAQ: the score that at most --takeover-rate of the FAQ's own held-out
    # questions reach on an entry that is not a restatement of a curated FAQ (near_faq).
    faq_texts = [text for texts in nlu_examples([PROJECT_ROOT / "nlu" / "test" / "faq.yml"])
                 .values() for text in texts]
    beside = sorted(hits[0].score for hits in (searcher.search(text, 1) for text in faq_texts)
                    if hits and not hits[0].entry.near_faq)
    allowed = int(args.takeover_rate * len(faq_texts))
    takeover = max(answer, round(float(beside[-allowed - 1]) + 1e-4, 4)
                   if len(beside) > allowed else answer)
    config = yaml.safe_load(args.config.read_text(encoding="utf-8"))
    config["thresholds"] = {"answer": answer, "suggest": suggest, "faq_takeover": takeover}
    header = "".join(line + "\n" for line in args.config.read_text(encoding="utf-8").splitlines()
                     if line.startswith("#"))
    args.config.write_text(header + yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    thresholds = Thresholds(answer, suggest)
    print(f"{len(queries)} held-out questions, {len(strays)} unanswerable ones")
    print(f"thresholds: answer {answer}, suggest {suggest}, faq_takeover {takeover} "
          f"(written to {args.config})")
    print(f"curated-FAQ questions the knowledge base would take over: "
          f"{sum(score >= takeover for score in beside)} of {len(faq_texts)}")
    for language, values in by_language(ranked, thresholds).items():
        print(language, "  ".join(f"{k} {v:.3f}" if isinstance(v, float) else f"{k} {v}"
                                  for k, v in values.items()))
    print(f"unanswerable questions answered: {sum(s >= answer for s in strays)}, "
          f"given suggestions: {sum(suggest <= s < answer for s in strays)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
