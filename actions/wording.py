"""What the assistant says is written in the domain's responses (bot/domain/*.yml), where staff
edit it in the browser; actions only supply the figures, as the responses' {placeholders}.

A reply that is one response: `dispatcher.utter_message(response="utter_balance", balance=...)`;
Rasa picks the variation for the `language` slot and fills the placeholders from the values and
the slots (the bank's facts, such as {bank_hotline}, are slots: bot/domain/core.yml).

A reply built from parts (a line per holding, per installment) renders each part here with
`Wording.phrase`, the same way Rasa would, and passes the joined lines to the reply's response.
"""

import re
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.types import DomainDict

from actions.language import reply_language

_PLACEHOLDER = re.compile(r"{([^\n{}]+?)}")  # Rasa's template syntax (rasa.core.nlg.interpolator)


def variation(domain: DomainDict, name: str, language: str) -> Dict[str, Any]:
    """The response's variation for `language`: the English condition, or the Chinese default."""
    variations: Optional[List[Dict[str, Any]]] = (domain.get("responses") or {}).get(name)
    if not variations:
        raise KeyError(f"the domain has no response {name}")

    def is_english(item: Dict[str, Any]) -> bool:
        return any(condition.get("name") == "language" and condition.get("value") == "en"
                   for condition in item.get("condition") or [])

    english = [item for item in variations if is_english(item)]
    default = [item for item in variations if not item.get("condition")]
    chosen = english if language == "en" and english else default or variations
    return chosen[0]


def fill(template: str, values: Dict[str, Any]) -> str:
    """Every {name} replaced by its value; a placeholder without a value is an error (Rasa would
    show it as typed)."""

    def value(match: "re.Match[str]") -> str:
        key = match.group(1)
        if key not in values or values[key] is None:
            raise KeyError(f"no value for {{{key}}} in {template!r}")
        return str(values[key])

    return _PLACEHOLDER.sub(value, template)


def in_language(item: Any, field: str, language: str) -> str:
    """The account service's own bilingual text (name_zh / name_en, ...) for the reply."""
    return getattr(item, f"{field}_{'zh' if language == 'zh' else 'en'}")


class Wording:
    """The domain's responses in the language of this conversation's reply."""

    def __init__(self, tracker: Tracker, domain: DomainDict) -> None:
        self.domain = domain
        self.language = reply_language(tracker)
        self.slots: Dict[str, Any] = dict(tracker.slots)

    def phrase(self, response: str, /, **values: Any) -> str:
        """One part of a reply: the response's text for the reply's language, filled in."""
        return fill(variation(self.domain, response, self.language)["text"],
                    {**self.slots, **values})

    def lines(self, response: str, items: List[Dict[str, Any]]) -> str:
        """The response once per item, one per line."""
        return "\n".join(self.phrase(response, **item) for item in items)

    # Typography, not wording: how each language strings parts together.

    def join(self, parts: List[str]) -> str:
        """Parts of one sentence: 成本 ¥1，市值 ¥2 / cost CNY 1, value CNY 2."""
        return ("，" if self.language == "zh" else ", ").join(parts)

    def listed(self, items: List[str]) -> str:
        """活期宝、稳盈90天 / Daily Cash, Steady 90."""
        return ("、" if self.language == "zh" else ", ").join(items)

    def sentences(self, *parts: str) -> str:
        """Sentences one after another (empty ones left out): run together in Chinese, a space
        between in English."""
        return ("" if self.language == "zh" else " ").join(part for part in parts if part)

    def sentence_before(self, part: str) -> str:
        """A sentence for a {placeholder} that opens another: with its gap, or nothing."""
        return self.sentences(part, "x")[:-1] if part else ""

    def series(self, items: List[str]) -> str:
        """A list of names or numbers: 5、6 / 5 and 6 / 4, 5 and 6."""
        if self.language == "zh" or len(items) < 2:
            return "、".join(items)
        return f"{', '.join(items[:-1])} and {items[-1]}"
