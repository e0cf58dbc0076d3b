"""Which knowledge-base entries restate a curated FAQ topic: `python -m retriever.near_faq`.

The curated FAQ topics and the knowledge base's entries are ranked together (retriever/search.py).
An entry that restates a curated topic would otherwise compete with it and turn every question on
that subject into a close call; marked, it counts as that topic (its texts find the topic, whose
curated answer is said). This command marks the restatements: an entry gets `near_faq: <topic>`
when at least NEAR_FAQ_HITS training questions of one curated FAQ topic (nlu/train/faq_*.yml)
find it as the retriever's confident answer (stray hits from several topics do not make a
restatement). Staff may set or clear the field by hand.
"""

import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import yaml

from core import knowledge_base as kb
from core.config import PROJECT_ROOT, get_settings
from retriever.search import Reading

NEAR_FAQ_HITS = 3
FAQ_FILES = sorted((PROJECT_ROOT / "nlu" / "train").glob("faq_*.yml"))
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def nlu_examples(paths: Iterable[Path]) -> dict[str, list[str]]:
    """{intent or FAQ topic: its examples in these Rasa NLU files, entity annotations removed}."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in paths:
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                text = line.strip()[2:] if line.strip().startswith("- ") else ""
                if text and "intent" in block:
                    found[block["intent"]].append(_ANNOTATION.sub(r"\1", text))
    return found


def mark(knowledge_dir: Path, searcher, confident: Callable[[str, Reading], bool]
         ) -> dict[str, str]:
    """Sets near_faq on every entry of `knowledge_dir`; returns {entry id: topic}.
    confident(question, reading): whether the reading's best would be the answer."""
    topics: dict[str, Counter] = defaultdict(Counter)
    for topic, questions in nlu_examples(FAQ_FILES).items():
        for question in questions:
            reading = searcher.read(question, top_k=2)
            if reading.hits and confident(question, reading):
                topics[reading.hits[0].entry.id][topic] += 1
    marked = {}
    for path in sorted(knowledge_dir.glob("*.yml")):
        entries = kb.load_file(path)
        for entry in entries:
            found = topics.get(entry.id, Counter()).most_common(1)
            entry.near_faq = found[0][0] if found and found[0][1] >= NEAR_FAQ_HITS else None
            if entry.near_faq:
                marked[entry.id] = entry.near_faq
        kb.save_file(path, entries)
    return marked


def main(argv: list[str] | None = None) -> int:
    from retriever.calibrate import calibrate, out_of_scope_examples
    from retriever.decision import decide
    from retriever.search import Searcher
    from retriever.service import default_encoder, load_tuning

    settings = get_settings()
    tuning = load_tuning(settings.retriever_config)
    entries, encoder = kb.load(settings.knowledge_dir), default_encoder(settings)
    searcher = Searcher(entries, encoder, tuning.lexical_weight)
    model = calibrate(entries, encoder, tuning.lexical_weight,
                      out_of_scope_examples(settings.training_data_dir)).model
    marked = mark(settings.knowledge_dir, searcher,
                  lambda question, reading: decide(question, reading, model).kind == "answer")
    print(f"near_faq set on {len(marked)} of {len(searcher.entries)} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
