"""Training (editors), model versions with their held-out figures (viewers), deploy and roll back
(admins)."""

import time
from typing import Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel

from web.admin.models import ModelVersion, TrainingBusy
from web.api.deps import AdminDep, ChangeLogDep, EditorDep, ModelVersionsDep, RasaDep, ViewerDep
from web.rasa_client import RasaUnavailable

router = APIRouter(prefix="/admin/api", tags=["admin: train and deploy"])


class TrainingIn(BaseModel):
    config: Literal["full", "quick"] = "full"


@router.post("/training", status_code=202, responses={409: {"description": "One is running"}})
def start_training(body: TrainingIn, session: EditorDep, models: ModelVersionsDep) -> dict:
    """Trains a new version in the background from the training data as it is now."""
    try:
        return models.start_training(body.config, session.username).view()
    except TrainingBusy as error:
        raise HTTPException(409, str(error)) from error


@router.get("/training")
def latest_training(_: ViewerDep, models: ModelVersionsDep, since: int = 0) -> dict | None:
    """The latest training since the app started (so a reloaded page can follow it), or null."""
    return models.job.view(since) if models.job else None


@router.get("/training/{job_id}")
def training(job_id: str, _: ViewerDep, models: ModelVersionsDep, since: int = 0) -> dict:
    """State, progress (0-1), the current stage and the log lines from `since` on."""
    if not models.job or models.job.id != job_id:
        raise HTTPException(404, f"There is no training {job_id}.")
    return models.job.view(since)


@router.get("/models")
async def model_versions(_: ViewerDep, models: ModelVersionsDep, rasa: RasaDep,
                         ) -> list[ModelVersion]:
    """Every version, newest first, with its held-out figures; `live` marks the one Rasa
    serves. A version without figures (the startup model) is scored in the background."""
    for version in models.newest_first():
        if version.figures is None and version.id.startswith("startup-"):
            models.evaluate_once(version)
    return models.newest_first(await rasa.live_model())


@router.post("/models/{version_id}/deploy", responses={
    404: {"description": "No such version"},
    502: {"description": "Rasa could not load it; the current model keeps serving"}})
async def deploy(version_id: str, session: AdminDep, models: ModelVersionsDep, rasa: RasaDep,
                 log: ChangeLogDep) -> dict:
    """Loads the version into the running Rasa server (also how to roll back). Customers'
    messages sent meanwhile wait and are answered by the new model."""
    version = models.get(version_id)
    if version is None:
        raise HTTPException(404, f"There is no model version {version_id}.")
    before = await rasa.live_model()
    started = time.monotonic()
    try:
        await rasa.load_model(version.path)
    except RasaUnavailable as error:
        raise HTTPException(502, f"{error}. The current model keeps serving.") from error
    seconds = round(time.monotonic() - started, 1)
    models.mark_deployed(version_id)
    log.record(session.username, "model", version_id, "deploy", {"live": before},
               {"live": version_id, "seconds": seconds})
    return {"id": version_id, "seconds": seconds, "live": await rasa.live_model()}
