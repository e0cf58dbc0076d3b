"""Finding the knowledge-base entry a customer's question is about.

Every entry is indexed by all its texts in both languages (the question and its paraphrases); a
question's score for an entry is the best fused score over the entry's texts:

    fused = encoder cosine + lexical_weight x lexical cosine

Without an encoder (`encoder=None`) the score is the lexical cosine alone: the baseline the
evaluation prints beside. The index holds the curated FAQ topics too (retriever/faq.py), so one
ranking covers both. What to do with the ranking (answer, suggest, say it does not know) is
retriever/decision.py's, fitted on the index's own calibration questions (retriever/calibrate.py).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from core.knowledge_base import Entry, Side
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
class Reading:
    """What the index makes of one question."""
    hits: list[Hit]  # one per distinct answer, best first
    outside: float  # the best score among the questions the bank does not serve
    words_first: str | None = None  # the answer the words alone (lexical cosine) rank first
    words_score: float = 0.0  # ...and its lexical score


def group_of(entry: Entry) -> str:
    """The Rasa intent that files questions for this answer: a curated topic's FAQ group
    (faq_loan/early_repayment -> faq_loan), else knowledge_question."""
    return entry.id.split("/")[0] if entry.response else "knowledge_question"


class Searcher:
    """An index over a list of entries; build a new one when the knowledge base changes."""

    def __init__(self, entries: list[Entry], encoder: TextEncoder | None,
                 lexical_weight: float, cache: dict[str, np.ndarray] | None = None,
                 outside: Sequence[str] = ()) -> None:
        """outside: questions the bank does not serve (other banks, services it does not
        offer), indexed apart: how close a question comes to them is `Searcher.read`'s second
        figure."""
        self.entries, self.encoder, self.lexical_weight = entries, encoder, lexical_weight
        texts: list[str] = []
        owners: list[int] = []
        for number, entry in enumerate(entries):
            for side in entry.sides.values():
                for text in side.texts():
                    texts.append(text)
                    owners.append(number)
        self.owners = np.array(owners, dtype=np.int64)
        # (entry, curated topic it restates), both indexed: the topic answers for the entry.
        numbers = {entry.id: number for number, entry in enumerate(entries)}
        self.stands_for = [(number, numbers[entry.near_faq]) for number, entry in enumerate(entries)
                           if entry.near_faq and entry.near_faq in numbers]
        self.lexical = LexicalIndex(texts)
        # Embeddings of texts seen before are reused, so an edit re-encodes only what changed.
        self.cache: dict[str, np.ndarray] = cache if cache is not None else {}
        if encoder is not None:
            missing = sorted({text for text in texts if text not in self.cache})
            if missing:
                self.cache.update(zip(missing, encoder.encode(missing), strict=True))
            self.vectors = (np.stack([self.cache[text] for text in texts]) if texts else
                            np.zeros((0, encoder.dimension), dtype=np.float32))
        self.outside = Outside(list(outside), encoder, lexical_weight, self.cache)

    def scores(self, query: str, vector: np.ndarray | None = None,
               lexical: np.ndarray | None = None) -> np.ndarray:
        """The fused score of every indexed text (vector: the question's, if already encoded;
        lexical: its lexical scores, if already computed)."""
        lexical = self.lexical.scores(query) if lexical is None else lexical
        if self.encoder is None:
            return lexical
        if vector is None:
            vector = self.encoder.encode_question(query)
        return self.vectors @ vector + self.lexical_weight * lexical

    def search(self, query: str, top_k: int = 5) -> list[Hit]:
        """The best `top_k` answers: one hit per distinct answer, an entry that restates a
        curated FAQ topic (near_faq) counting as that topic."""
        return self.read(query, top_k).hits

    def read(self, query: str, top_k: int = 5, vector: np.ndarray | None = None,
             leave_out: str | None = None) -> Reading:
        """The best `top_k` answers, how near the question is to what the bank does not serve
        (leave_out: not counting that outside question), and the words' own first answer."""
        if vector is None and self.encoder is not None:
            vector = self.encoder.encode_question(query)
        if not self.entries:
            return Reading([], self.outside.score(query, vector, leave_out))
        lexical = self.lexical.scores(query)
        hits = self.ranked(self.scores(query, vector, lexical), top_k)
        words = self.ranked(lexical, 1)
        return Reading(hits, self.outside.score(query, vector, leave_out),
                       words[0].entry.id if words else None, words[0].score if words else 0.0)

    def ranked(self, scores: np.ndarray, top_k: int) -> list[Hit]:
        best = np.full(len(self.entries), -np.inf, dtype=np.float32)
        np.maximum.at(best, self.owners, scores)
        for entry, topic in self.stands_for:
            best[topic] = max(best[topic], best[entry])
            best[entry] = -np.inf
        top = np.argsort(-best)[:top_k]
        return [Hit(self.entries[i], float(best[i])) for i in top if np.isfinite(best[i])]


class Outside:
    """Questions the bank does not serve, scored like the entries' texts (fused cosine)."""

    def __init__(self, texts: list[str], encoder: TextEncoder | None, lexical_weight: float,
                 cache: dict[str, np.ndarray]) -> None:
        self.texts, self.encoder, self.lexical_weight = texts, encoder, lexical_weight
        self.lexical = LexicalIndex(texts)
        if encoder is not None and texts:
            missing = sorted({text for text in texts if text not in cache})
            if missing:
                cache.update(zip(missing, encoder.encode(missing), strict=True))
            self.vectors = np.stack([cache[text] for text in texts])

    def scores(self, query: str, vector: np.ndarray | None) -> np.ndarray:
        lexical = self.lexical.scores(query)
        if self.encoder is None or vector is None:
            return lexical
        return self.vectors @ vector + self.lexical_weight * lexical

    def score(self, query: str, vector: np.ndarray | None = None,
              leave_out: str | None = None) -> float:
        """The best score among the outside questions (leave_out: not counting that one, so a
        calibration question is not matched with itself)."""
        if not self.texts:
            return float("-inf")
        scores = self.scores(query, vector)
        if leave_out is not None:
            scores = np.where(np.array([t == leave_out for t in self.texts]), -np.inf, scores)
        return float(scores.max())
