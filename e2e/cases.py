"""The held-out messages the end-to-end evaluation sends, and what a right reply carries.

Every kind comes from data never trained on:
- faq: the curated FAQs' held-out questions (nlu/test/faq.yml); right = the topic's answer;
- knowledge: the knowledge base's held-out questions (retriever/heldout/); right = the entry's
  answer, or for an entry that restates a curated FAQ (near_faq) that FAQ's answer;
- account (signed in as a demo customer) and account_visitor (anonymous): the account intents'
  held-out examples (nlu/test/intents.yml); right = the action the rules give that intent ran
  (for a visitor it asks to sign in), and for a few lookups the customer's figure is shown;
- small_talk: greetings, thanks, "are you a bot", help, a person, cancel...; right = its action;
- unanswerable: what the demo bank does not offer or must not say (e2e/questions/) and the
  held-out out-of-scope examples; right = for a service the bank does not offer, the entry that
  says so (NOT_OFFERED); otherwise nothing is right, and declining (or a question back) is fine.
"""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from core import knowledge_base as kb
from core.config import PROJECT_ROOT
from core.rasa_files import examples, responses

HAN = re.compile(r"[\u3400-\u9fff]")
ACCOUNT_INTENTS = ("check_balance", "check_holdings", "check_loan", "check_repayment_schedule",
                   "check_credit_limit", "list_transactions", "repay_loan", "buy_product",
                   "redeem_product", "start_risk_assessment", "recommend_product", "freeze_card")
SMALL_TALK_INTENTS = ("greet", "goodbye", "thank", "affirm", "deny", "cancel", "bot_challenge",
                      "help", "request_human")
# The signed-in customer of the account requests, and the figure a lookup must show
# (../shared/spec/demo-bank.md, as seeded).
CUSTOMER = "C001"
FIGURES = {"check_balance": "52,380.25", "check_credit_limit": "69,776.04"}
KINDS = ("faq", "knowledge", "account", "account_visitor", "small_talk", "unanswerable")
# The knowledge-base entries that tell a customer the bank does not offer a service, by the topic
# of e2e/questions: "we have no credit cards; for another bank's card ask that bank" is the right
# answer to a credit-card question, any other fact a wrong one.
NOT_OFFERED = {"credit_card": "ac-no-credit-card", "mortgage": "ln-no-mortgage",
               "fx": "ac-no-foreign-currency", "insurance": "sv-no-insurance",
               "safe_deposit": "sv-no-safe-deposit-box"}


@dataclass(frozen=True)
class Case:
    kind: str
    language: str
    text: str
    customer: str | None = None  # signed in as this demo customer
    answers: tuple = ()  # a reply carrying one of these is right
    action: str | None = None  # account / small talk: this action must run
    figure: str | None = None  # ...and this figure be shown
    expected: str = ""  # what was expected, for the report (topic, entry id or intent)
    also: tuple = ()  # other ids that answer it right (an entry's near_faq topic)
    source: str = field(default="", compare=False)


def language_of(text: str) -> str:
    return "zh" if HAN.search(text) else "en"


def nlu_examples(path: Path) -> dict[str, list[str]]:
    """{intent or FAQ topic: its examples}, entity annotations removed."""
    return examples([path])


def rule_actions(paths: Iterable[Path]) -> dict[str, str]:
    """{intent: the action an unconditional rule runs for it}."""
    found: dict[str, str] = {}
    for path in paths:
        for rule in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("rules", []):
            steps = rule.get("steps") or []
            if rule.get("condition") or len(steps) < 2 or "intent" not in steps[0]:
                continue
            found.setdefault(steps[0]["intent"], steps[1].get("action"))
    return found


def load_cases(root: Path = PROJECT_ROOT) -> list[Case]:
    replies = responses(root / "bot" / "domain")
    actions = rule_actions([root / "bot" / "data" / name for name in ("rules.yml", "forms.yml")])
    cases: list[Case] = []

    def faq_answer(topic: str, language: str) -> str:
        texts = replies.get(f"utter_{topic}", {})
        return texts.get(language) or texts.get("zh", "")

    for topic, texts in nlu_examples(root / "nlu" / "test" / "faq.yml").items():
        for text in texts:
            language = language_of(text)
            cases.append(Case("faq", language, text, answers=(faq_answer(topic, language),),
                              expected=topic, source="nlu/test/faq.yml"))

    entries = {entry.id: entry for entry in kb.load(root / "retriever" / "knowledge")}
    for path in sorted((root / "retriever" / "heldout").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            entry = entries[item["id"]]
            language = item["lang"]
            side = entry.sides.get(language) or next(iter(entry.sides.values()))
            answers = {side.answer}
            if entry.near_faq:
                answers.add(faq_answer(entry.near_faq, language))
            cases.append(Case("knowledge", language, item["question"],
                              answers=tuple(sorted(a for a in answers if a)),
                              expected=item["id"], source=str(path.relative_to(root)),
                              also=(entry.near_faq,) if entry.near_faq else ()))

    intents = nlu_examples(root / "nlu" / "test" / "intents.yml")
    for intent in ACCOUNT_INTENTS:
        for text in intents.get(intent, []):
            for kind, customer in (("account", CUSTOMER), ("account_visitor", None)):
                cases.append(Case(kind, language_of(text), text, customer=customer,
                                  action=actions[intent], expected=intent,
                                  figure=FIGURES.get(intent) if customer else None,
                                  source="nlu/test/intents.yml"))
    for intent in SMALL_TALK_INTENTS:
        for text in intents.get(intent, []):
            cases.append(Case("small_talk", language_of(text), text, action=actions[intent],
                              expected=intent, source="nlu/test/intents.yml"))

    for text in intents.get("out_of_scope", []):
        cases.append(Case("unanswerable", language_of(text), text, expected="out_of_scope",
                          source="nlu/test/intents.yml"))
    for path in sorted((root / "e2e" / "questions").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                item = json.loads(line)
                not_offered = entries.get(NOT_OFFERED.get(item.get("topic", ""), ""))
                said = not_offered.sides.get(item["lang"]) if not_offered else None
                answer = said.answer if said else None
                cases.append(Case("unanswerable", item["lang"], item["question"],
                                  answers=(answer,) if answer else (),
                                  expected=item.get("topic", ""),
                                  source=str(path.relative_to(root))))
    return cases
