"""The Rasa project's files as the app side reads them: NLU examples (nlu/*/*.yml) and responses
(bot/domain/*.yml) as the customer reads them, the bank's facts filled in. The editor writes these
files (web/admin/training_files.py); the retriever and the end-to-end evaluation read them here."""

import re
from collections.abc import Iterable
from pathlib import Path

import yaml

# Rasa's entity markup, [span](entity) or [span]{"entity": ...}: the customer typed the span.
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")
# A fact in a response, {bank_hotline}: a slot whose initial value is the fact (core.yml).
_FACT = re.compile(r"{(bank_\w+)}")


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


def responses(domain_dir: Path) -> dict[str, dict[str, str]]:
    """{response name: {language: text}} of the domain: the variant conditioned on language = en
    is English, the default Chinese; the bank's facts filled in, as Rasa fills them."""
    domains = [_load(path) for path in sorted(domain_dir.glob("*.yml"))]
    facts = {name: str(slot["initial_value"]) for domain in domains
             for name, slot in (domain.get("slots") or {}).items()
             if _FACT.fullmatch(f"{{{name}}}") and slot.get("initial_value") is not None}
    found: dict[str, dict[str, str]] = {}
    for domain in domains:
        for name, variants in (domain.get("responses") or {}).items():
            for variant in variants or []:
                language = next((c.get("value") for c in variant.get("condition") or []
                                 if c.get("name") == "language"), "zh")
                if variant.get("text"):
                    text = _FACT.sub(lambda m: facts.get(m.group(1), m.group(0)), variant["text"])
                    found.setdefault(name, {}).setdefault(language, text)
    return found
