"""The Rasa project's files as the app side reads them: NLU examples (nlu/*/*.yml) and responses
(bot/domain/*.yml) as the customer reads them, the bank's facts filled in. The editor writes these
files (web/admin/training_files.py); the retriever and the end-to-end evaluation read them here."""

import re
from collections.abc import Iterable
from pathlib import Path

import yaml

# Rasa's entity markup, [span](entity) or [span]{"entity": ...}: the customer typed the span.
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
# A response's {placeholders}, in Rasa's template syntax: the figures an action fills in, and
# the bank's facts ({bank_hotline}: slots whose initial value is the fact, bot/domain/core.yml).
_PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")
FACT_PREFIX = "bank_"


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def examples(paths: Iterable[Path]) -> dict[str, list[str]]:
    """{intent or FAQ topic: its examples in these NLU files, entity annotations removed}."""
    found: dict[str, list[str]] = {}
    for path in paths:
        for block in _load(path).get("nlu", []):
            if "intent" not in block:
                continue
            for line in str(block.get("examples", "")).splitlines():
                text = line.strip()[2:].strip() if line.strip().startswith("- ") else ""
                if text:
                    found.setdefault(block["intent"], []).append(_ANNOTATION.sub(r"\1", text))
    return found


def placeholders(text: str) -> set[str]:
    """The figures a response's text needs an action to fill in (the bank's facts aside)."""
    return {name for name in _PLACEHOLDER.findall(text) if not name.startswith(FACT_PREFIX)}


def responses(domain_dir: Path) -> dict[str, dict[str, str]]:
    """{response name: {language: text}} of the domain: the variant conditioned on language = en
    is English, the default Chinese; the bank's facts filled in, as Rasa fills them."""
    domains = [_load(path) for path in sorted(domain_dir.glob("*.yml"))]
    facts = {name: str(slot["initial_value"]) for domain in domains
             for name, slot in (domain.get("slots") or {}).items()
             if name.startswith(FACT_PREFIX) and slot.get("initial_value") is not None}
    found: dict[str, dict[str, str]] = {}
    for domain in domains:
        for name, variants in (domain.get("responses") or {}).items():
            for variant in variants or []:
                language = next((c.get("value") for c in variant.get("condition") or []
                                 if c.get("name") == "language"), "zh")
                if variant.get("text"):
                    text = _PLACEHOLDER.sub(lambda m: facts.get(m.group(1), m.group(0)),
                                            variant["text"])
                    found.setdefault(name, {}).setdefault(language, text)
    return found
