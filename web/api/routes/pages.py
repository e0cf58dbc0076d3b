"""The chat page, the staff editor's page and the health check."""

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

from web.api.deps import RasaDep

router = APIRouter()
STATIC = Path(__file__).resolve().parents[2] / "static"


@router.get("/", include_in_schema=False)
async def chat_page() -> FileResponse:
    return FileResponse(STATIC / "index.html")


@router.get("/admin", include_in_schema=False)
async def admin_page() -> FileResponse:
    """The training-data editor for staff (its script talks to /admin/api)."""
    return FileResponse(STATIC / "admin" / "index.html")


@router.get("/health", tags=["ops"])
async def health(rasa: RasaDep) -> dict[str, str]:
    return {"status": "ok", "rasa": "ready" if await rasa.is_ready() else "unavailable"}
