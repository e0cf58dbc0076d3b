"""The answer decision: answer, offer suggestions ("did you mean"), or say it does not know.

One logistic model estimates how likely the retriever's best answer is right from what is known
about the question (FEATURES): how high and how clear the best score is, how much nearer the
answer than anything the bank does not serve, whether the words alone rank the same answer first,
and whether Rasa, reading the question independently, filed it under the same kind of answer (its
FAQ group for a curated topic, knowledge_question for an entry) and how sure it was. Two readings
that agree need less of each; thresholds on the score alone could not weigh that.

The model is fitted, and the bar for answering chosen, on the index's own calibration questions
whenever the index is built (retriever/calibrate.py). Rasa's readings of those questions come from
the model Rasa serves (retriever/readings.py); without them the Rasa features are left out.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

import numpy as np

from retriever.search import Hit, Reading, group_of, language_of

FEATURES = ("score", "lead", "above_outside", "rasa_agrees", "rasa_confidence", "words_agree",
            "words_score", "knowledge_entry", "chinese")
RASA_FEATURES = ("rasa_agrees", "rasa_confidence")


@dataclass(frozen=True)
class RasaReading:
    """What Rasa filed a question under, and how sure it was."""
    intent: str
    confidence: float = 1.0


def features(question: str, reading: Reading, rasa: RasaReading | None) -> np.ndarray:
    """The model's inputs for the best answer of `reading` (zeros when nothing ranks)."""
    if not reading.hits:
        return np.zeros(len(FEATURES))
    best = reading.hits[0]
    lead = best.score - reading.hits[1].score if len(reading.hits) > 1 else 1.0
    outside = best.score - reading.outside if np.isfinite(reading.outside) else 1.0
    agrees = rasa is not None and rasa.intent == group_of(best.entry)
    return np.array([
        best.score, lead, outside, float(agrees), rasa.confidence if agrees and rasa else 0.0,
        float(reading.words_first == best.entry.id), reading.words_score,
        float(best.entry.response is None), float(language_of(question) == "zh")])


def fit_logistic(x: np.ndarray, y: np.ndarray, c: float = 1.0, steps: int = 50) -> tuple:
    """(weights, intercept) of an L2-regularised logistic regression (penalty 1 / 2c on the
    weights, none on the intercept: scikit-learn's LogisticRegression(C=c)) by Newton's method.
    A feature that is always zero gets weight zero."""
    design = np.hstack([x, np.ones((len(x), 1))])
    penalty = np.eye(design.shape[1]) / c
    penalty[-1, -1] = 0.0
    theta = np.zeros(design.shape[1])
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-design @ theta))
        gradient = design.T @ (p - y) + penalty @ theta
        hessian = (design * (p * (1 - p))[:, None]).T @ design + penalty + 1e-9 * np.eye(
            len(theta))
        step = np.linalg.solve(hessian, gradient)
        theta -= step
        if np.abs(step).max() < 1e-8:
            break
    return theta[:-1], float(theta[-1])


@dataclass(frozen=True)
class AnswerModel:
    weights: dict[str, float]  # per feature
    intercept: float
    answer: float  # answer when the estimated chance of being right is at least this
    suggest: float  # else offer the candidates scoring at least this; below: does not know

    def chances(self, x: np.ndarray) -> np.ndarray:
        """The chance for each row of features (FEATURES' order)."""
        weights = np.array([self.weights.get(name, 0.0) for name in FEATURES])
        return 1.0 / (1.0 + np.exp(-(self.intercept + x @ weights)))

    def chance(self, x: np.ndarray) -> float:
        return float(self.chances(x[None, :])[0])


@dataclass(frozen=True)
class Decision:
    kind: Literal["answer", "suggest", "none"]
    hits: list[Hit]  # answer: the one; suggest: up to 3; none: empty
    chance: float = 0.0  # the model's estimate that the best answer is right


def decide(question: str, reading: Reading, model: AnswerModel,
           rasa: RasaReading | None = None, suggestions: int = 3) -> Decision:
    chance = model.chance(features(question, reading, rasa)) if reading.hits else 0.0
    if reading.hits and chance >= model.answer:
        return Decision("answer", reading.hits[:1], chance)
    suggested = [hit for hit in reading.hits[:suggestions] if hit.score >= model.suggest]
    return Decision("suggest" if suggested else "none", suggested, chance)


def choose_bar(chance: np.ndarray, right: np.ndarray, language: np.ndarray,
               precision: float) -> float:
    """The lowest chance at which the answers given are right at least `precision` of the time
    in each language (a question with no right answer, answered, counts as wrong): the bar that
    answers most. 1.0 (answer nothing) if no bar reaches it."""
    for bar in np.unique(np.round(chance, 3)):
        answered = chance >= bar
        if all((right & answered & (language == lang)).sum()
               >= precision * (answered & (language == lang)).sum() for lang in ("zh", "en")):
            return round(float(bar), 3)
    return 1.0


def fit(x: np.ndarray, right: np.ndarray, language: np.ndarray, precision: float,
        suggest: float, rasa_read: bool) -> AnswerModel:
    """The model and its bar from calibration questions' features (rows of x) and whether the
    best answer was right; rasa_read: whether Rasa's readings of them were known."""
    used = [i for i, name in enumerate(FEATURES) if rasa_read or name not in RASA_FEATURES]
    weights, intercept = fit_logistic(x[:, used], right.astype(float))
    named = {FEATURES[i]: round(float(w), 4) for i, w in zip(used, weights, strict=True)}
    model = AnswerModel(named, round(intercept, 4), 1.0, suggest)
    return replace(model, answer=choose_bar(model.chances(x), right, language, precision))


def matrix(rows: Sequence[np.ndarray]) -> np.ndarray:
    return np.vstack(rows) if rows else np.zeros((0, len(FEATURES)))
