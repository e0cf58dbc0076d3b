"""The retriever as a small HTTP service (app side):
`uvicorn --factory retriever.service:create_app`.

POST /search answers a customer's question from one ranking of the knowledge base's entries and the
curated FAQ topics: the decision (answer, suggest or none), the entry or topic to answer with or
the suggestions, in the question's language. GET /entries/{id} gives one (a "did you mean" button
names it by id). GET /calibration shows the decision's model, fitted on the index's own
calibration questions whenever it is built (retriever/calibrate.py).

Edits to the knowledge-base files (and the curated FAQs' files), and new readings of Rasa's model
(retriever/readings.py), are picked up by a watcher within `knowledge_poll_seconds`: a new index
is built beside the old one (only changed texts are encoded), calibrated and swapped in; an
invalid edit keeps the old index serving and is logged.
"""

import argparse
import asyncio
import json
import logging
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
import yaml
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from core import knowledge_base as kb
from core.config import Settings, get_settings
from retriever import faq, readings
from retriever.calibrate import (
    Asked,
    Calibration,
    calibrate,
    calibration_questions,
    customer_questions,
    out_of_scope_examples,
)
from retriever.decision import FEATURES, AnswerModel, Decision, RasaReading, decide
from retriever.search import Hit, Searcher, language_of

logger = logging.getLogger("retriever")
MAX_QUERY_CHARS = 2000


@dataclass(frozen=True)
class Tuning:
    lexical_weight: float
    precision: float  # answers right at least this often (retriever/calibrate.py)
    stray_rate: float  # at most this share of out-of-scope questions get suggestions
    fixed: AnswerModel | None = None  # set by hand: used instead of the fitted one
    questions: Path | None = None  # calibration questions as customers type them

    def question_files(self) -> list[Path]:
        folder = self.questions
        return sorted(folder.glob("*.jsonl")) if folder and folder.is_dir() else []

    def customer_questions(self) -> list[Asked]:
        return customer_questions(self.question_files())


def load_tuning(path: Path) -> Tuning:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    calibration = data.get("calibration") or {}
    questions, fixed = calibration.get("questions"), data.get("decision")
    unknown = set((fixed or {}).get("weights", {})) - set(FEATURES)
    if unknown:
        raise ValueError(f"{path.name}: decision weights of unknown features {sorted(unknown)}")
    return Tuning(float(data["lexical_weight"]), float(calibration.get("precision", 0.9)),
                  float(calibration.get("stray_rate", 0.1)),
                  AnswerModel({name: float(weight) for name, weight in fixed["weights"].items()},
                              float(fixed.get("intercept", 0.0)), float(fixed["answer"]),
                              float(fixed["suggest"])) if fixed else None,
                  path.parent / questions if questions else None)


def source_files(settings: Settings) -> list[Path]:
    """What the index is built from: the knowledge base, the curated FAQ topics, and the
    out-of-scope examples and customers' questions the calibration asks, and Rasa's readings
    of them."""
    project = settings.training_data_dir
    return [*sorted(settings.knowledge_dir.glob("*.yml")), *faq.files(project),
            project / "nlu" / "train" / "out_of_scope.yml",
            *load_tuning(settings.retriever_config).question_files(),
            *([settings.rasa_readings_path] if settings.rasa_readings_path else [])]


def index_sources(settings: Settings) -> tuple:
    """(the entries indexed: knowledge base and curated FAQ topics, the out-of-scope examples)."""
    return (kb.load(settings.knowledge_dir) + faq.load_topics(settings.training_data_dir),
            out_of_scope_examples(settings.training_data_dir))


def knowledge_stamp(settings: Settings) -> tuple:
    """Changes whenever a file the index is built from is added, removed or edited."""
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size)
                        for p in source_files(settings) if p.exists()))


class EmbeddingStore:
    """Embeddings of knowledge-base texts kept on disk per model, so a restart encodes only
    texts it has not seen (the service starts in seconds instead of encoding everything)."""

    def __init__(self, folder: Path, identity: str | None) -> None:
        self.path = folder / f"{identity}.npz" if identity else None

    def load(self) -> dict:
        if self.path is None or not self.path.exists():
            return {}
        try:
            with np.load(self.path) as stored:
                texts = json.loads(str(stored["texts"]))
                return dict(zip(texts, stored["vectors"], strict=True))
        except (OSError, ValueError, KeyError) as error:
            logger.warning("embedding store %s not used: %s", self.path, error)
            return {}

    def save(self, cache: dict) -> None:
        if self.path is None or not cache:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        texts = list(cache)
        scratch = self.path.with_suffix(".tmp.npz")
        np.savez(scratch, texts=np.array(json.dumps(texts, ensure_ascii=False)),
                 vectors=np.stack([cache[text] for text in texts]))
        scratch.replace(self.path)


class Retriever:
    """The live index and what it was built from."""

    def __init__(self, settings: Settings, encoder) -> None:
        self.settings, self.encoder = settings, encoder
        self.tuning = load_tuning(settings.retriever_config)
        self.store = EmbeddingStore(settings.cache_dir / "retriever",
                                    getattr(encoder, "identity", None))
        self.cache: dict = self.store.load()
        self.stamp = knowledge_stamp(settings)
        self.live = self._build()

    def _build(self) -> "Index":
        """The index over the knowledge base and the curated FAQ topics, with its decision
        fitted on its own calibration questions."""
        entries, strays = index_sources(self.settings)
        known = len(self.cache)
        questions = self.tuning.customer_questions()
        _, outside = calibration_questions(entries, questions, strays)
        searcher = Searcher(entries, self.encoder, self.tuning.lexical_weight, self.cache,
                            outside)
        calibration = calibrate(entries, self.encoder, self.tuning.lexical_weight, strays,
                                self.cache, self.tuning.precision, self.tuning.stray_rate,
                                questions, readings.load(self.settings.rasa_readings_path))
        if len(self.cache) != known:
            self.store.save(self.cache)
        if self.tuning.fixed:
            calibration.model = self.tuning.fixed
        logger.info("index of %d entries; decision %s; %s", len(entries),
                    calibration.model, calibration.figures)
        return Index(searcher, calibration)

    @property
    def searcher(self) -> Searcher:
        return self.live.searcher

    def reload_if_changed(self) -> bool:
        stamp = knowledge_stamp(self.settings)
        if stamp == self.stamp:
            return False
        self.stamp = stamp
        try:
            live = self._build()
        except (kb.KnowledgeBaseError, yaml.YAMLError, OSError) as error:
            logger.error("knowledge base not reloaded, the old one keeps serving: %s", error)
            return False
        self.live = live  # one assignment: a search sees the old or the new index
        logger.info("knowledge base reloaded: %d entries", len(live.searcher.entries))
        return True


@dataclass(frozen=True)
class Index:
    searcher: Searcher
    calibration: Calibration


def default_encoder(settings: Settings, model_dir: Path | None = None):
    """The encoder as configured; the evaluation and calibration use it too, so their figures
    are the service's."""
    from retriever.encoder.model import Encoder

    return Encoder(model_dir or settings.retriever_model_dir, threads=settings.retriever_threads,
                   int8_questions=settings.retriever_int8_questions)


async def _watch(retriever: Retriever) -> None:
    while True:
        await asyncio.sleep(retriever.settings.knowledge_poll_seconds)
        try:
            await asyncio.to_thread(retriever.reload_if_changed)
        except Exception:  # keep watching whatever one reload did
            logger.exception("knowledge base reload failed")


def create_app(settings: Settings | None = None, encoder_factory=default_encoder) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        current = settings or get_settings()
        # The index is built and every question encoded on one thread: torch keeps a team of
        # worker threads per calling thread, and teams of several threads spinning on 2 cores
        # doubled a query's time. (A reload encodes on its own thread so queries go on.)
        app.state.encoding = ThreadPoolExecutor(max_workers=1, thread_name_prefix="encoding")
        app.state.retriever = await asyncio.get_running_loop().run_in_executor(
            app.state.encoding, lambda: Retriever(current, encoder_factory(current)))
        watcher = asyncio.create_task(_watch(app.state.retriever))
        yield
        watcher.cancel()
        app.state.encoding.shutdown(wait=False)

    app = FastAPI(title="小安 knowledge-base retriever", lifespan=lifespan)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> JSONResponse:
        reasons = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:]) or 'body'}: {e['msg']}"
                            for e in error.errors())
        return JSONResponse({"detail": reasons or "invalid request"}, status_code=400)

    def retriever(request: Request) -> Retriever:
        return request.app.state.retriever

    RetrieverDep = Annotated[Retriever, Depends(retriever)]

    @app.get("/health")
    def health(live: RetrieverDep) -> dict:
        return {"status": "ok", "entries": len(live.searcher.entries)}

    @app.get("/calibration")
    def calibration(live: RetrieverDep) -> dict:
        """The decision's model in use and the precision and coverage it gives on the index's
        own calibration questions."""
        found = live.live.calibration
        return {"model": vars(found.model), "figures": found.figures}

    @app.post("/search")
    async def search(body: SearchIn, live: RetrieverDep, request: Request) -> SearchOut:
        query = body.query.strip()
        if not query:
            raise HTTPException(400, "The query is empty.")
        if len(query) > MAX_QUERY_CHARS:
            raise HTTPException(413, f"The query is longer than {MAX_QUERY_CHARS} characters.")
        language = body.language or language_of(query)
        index = live.live  # the index and its decision, as one
        reading = await asyncio.get_running_loop().run_in_executor(
            request.app.state.encoding, index.searcher.read, query, max(body.top_k, 3))
        rasa = RasaReading(body.intent, body.confidence) if body.intent else None
        decision = decide(query, reading, index.calibration.model, rasa)
        return SearchOut.of(decision, reading.hits[:body.top_k], language)

    @app.get("/entries/{entry_id:path}")  # a curated topic's id has a slash
    def entry(entry_id: str, live: RetrieverDep, language: Literal["zh", "en"] = "zh") -> EntryOut:
        found = next((e for e in live.searcher.entries if e.id == entry_id), None)
        if found is None:
            raise HTTPException(404, f"There is no knowledge-base entry {entry_id}.")
        return EntryOut.of(Hit(found, 1.0), language)

    return app


class SearchIn(BaseModel):
    query: str = Field(description="The customer's question, as typed")
    language: Literal["zh", "en"] | None = Field(
        None, description="Reply language; default: the question's")
    top_k: int = Field(3, ge=1, le=20)
    intent: str | None = Field(
        None, max_length=100, description="The intent Rasa filed the question under: evidence "
        "for the best answer when it names the same kind of answer (its FAQ group for a curated "
        "topic, knowledge_question for an entry)")
    confidence: float = Field(1.0, ge=0.0, le=1.0, description="Rasa's confidence in it")


class EntryOut(BaseModel):
    id: str
    question: str
    answer: str
    source: str
    category: str
    score: float
    near_faq: str | None = None
    response: str | None = Field(
        None, description="A curated FAQ topic: the Rasa response that answers it")

    @classmethod
    def of(cls, hit: Hit, language: str) -> "EntryOut":
        side = hit.side(language)
        return cls(id=hit.entry.id, question=side.question, answer=side.answer,
                   source=hit.entry.source, category=hit.entry.category,
                   score=round(hit.score, 4), near_faq=hit.entry.near_faq,
                   response=hit.entry.response)


class SearchOut(BaseModel):
    decision: Literal["answer", "suggest", "none"]
    chance: float  # the decision's estimate that the best answer is right
    language: str
    answer: EntryOut | None  # decision "answer"
    suggestions: list[EntryOut]  # decision "suggest": up to 3, best first
    results: list[EntryOut]  # the top entries whatever the decision, for logs and evaluation

    @classmethod
    def of(cls, decision: Decision, hits: list[Hit], language: str) -> "SearchOut":
        shown = [EntryOut.of(hit, language) for hit in decision.hits]
        return cls(decision=decision.kind, chance=round(decision.chance, 4), language=language,
                   answer=shown[0] if decision.kind == "answer" else None,
                   suggestions=shown if decision.kind == "suggest" else [],
                   results=[EntryOut.of(hit, language) for hit in hits])


def main(argv: list[str] | None = None) -> int:
    """`python -m retriever.service --build`: builds and calibrates the index once and keeps its
    embeddings (make install), so the service starts in seconds instead of encoding some 7,600
    texts (about two minutes on 2 cores) while customers wait for it."""
    parser = argparse.ArgumentParser(prog="python -m retriever.service", description=main.__doc__)
    parser.add_argument("--build", action="store_true", required=True)
    parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = get_settings()
    started = time.monotonic()
    built = Retriever(settings, default_encoder(settings))
    print(f"index of {len(built.searcher.entries)} entries and {len(built.cache)} embeddings "
          f"built in {time.monotonic() - started:.0f} s; kept in {built.store.path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
