"""The whole assistant as customers meet it (e2e/): every kind of held-out message through the
session's stack, scored right / wrong / suggestion / declined. Held to the floors measured when
the answer decision landed (e2e.evaluate.FLOORS); the report also shows issue 14's targets."""

import json

from core.config import PROJECT_ROOT
from e2e.evaluate import evaluate, markdown


def test_held_out_messages_of_every_kind_meet_the_targets_in_both_languages(stack):
    summary = evaluate(stack.settings.web_url, stack.settings.rasa_url)
    report = PROJECT_ROOT / "reports" / "e2e.json"
    report.parent.mkdir(parents=True, exist_ok=True)
    report.write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")
    print(markdown(summary))
    below = [v for v in summary["floors"] if not v["met"]]
    assert not below, f"worse than the floors: {below}; wrong answers: {summary['wrong_examples']}"
