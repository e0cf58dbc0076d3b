"""The project's NLU pipeline on public intent benchmarks, for comparison with published results.

    python bench/public_nlu.py banking77 --datasets ../shared/datasets --report reports/x.json
    python bench/public_nlu.py clinc150 ...

BANKING77 (English, 77 banking intents): train on its train split, score its test split.
CLINC150, the banking and credit-card domains (30 intents) plus its out-of-scope training queries as
an `out_of_scope` intent: in-scope accuracy on those intents' test queries and out-of-scope recall
on its out-of-scope test queries (answered `out_of_scope`, or sent to Rasa's fallback).

The pipeline is config.yml's, unchanged, without the ResponseSelectors (these datasets have no
FAQ topics for them to select). The data are read from the shared folder and written only to a
scratch folder, never into the project. Runs on the Rasa side.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Dict, List, Tuple

import structlog
import yaml
from sklearn.metrics import accuracy_score, f1_score

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the model's own components (bot.components), run from anywhere
FALLBACK = "nlu_fallback"
Examples = List[Tuple[str, str]]  # (text, intent)


def banking77(folder: Path) -> Tuple[Examples, Examples]:
    def read(name: str) -> Examples:
        with (folder / "banking77" / name).open(encoding="utf-8") as file:
            return [(row["text"], row["category"]) for row in csv.DictReader(file)]

    return read("train.csv"), read("test.csv")


def clinc150(folder: Path) -> Tuple[Examples, Examples]:
    data = json.loads((folder / "clinc150" / "data_full.json").read_text(encoding="utf-8"))
    domains = json.loads((folder / "clinc150" / "domains.json").read_text(encoding="utf-8"))
    chosen = set(domains["banking"]) | set(domains["credit_cards"])
    train = [(t, i) for t, i in data["train"] if i in chosen]
    train += [(t, "out_of_scope") for t, _ in data["oos_train"]]
    test = [(t, i) for t, i in data["test"] if i in chosen]
    test += [(t, "out_of_scope") for t, _ in data["oos_test"]]
    return train, test


DATASETS = {"banking77": banking77, "clinc150": clinc150}


def write_project(scratch: Path, train: Examples, pipeline: Path) -> Tuple[Path, Path]:
    """A config (the pipeline without ResponseSelectors) and NLU data in `scratch`."""
    config = yaml.safe_load(pipeline.read_text(encoding="utf-8"))
    config["pipeline"] = [c for c in config["pipeline"] if c["name"] != "ResponseSelector"]
    config.pop("policies", None)
    config_path = scratch / "config.yml"
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    by_intent: Dict[str, List[str]] = defaultdict(list)
    for text, intent in train:
        # Rasa reads [..](..) as entity markup; these datasets have none.
        by_intent[intent].append(" ".join(text.replace("[", "(").replace("]", ")").split()))
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in by_intent.items():
        lines += [f"- intent: {intent}", "  examples: |", *(f"    - {t}" for t in texts)]
    nlu_path = scratch / "nlu.yml"
    nlu_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config_path, nlu_path


def train_model(config: Path, nlu: Path, out: Path) -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "rasa", "train", "nlu", "--config", str(config),
                    "--nlu", str(nlu), "--out", str(out), "--fixed-model-name", "bench"],
                   cwd=ROOT, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    return time.monotonic() - started


def predictions(model: Path, texts: List[str]) -> Tuple[List[str], List[str]]:
    """Rasa's answer for each text (nlu_fallback when unsure), and its best intent regardless
    of the fallback (what published results, which never abstain, compare with)."""
    from rasa.core.agent import Agent

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    agent = Agent.load(str(model))
    loop = asyncio.new_event_loop()
    answers, best = [], []
    for text in texts:
        parsed = loop.run_until_complete(agent.parse_message(text))
        answers.append(parsed["intent"]["name"])
        ranking = [r["name"] for r in parsed.get("intent_ranking", []) if r["name"] != FALLBACK]
        best.append(ranking[0] if ranking else parsed["intent"]["name"])
    return answers, best


def score(name: str, test: Examples, predicted: List[str], best: List[str]) -> Dict[str, float]:
    truth = [intent for _, intent in test]
    if name == "banking77":
        return {"accuracy": round(accuracy_score(truth, predicted), 4),
                "macro_f1": round(f1_score(truth, predicted, average="macro"), 4),
                "fallback_rate": round(predicted.count(FALLBACK) / len(predicted), 4),
                "accuracy_without_fallback": round(accuracy_score(truth, best), 4),
                "macro_f1_without_fallback": round(f1_score(truth, best, average="macro"), 4)}
    inside = [(t, p) for t, p in zip(truth, predicted, strict=True) if t != "out_of_scope"]
    outside = [p for t, p in zip(truth, predicted, strict=True) if t == "out_of_scope"]
    return {
        "in_scope_accuracy": round(sum(t == p for t, p in inside) / len(inside), 4),
        "out_of_scope_recall": round(sum(p in ("out_of_scope", FALLBACK) for p in outside)
                                     / len(outside), 4),
        "in_scope_sent_to_fallback": round(sum(p == FALLBACK for _, p in inside) / len(inside), 4),
        # Never abstaining, as published results (an out_of_scope class, no threshold) do.
        "in_scope_accuracy_best_intent": round(
            sum(t == b for t, b in zip(truth, best, strict=True) if t != "out_of_scope")
            / len(inside), 4),
        "out_of_scope_recall_best_intent": round(
            sum(b == "out_of_scope" for t, b in zip(truth, best, strict=True)
                if t == "out_of_scope") / len(outside), 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dataset", choices=sorted(DATASETS))
    parser.add_argument("--datasets", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--limit", type=int, default=0, help="examples per split (a smoke run)")
    parser.add_argument("--config", type=Path, default=ROOT / "config.yml",
                        help="another pipeline to compare (the project's is config.yml)")
    args = parser.parse_args()

    train, test = DATASETS[args.dataset](args.datasets)
    if args.limit:
        train = train[::max(1, len(train) // args.limit)]
        test = test[::max(1, len(test) // args.limit)]
    with tempfile.TemporaryDirectory(prefix=f"bench-{args.dataset}-") as scratch:
        scratch = Path(scratch)
        config, nlu = write_project(scratch, train, args.config)
        seconds = train_model(config, nlu, scratch)
        started = time.monotonic()
        predicted, best = predictions(scratch / "bench.tar.gz", [text for text, _ in test])
        parse_ms = (time.monotonic() - started) / len(test) * 1000
    report = {"dataset": args.dataset, "train_examples": len(train), "test_examples": len(test),
              "intents": len({i for _, i in train}), "training_seconds": round(seconds, 1),
              "parse_ms_mean": round(parse_ms, 1), **score(args.dataset, test, predicted, best),
              "pipeline": f"{args.config.name} without ResponseSelectors",
              "limit": args.limit or None}
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(json.dumps(report, indent=2))
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
