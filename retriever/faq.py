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
from pathlib import Path

from core.knowledge_base import Entry, Side
from core.rasa_files import examples, responses

_HAN = re.compile(r"[\u3400-\u9fff]")
SOURCE = "curated FAQ"


def files(project: Path) -> list[Path]:
    """The files the curated topics are read from (the retriever reloads when one changes)."""
    return [*sorted((project / "nlu" / "train").glob("faq_*.yml")),
            *sorted((project / "bot" / "domain").glob("faq_*.yml"))]


def load_topics(project: Path) -> list[Entry]:
    """Every curated FAQ topic with an answer, as an entry of its examples per language."""
    said = responses(project / "bot" / "domain")
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
