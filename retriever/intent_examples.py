"""Rasa taught the knowledge base's territory: `python -m retriever.intent_examples`.

Rasa's intents know only the questions they were shown, so a knowledge-base question
(卡的pin码想不起来了) used to be filed, often with full confidence, under the nearest
curated FAQ topic or an account or general intent. The intent `knowledge_question` is trained
from every entry's question and paraphrases (both languages) and goes, like the curated FAQ
intents and the fallback, to the one answer decision (actions/knowledge.py, retriever/search.py).
This writes its examples to nlu/train/knowledge.yml (make runs it before training; the file is
written only when it changes). A text that is already another intent's example, or a held-out
test question, is left out.
"""

import argparse
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path

from core import knowledge_base as kb
from core.config import get_settings
from retriever.faq import examples

INTENT = "knowledge_question"
# An entry's question and first paraphrases per language: all of them (about 3,000 examples
# against 100-150 per account intent) made Rasa file plain account requests ("我的卡帮我冻起来")
# under this intent at full confidence.
PER_SIDE = 3
HEADER = ("# Generated from retriever/knowledge/ by `python -m retriever.intent_examples`:\n"
          "# edit the knowledge base, not this file.\n")
_KEY = re.compile(r"[\s\W_]+")


def key(text: str) -> str:
    return _KEY.sub("", text).lower()


def intent_texts(entries: Iterable[kb.Entry], taken: set[str]) -> list[str]:
    found, seen = [], set(taken)
    for entry in entries:
        for side in entry.sides.values():
            for text in side.texts()[:PER_SIDE]:
                one_line = " ".join(text.split())
                if key(one_line) and key(one_line) not in seen and not one_line.startswith("/"):
                    seen.add(key(one_line))
                    found.append(one_line)
    return found


def render(texts: list[str]) -> str:
    def quoted(text: str) -> str:  # YAML block scalar lines: nothing to escape but leading marks
        return text if text[0] not in "[{" else f"\\{text}"

    return (HEADER + 'version: "3.1"\nnlu:\n' + f"- intent: {INTENT}\n  examples: |\n"
            + "".join(f"    - {quoted(text)}\n" for text in texts))


def write(project: Path, knowledge_dir: Path) -> Path | None:
    """Rewrites nlu/train/knowledge.yml from the knowledge base; returns it when it changed."""
    target = project / "nlu" / "train" / "knowledge.yml"
    others = [p for p in sorted((project / "nlu" / "train").glob("*.yml")) if p != target]
    held_out = sorted((project / "nlu" / "test").glob("*.yml"))
    taken = {key(t) for texts in examples([*others, *held_out]).values() for t in texts}
    for path in sorted((project / "retriever" / "heldout").glob("*.jsonl")):
        taken |= {key(json.loads(line)["question"]) for line in
                  path.read_text(encoding="utf-8").splitlines() if line.strip()}
    text = render(intent_texts(kb.load(knowledge_dir), taken))
    if target.exists() and target.read_text(encoding="utf-8") == text:
        return None
    target.write_text(text, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(prog="python -m retriever.intent_examples",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--project", type=Path, default=settings.training_data_dir,
                        help="the training data's folder (nlu/train, nlu/test under it)")
    parser.add_argument("--knowledge", type=Path, default=settings.knowledge_dir)
    args = parser.parse_args(argv)
    changed = write(args.project, args.knowledge)
    print(f"{changed} written" if changed else "nlu/train/knowledge.yml is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
