"""Which knowledge-base entries restate a curated FAQ topic: `python -m retriever.near_faq`.

Rasa files many questions the knowledge base answers under the nearest curated FAQ topic (its
intents only know the questions they were shown). The FAQ answer then wins unless the retriever
knows better: action_answer_faq asks the retriever "beside the FAQ", and the knowledge base
answers instead only with a confident match (at least `faq_takeover` in retriever/config.yml) on
an entry that is not itself a restatement of a curated FAQ topic. This command marks those
restatements: an entry gets `near_faq: <topic>` when at least NEAR_FAQ_HITS training questions of
one curated FAQ topic (nlu/train/faq_*.yml) find it as the retriever's confident answer (stray
hits from several topics do not make a restatement). Staff may set or clear the field by hand.
"""

import re
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import yaml

from retriever import kb
from web.core.config import PROJECT_ROOT, get_settings

NEAR_FAQ_HITS = 3
FAQ_FILES = sorted((PROJECT_ROOT / "nlu" / "train").glob("faq_*.yml"))
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def nlu_examples(paths: Iterable[Path]) -> Dict[str, List[str]]:
    """{intent or FAQ topic: its examples in these Rasa NLU files, entity annotations removed}."""
    found: Dict[str, List[str]] = defaultdict(list)
    for path in paths:
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                text = line.strip()[2:] if line.strip().startswith("- ") else ""
                if text and "intent" in block:
                    found[block["intent"]].append(_ANNOTATION.sub(r"\1", text))
    return found


def mark(knowledge_dir: Path, searcher, answer_threshold: float) -> Dict[str, str]:
    """Sets near_faq on every entry of `knowledge_dir`; returns {entry id: topic}."""
    topics: Dict[str, Counter] = defaultdict(Counter)
    for topic, questions in nlu_examples(FAQ_FILES).items():
        for question in questions:
            hits = searcher.search(question, top_k=1)
            if hits and hits[0].score >= answer_threshold:
                topics[hits[0].entry.id][topic] += 1
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


def main(argv: Optional[List[str]] = None) -> int:
    from retriever.search import Searcher
    from retriever.service import default_encoder, load_tuning

    settings = get_settings()
    tuning = load_tuning(settings.retriever_config)
    searcher = Searcher(kb.load(settings.knowledge_dir),
                        default_encoder(settings), tuning.lexical_weight)
    marked = mark(settings.knowledge_dir, searcher, tuning.thresholds.answer)
    print(f"near_faq set on {len(marked)} of {len(searcher.entries)} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
