"""The assistant's words and the bank's rules agree: the grace period and the agents' hours the
responses quote (bot/domain/core.yml's bank_* facts) are the ones the account service applies."""

from datetime import time

import yaml

from bank.handoffs import AGENTS_END, AGENTS_START
from bank.loans import GRACE_DAYS
from core.config import PROJECT_ROOT


def facts() -> dict[str, str]:
    domain = yaml.safe_load((PROJECT_ROOT / "bot" / "domain" / "core.yml").read_text("utf-8"))
    return {name: slot["initial_value"] for name, slot in domain["slots"].items()
            if name.startswith("bank_")}


def test_the_grace_period_the_assistant_quotes_is_the_banks():
    assert int(facts()["bank_grace_days"]) == GRACE_DAYS


def test_the_agents_hours_the_assistant_quotes_are_the_banks():
    start, end = facts()["bank_agent_hours"].split("-")
    assert (time.fromisoformat(start), time.fromisoformat(end)) == (AGENTS_START, AGENTS_END)
