"""Model versions: train in the background, score on the held-out set, deploy, roll back.

Training runs `rasa train` on the Rasa side (a child process, so a crash cannot take the web app
down) on a snapshot of the training data taken when it starts; edits made meanwhile go into the
next version. Its log and progress are kept for the browser to follow. The trained model is then
scored by nlu/evaluate.py on the held-out set and listed as a version with its figures. A failed
training lists nothing and changes nothing. Deploying loads a version into the running Rasa server
through its `PUT /model`: Rasa builds the new model beside the old one and swaps them only once it
has loaded, so a failed load leaves the current model serving; conversations keep their state
(the tracker store is outside the model).
"""

import hashlib
import json
import os
import re
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, computed_field
from sqlalchemy import Engine, insert, inspect, select, update

from core.config import PROJECT_ROOT, Settings
from core.database import new_engine
from web.admin.training_data import copy_training_data
from web.tables import model_versions as versions

FIGURES = ("intent_accuracy", "intent_macro_f1", "intent_macro_f1_by_intent")


class ModelVersion(BaseModel):
    id: str
    created_at: datetime
    created_by: str
    config: str
    path: str
    training_seconds: float | None
    figures: dict | None
    deployed_at: datetime | None
    live: bool = False

    @computed_field  # type: ignore[prop-decorator]
    @property
    def state(self) -> str:
        """evaluating until the held-out figures are in; failed if they could not be had."""
        return "evaluating" if self.figures is None else "done" if self.figures else "failed"


class TrainingBusy(RuntimeError):
    """Only one training at a time (two would halve each other's speed on this machine)."""


@dataclass
class TrainingJob:
    id: str
    config: str
    username: str
    state: str = "training"  # training -> evaluating -> done | failed
    stage: str = "starting"
    progress: float = 0.0
    log: list[str] = field(default_factory=list)
    model: str | None = None
    error: str | None = None
    started: float = field(default_factory=time.monotonic)

    def view(self, since: int = 0) -> dict:
        return {"id": self.id, "config": self.config, "state": self.state, "stage": self.stage,
                "progress": round(self.progress, 3), "log": self.log[since:],
                "next": len(self.log), "model": self.model, "error": self.error,
                "seconds": round(time.monotonic() - self.started, 1)}


_COMPONENT = re.compile(r"(Starting to train|Finished training|Restored) component "
                        r"'(?:train_)?([A-Za-z]+?)\d*'")
# Of the evaluation's output only its table is worth showing, not TensorFlow's chatter.
_NOISE = re.compile(r"\d{4}-\d\d-\d\d |\t|.*(tensorflow|warn|Warning|oneDNN|cuda|TensorRT)")


def _not_noise(line: str) -> bool:
    return not _NOISE.match(line)
_PERCENT = re.compile(r"(Epochs|Processed trackers|Processed story blocks)[^\d]*?(\d+)%")


def figures_from(report: dict) -> dict:
    return {language: {name: scores.get(name) for name in FIGURES}
            for language, scores in report.get("languages", {}).items()}


class ModelVersions:
    """The registry (web.db) and the training job; one per web app."""

    def __init__(self, settings: Settings, engine: Engine) -> None:
        self.settings = settings
        self.directory = settings.models_dir
        self.directory.mkdir(parents=True, exist_ok=True)
        self.engine = engine
        self.job: TrainingJob | None = None
        self._evaluating: set[str] = set()
        self._lock = threading.Lock()

    # --- the registry ------------------------------------------------------------------------

    def newest_first(self, live_file: str | None = None) -> list[ModelVersion]:
        """Newest first; `live_file` is the file name Rasa reports it is serving."""
        self._register_startup_model()
        with self.engine.connect() as db:
            rows = db.execute(select(versions).order_by(versions.c.created_at.desc())).mappings()
            found = [ModelVersion(**row) for row in rows]
        for version in found:
            version.live = live_file is not None and Path(version.path).name == live_file
        return found

    def get(self, version_id: str) -> ModelVersion | None:
        return next((v for v in self.newest_first() if v.id == version_id), None)

    def _register_startup_model(self) -> None:
        """The model the stack started with (trained by `make train`) is a version too, so
        staff can roll back to it."""
        path = self.settings.model_path
        if not path.exists():
            return
        stat = path.stat()
        version_id = "startup-" + hashlib.sha256(
            f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode()).hexdigest()[:10]
        with self.engine.begin() as db:
            if db.execute(select(versions.c.id).where(versions.c.id == version_id)).first():
                return
            db.execute(insert(versions).values(
                id=version_id, created_at=datetime.fromtimestamp(stat.st_mtime, UTC),
                created_by="make train", config="full", path=str(path)))

    def _record(self, **values: object) -> None:
        with self.engine.begin() as db:
            db.execute(insert(versions).values(**values))

    def set_figures(self, version_id: str, figures: dict) -> None:
        with self.engine.begin() as db:
            db.execute(update(versions).where(versions.c.id == version_id).values(
                figures=figures))

    # --- training ----------------------------------------------------------------------------

    def start_training(self, config: str, username: str) -> TrainingJob:
        if config not in self.settings.training_configs:
            raise ValueError(f"config: one of {', '.join(self.settings.training_configs)}")
        with self._lock:
            if self.job and self.job.state in ("training", "evaluating"):
                raise TrainingBusy(f"A training started by {self.job.username} is still "
                                   "running; wait for it to finish.")
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            self.job = TrainingJob(f"{stamp}-{config}", config, username)
        threading.Thread(target=self._train, args=(self.job,), daemon=True,
                         name=f"training {self.job.id}").start()
        return self.job

    def _run(self, job: TrainingJob, command: list[str], on_line: Callable[[str], None],
             keep: Callable[[str], bool] = lambda _: True) -> int:
        # The editor's own knowledge base and training data, whatever the environment says.
        environment = self.settings.process_environment(
            PYTHONPATH=str(PROJECT_ROOT),
            **self.settings.as_environment(("knowledge_dir", "training_data_dir",
                                            "retriever_config")))
        process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=environment,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        pending, overwrite = b"", False
        assert process.stdout is not None  # stdout=PIPE
        while chunk := os.read(process.stdout.fileno(), 65536):
            pending += chunk
            # tqdm redraws its bar with \r: keep only the latest state of such a line.
            while (cut := re.search(rb"[\r\n]", pending)) is not None:
                line = pending[:cut.start()].decode("utf-8", "replace").rstrip()
                ending, pending = pending[cut.start():cut.end()], pending[cut.end():]
                if line and keep(line):
                    if overwrite and job.log:
                        job.log[-1] = line
                    else:
                        job.log.append(line)
                    on_line(line)
                overwrite = ending == b"\r" if line else overwrite
        return process.wait()

    def _train(self, job: TrainingJob) -> None:
        workspace = self.directory / f"job-{job.id}"
        output = self.directory / f"{job.id}.tar.gz"
        config = self.settings.training_configs[job.config]
        try:
            # A snapshot: edits made meanwhile go into the next version.
            data = copy_training_data(self.settings.training_data_dir, workspace / "data")
            # knowledge_question is taught from the knowledge base as it is now (the same
            # command make runs before training).
            if self._run(job, [str(self.settings.app_python), "-m", "retriever.intent_examples",
                               "--project", str(data), "--knowledge",
                               str(self.settings.knowledge_dir)], lambda _: None) != 0:
                raise RuntimeError("The knowledge base's questions could not be written into "
                                   "the training data; the log above says why. Nothing changed.")
            steps = _training_steps(config)
            done: set[int] = set()

            def follow(line: str) -> None:
                if match := _COMPONENT.search(line):
                    job.stage = match.group(2)
                    if not match.group(1).startswith("Starting"):  # finished, or from cache
                        done.add(len(done))
                    job.progress = min(0.9, 0.9 * len(done) / steps)
                elif (match := _PERCENT.search(line)) and steps:
                    job.progress = min(0.9, 0.9 * (len(done) + int(match.group(2)) / 100) / steps)

            job.log.append(f"Training {job.id} with {config.name} on a snapshot of the data")
            code = self._run(job, [
                str(self.settings.rasa_python), "-m", "rasa", "train", "--config", str(config),
                "--domain", str(data / "bot/domain"), "--data", str(data / "nlu/train"),
                str(data / "bot/data"), "--out", str(self.directory),
                "--fixed-model-name", job.id], follow)
            if code != 0 or not output.exists():
                raise RuntimeError(f"Rasa training stopped with exit code {code}; the log "
                                   "above says why. Nothing changed.")
            seconds = time.monotonic() - job.started
            self._record(id=job.id, created_at=datetime.now(UTC), created_by=job.username,
                         config=job.config, path=str(output), training_seconds=seconds)
            job.model = job.id
            job.state, job.stage, job.progress = "evaluating", "held-out evaluation", 0.92
            report = workspace / "heldout.json"
            code = self._run(job, [
                str(self.settings.rasa_python), "nlu/evaluate.py", "--model", str(output),
                "--test-data", str(data / "nlu/test"), "--report", str(report)], lambda _: None,
                keep=_not_noise)
            if code != 0 or not report.exists():
                self.set_figures(job.id, {})
                raise RuntimeError("The model was trained but the held-out evaluation failed; "
                                   "it is listed without figures.")
            self.set_figures(job.id, figures_from(json.loads(report.read_text())))
            job.stage, job.progress = "reading the calibration questions", 0.97
            self._read_calibration_questions(job, output, workspace)
            job.state, job.stage, job.progress = "done", "done", 1.0
        except Exception as error:  # noqa: BLE001 - the job reports any failure in words
            job.state, job.error = "failed", str(error)
            job.log.append(f"FAILED: {error}")
        finally:
            shutil.rmtree(workspace, ignore_errors=True)

    def _read_calibration_questions(self, job: TrainingJob, model: Path, workspace: Path) -> None:
        """The new model's readings of the retriever's calibration questions, kept beside it
        (retriever/readings.py; the same two commands make runs). Without them the version
        still deploys: the answer decision then leaves Rasa's reading out."""
        texts = workspace / "calibration-questions.json"
        code = self._run(job, [str(self.settings.app_python), "-m", "retriever.readings",
                               "--texts", str(texts)], lambda _: None, keep=_not_noise)
        if code == 0:
            code = self._run(job, [
                str(self.settings.rasa_python), "nlu/read.py", "--model", str(model), "--texts",
                str(texts), "--out", str(readings_of(model))], lambda _: None, keep=_not_noise)
        if code != 0:
            job.log.append("The calibration questions could not be read with this model; the "
                           "answer decision will leave Rasa's reading out while it serves.")

    def evaluate_once(self, version: ModelVersion) -> None:
        """Scores a version that has no figures yet (the startup model), once, in the
        background; `make eval` (or the test suite) may have scored this very file already."""
        report = self.settings.heldout_report
        if report.exists() and report.stat().st_mtime > Path(version.path).stat().st_mtime:
            self.set_figures(version.id, figures_from(json.loads(report.read_text())))
            return
        if version.id in self._evaluating:
            return
        self._evaluating.add(version.id)

        def run() -> None:
            report = self.directory / f"heldout-{version.id}.json"
            job = TrainingJob(f"evaluate-{version.id}", version.config, "system")
            code = self._run(job, [
                str(self.settings.rasa_python), "nlu/evaluate.py", "--model", version.path,
                "--test-data", str(self.settings.training_data_dir / "nlu/test"),
                "--report", str(report)], lambda _: None)
            if code == 0 and report.exists():
                self.set_figures(version.id, figures_from(json.loads(report.read_text())))

        threading.Thread(target=run, daemon=True, name=f"evaluate {version.id}").start()

    # --- deploying ---------------------------------------------------------------------------

    def mark_deployed(self, version_id: str) -> None:
        """Records the deploy and publishes the version's readings of the calibration
        questions, so the answer decision is refitted for the model now serving."""
        with self.engine.begin() as db:
            db.execute(update(versions).where(versions.c.id == version_id).values(
                deployed_at=datetime.now(UTC)))
        version = self.get(version_id)
        if version is not None:
            publish_readings(Path(version.path), self.settings.rasa_readings_path)


def _training_steps(config: Path) -> int:
    """How many components and policies train: the denominator of the progress bar."""
    import yaml

    data = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    return max(1, len(data.get("pipeline") or []) + len(data.get("policies") or []))



def readings_of(model: Path) -> Path:
    """Where a model's readings of the calibration questions are kept (nlu/read.py writes them):
    models/current.tar.gz -> models/current.readings.json."""
    name = model.name.removesuffix(".tar.gz")
    return model.with_name(f"{name}.readings.json")


def publish_readings(model: Path, live: Path) -> bool:
    """Makes `model`'s readings the ones the retriever fits its answer decision on (it watches
    `live`, retriever/readings.py); none if the model has none."""
    source = readings_of(model)
    live.parent.mkdir(parents=True, exist_ok=True)
    if not source.exists():
        live.unlink(missing_ok=True)
        return False
    scratch = live.with_suffix(".tmp")
    shutil.copyfile(source, scratch)
    scratch.replace(live)  # the retriever sees the old file or the new one, never half
    return True


def model_to_serve(settings: Settings) -> Path:
    """What Rasa loads at start: the version staff deployed last, unless `make train` has built
    a newer model since (a developer's retrain wins), else the trained model."""
    if not settings.models_dir.exists():
        return settings.model_path
    engine = new_engine(settings.web_database_url)
    try:
        with engine.connect() as db:
            if "model_versions" not in inspect(db).get_table_names():
                return settings.model_path
            row = db.execute(select(versions).where(versions.c.deployed_at.is_not(None))
                             .order_by(versions.c.deployed_at.desc())).mappings().first()
    finally:
        engine.dispose()
    if row is None or not Path(row["path"]).exists():
        return settings.model_path
    built = settings.model_path.stat().st_mtime if settings.model_path.exists() else 0
    deployed = row["deployed_at"].replace(tzinfo=UTC).timestamp()
    return Path(row["path"]) if deployed > built else settings.model_path

