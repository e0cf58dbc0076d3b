"""The curated FAQ topics, ranked beside the knowledge base's entries.

A curated topic (`faq_wealth/daily_cash`, ...) is Rasa training data: its examples in
nlu/train/faq_*.yml and its answer, the response `utter_faq_wealth/daily_cash` in
bot/domain/faq_*.yml. Here each topic becomes an entry whose texts are its training examples, so
one ranking covers both the curated FAQs and the knowledge base, and one calibrated decision
(retriever/search.py) chooses between them. The answer is still said by Rasa's response (staff
edit its wording in the domain); the text kept here is for the evaluation and for an edit not
yet trained.
"""

import re
from collections.abc import Iterable
from pathlib import Path

import yaml

from core.knowledge_base import Entry, Side

_HAN = re.compile(r"[\u3400-\u9fff]")
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
SOURCE = "curated FAQ"


def examples(paths: Iterable[Path]) -> dict[str, list[str]]:
    """{intent or FAQ topic: its examples in these Rasa NLU files, entity annotations removed}."""
    found: dict[str, list[str]] = {}
    for path in paths:
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if "intent" not in block:
                continue
            for line in str(block.get("examples", "")).splitlines():
                text = line.strip()[2:].strip() if line.strip().startswith("- ") else ""
                if text:
                    found.setdefault(block["intent"], []).append(_ANNOTATION.sub(r"\1", text))
    return found


def answers(paths: Iterable[Path]) -> dict[str, dict[str, str]]:
    """{response name: {language: text}} of these domain files; the variant conditioned on
    language = en is English, the default Chinese."""
    found: dict[str, dict[str, str]] = {}
    for path in paths:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for name, variants in (data.get("responses") or {}).items():
            for variant in variants or []:
                language = next((c.get("value") for c in variant.get("condition") or []
                                 if c.get("name") == "language"), "zh")
                if variant.get("text"):
                    found.setdefault(name, {}).setdefault(language, variant["text"])
    return found


def files(project: Path) -> list[Path]:
    """The files the curated topics are read from (the retriever reloads when one changes)."""
    return [*sorted((project / "nlu" / "train").glob("faq_*.yml")),
            *sorted((project / "bot" / "domain").glob("faq_*.yml"))]


def load_topics(project: Path) -> list[Entry]:
    """Every curated FAQ topic with an answer, as an entry of its examples per language."""
    said = answers(sorted((project / "bot" / "domain").glob("faq_*.yml")))
    topics = []
    for topic, texts in examples(sorted((project / "nlu" / "train").glob("faq_*.yml"))).items():
        response = f"utter_{topic}"
        if "/" not in topic or response not in said:
            continue
        sides = {}
        for language in ("zh", "en"):
            mine = [t for t in texts if bool(_HAN.search(t)) == (language == "zh")]
            answer = said[response].get(language) or said[response].get("zh")
            if mine and answer:
                sides[language] = Side(question=mine[0], answer=answer, paraphrases=mine[1:])
        if sides:
            topics.append(Entry(id=topic, category="faq", source=SOURCE, sides=sides,
                                response=response))
    return topics
