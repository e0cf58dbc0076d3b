"""`rasa data validate` is clean: no errors and no warnings but Rasa's two blind spots."""

import re
import subprocess
import sys
from pathlib import Path

from rasa.shared.core.domain import Domain

ROOT = Path(__file__).resolve().parents[3]
# Rasa reports retrieval intents whose answers sit in several domain files as duplicated.
KNOWN_FALSE_WARNING = "duplicated intents have been found across multiple domain files"
# Rasa cannot see responses that custom actions utter; this test checks those itself.
UNUSED_RESPONSE = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule")


def responses_uttered_by_actions() -> set:
    source = "\n".join(path.read_text() for path in (ROOT / "actions").glob("*.py"))
    # "utter_action" is the key of the ResponseSelector's choice in parse data, not a response.
    return set(re.findall(r"\"(utter_\w+)\"", source)) - {"utter_action"}


def faq_responses_chosen_by_the_answer_decision() -> set:
    """utter_faq_wealth and co.: action_answer_question utters the curated topic
    (utter_faq_wealth/<topic>) the answer decision chose."""
    domain = Domain.load(str(ROOT / "bot" / "domain"))
    return {name.split("/")[0] for name in domain.responses if "/" in name}


def responses_asked_by_forms() -> set:
    """utter_ask_<slot> and utter_ask_<form>_<slot>: a form utters them when it asks."""
    forms = Domain.load(str(ROOT / "bot" / "domain")).forms
    asked = set()
    for form, definition in forms.items():
        for slot in definition.get("required_slots", []):
            asked |= {f"utter_ask_{slot}", f"utter_ask_{form}_{slot}"}
    return asked


def test_rasa_data_validate_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate", "--config", "config.yml",
         "--domain", "bot/domain", "--data", "nlu/train", "bot/data"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    uttered_by_actions = (responses_uttered_by_actions() | responses_asked_by_forms()
                          | faq_responses_chosen_by_the_answer_decision())
    data_warnings = []
    for line in output.splitlines():
        if not ("UserWarning" in line or " WARNING " in line or " ERROR " in line):
            continue
        unused = UNUSED_RESPONSE.search(line)
        if KNOWN_FALSE_WARNING in line or (unused and unused.group(1) in uttered_by_actions):
            continue
        data_warnings.append(line)
    assert not data_warnings, "\n".join(data_warnings)


def test_every_response_an_action_utters_exists_in_the_domain():
    domain = Domain.load(str(ROOT / "bot" / "domain"))
    assert responses_uttered_by_actions() <= set(domain.responses)
