"""Finding the knowledge-base entry a customer's question is about.

Every entry is indexed by all its texts in both languages (the question and its paraphrases);
a question's score for an entry is the best fused score over the entry's texts:

    fused = encoder cosine + lexical_weight x lexical cosine

Without an encoder (`encoder=None`) the score is the lexical cosine alone: the baseline the
evaluation prints beside. What to do with the best score (answer, suggest, say it does not know)
is `decide`, with thresholds calibrated on held-out questions (retriever/config.yml).
"""

import re
from dataclasses import dataclass
from typing import Dict, List, Optional, Protocol, Sequence

import numpy as np

from retriever.kb import Entry, Side
from retriever.lexical import LexicalIndex

_HAN = re.compile(r"[\u3400-\u9fff]")


class TextEncoder(Protocol):
    dimension: int

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...  # knowledge-base texts

    def encode_question(self, text: str) -> np.ndarray: ...  # a customer's question


def language_of(text: str) -> str:
    return "zh" if _HAN.search(text) else "en"


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float

    def side(self, language: str) -> Side:
        """The entry in `language`, or in the other language if it has only that."""
        return self.entry.sides.get(language) or next(iter(self.entry.sides.values()))


@dataclass(frozen=True)
class Thresholds:
    answer: float  # at or above: answer
    suggest: float  # at or above (and below answer): "did you mean"; below: does not know


@dataclass(frozen=True)
class Decision:
    kind: str  # answer, suggest or none
    hits: List[Hit]  # answer: the one; suggest: up to 3; none: empty


def decide(hits: List[Hit], thresholds: Thresholds, suggestions: int = 3) -> Decision:
    if hits and hits[0].score >= thresholds.answer:
        return Decision("answer", hits[:1])
    suggested = [hit for hit in hits[:suggestions] if hit.score >= thresholds.suggest]
    return Decision("suggest", suggested) if suggested else Decision("none", [])


def decide_beside_faq(hits: List[Hit], takeover: float) -> Decision:
    """For a question Rasa filed under a curated FAQ topic: answer from the knowledge base only
    with a confident match on an entry that does not restate a curated FAQ (retriever/near_faq.py);
    otherwise none, and the curated FAQ answers."""
    if hits and hits[0].score >= takeover and not hits[0].entry.near_faq:
        return Decision("answer", hits[:1])
    return Decision("none", [])


class Searcher:
    """An index over a list of entries; build a new one when the knowledge base changes."""

    def __init__(self, entries: List[Entry], encoder: Optional[TextEncoder],
                 lexical_weight: float, cache: Optional[Dict[str, np.ndarray]] = None) -> None:
        self.entries, self.encoder, self.lexical_weight = entries, encoder, lexical_weight
        texts: List[str] = []
        owners: List[int] = []
        for number, entry in enumerate(entries):
            for side in entry.sides.values():
                for text in side.texts():
                    texts.append(text)
                    owners.append(number)
        self.owners = np.array(owners, dtype=np.int64)
        self.lexical = LexicalIndex(texts)
        # Embeddings of texts seen before are reused, so an edit re-encodes only what changed.
        self.cache: Dict[str, np.ndarray] = cache if cache is not None else {}
        if encoder is not None:
            missing = sorted({text for text in texts if text not in self.cache})
            if missing:
                self.cache.update(zip(missing, encoder.encode(missing), strict=True))
            self.vectors = (np.stack([self.cache[text] for text in texts]) if texts else
                            np.zeros((0, encoder.dimension), dtype=np.float32))

    def scores(self, query: str) -> np.ndarray:
        """The fused score of every indexed text."""
        lexical = self.lexical.scores(query)
        if self.encoder is None:
            return lexical
        dense = self.vectors @ self.encoder.encode_question(query)
        return dense + self.lexical_weight * lexical

    def search(self, query: str, top_k: int = 5) -> List[Hit]:
        if not self.entries:
            return []
        best = np.full(len(self.entries), -np.inf, dtype=np.float32)
        np.maximum.at(best, self.owners, self.scores(query))
        top = np.argsort(-best)[:top_k]
        return [Hit(self.entries[i], float(best[i])) for i in top if np.isfinite(best[i])]
