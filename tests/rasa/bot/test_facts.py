"""The bank's facts (hotline, anti-fraud line, agents' hours, grace period) are written once, as
the domain's bank_* slots, and every response says them through placeholders that both languages
share; the knowledge base, written by people, quotes the same numbers."""

import re

import yaml

from tests.rasa.rendering import DOMAIN, ROOT

PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")
FACTS = {name: slot["initial_value"] for name, slot in DOMAIN["slots"].items()
         if name.startswith("bank_")}
PHONE = re.compile(r"(?<!\d)(?:400-\d{3}-\d{4}|95\d{3}|96\d{3})(?!\d)")  # hotlines


def variations(name):
    texts = {"zh": [], "en": []}
    for variation in DOMAIN["responses"][name]:
        english = any(c.get("value") == "en" for c in variation.get("condition") or [])
        texts["en" if english else "zh"].append(variation.get("text") or "")
    return texts


def test_the_facts_are_there():
    assert FACTS == {"bank_hotline": "400-800-0000", "bank_anti_fraud_line": "96110",
                     "bank_agent_hours": "09:00-21:00", "bank_grace_days": "3"}


def test_both_languages_of_a_response_fill_the_same_placeholders():
    for name in DOMAIN["responses"]:
        texts = variations(name)
        wanted = [{p for p in PLACEHOLDER.findall(text) if p not in FACTS}
                  for language in ("zh", "en") for text in texts[language]]
        assert all(found == wanted[0] for found in wanted), name


def test_responses_quote_facts_only_through_their_placeholders():
    for name, variations_ in DOMAIN["responses"].items():
        for variation in variations_:
            text = variation.get("text") or ""
            assert not PHONE.search(text), f"{name}: write {{bank_hotline}}, not the number"
            assert "09:00-21:00" not in text, f"{name}: write {{bank_agent_hours}}"
            assert not re.search(r"3天宽限|3-day grace", text), f"{name}: {{bank_grace_days}}"
            unknown = {p for p in PLACEHOLDER.findall(text) if p.startswith("bank_")} - set(FACTS)
            assert not unknown, f"{name} names facts the domain does not have: {unknown}"


def test_no_action_writes_a_fact():
    for path in (ROOT / "actions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        for value in FACTS.values():
            if len(value) > 2:  # "3" is everywhere
                assert value not in source, f"{path.name} writes {value}: use the fact's slot"


def test_the_knowledge_base_quotes_the_same_numbers():
    numbers = {FACTS["bank_hotline"], FACTS["bank_anti_fraud_line"]}
    for path in sorted((ROOT / "retriever" / "knowledge").glob("*.yml")):
        text = yaml.safe_dump(yaml.safe_load(path.read_text(encoding="utf-8")),
                              allow_unicode=True)
        assert set(PHONE.findall(text)) <= numbers, path.name
