"""The lexical half of the retriever: TF-IDF cosine over words, both languages.

Chinese is cut with jieba (search mode, so 提前还款 also yields 提前 and 还款) plus character
bigrams, which catch what a word cut misses (带款 / 贷款 share 款); Latin text gives lower-cased
words. Scores are cosines in [0, 1], so they fuse with the encoder's cosines on one scale.
The index is an inverted list per term, so a query costs time in its own terms, not the corpus.
"""

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

import jieba
import numpy as np

jieba.setLogLevel(60)  # no "Building prefix dict" chatter on stderr
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
_STOP = {"the", "a", "an", "is", "are", "do", "does", "i", "my", "to", "of", "can", "how", "what",
         "you", "it", "in", "for", "me", "on", "吗", "的", "了", "呢", "啊", "我", "是"}


def terms(text: str) -> list[str]:
    """The terms of a text: jieba words and character bigrams of Chinese, Latin words."""
    lowered = text.lower()
    found: list[str] = []
    for run in _CJK_RUN.findall(lowered):
        found += [word for word in jieba.lcut_for_search(run) if word not in _STOP]
        found += [run[i:i + 2] for i in range(len(run) - 1)]
    found += [word for word in _LATIN_WORD.findall(lowered) if word not in _STOP]
    return found


class LexicalIndex:
    """TF-IDF (sublinear tf, smoothed idf), each document L2-normalised."""

    def __init__(self, documents: Iterable[str]) -> None:
        counted = [Counter(terms(text)) for text in documents]
        self.size = len(counted)
        frequency: Counter = Counter()
        for counts in counted:
            frequency.update(counts.keys())
        self.idf: dict[str, float] = {
            term: math.log((1 + self.size) / (1 + df)) + 1.0 for term, df in frequency.items()}
        postings: dict[str, list[tuple]] = defaultdict(list)
        for number, counts in enumerate(counted):
            weights = {term: (1 + math.log(tf)) * self.idf[term] for term, tf in counts.items()}
            norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
            for term, weight in weights.items():
                postings[term].append((number, weight / norm))
        self.postings = {
            term: (np.array([n for n, _ in items], dtype=np.int64),
                   np.array([w for _, w in items], dtype=np.float32))
            for term, items in postings.items()
        }

    def scores(self, query: str) -> np.ndarray:
        """Cosine of the query with every document."""
        result = np.zeros(self.size, dtype=np.float32)
        counts = Counter(term for term in terms(query) if term in self.idf)
        if not counts:
            return result
        weights = {term: (1 + math.log(tf)) * self.idf[term] for term, tf in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        for term, weight in weights.items():
            documents, values = self.postings[term]
            np.add.at(result, documents, values * (weight / norm))
        return result
