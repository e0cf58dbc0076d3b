"""The app side's public web app: chat page and REST webhook in front of the Rasa server."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from core.config import get_settings
from core.errors import validation_reasons
from web.admin.knowledge import HTTP_STATUS, EditConflict, EditRefused, NotFound
from web.admin.training_data import CheckerUnavailable
from web.api.routes import auth, pages, webhook
from web.api.routes.admin import changes as admin_changes
from web.api.routes.admin import knowledge as admin_knowledge
from web.api.routes.admin import models as admin_models
from web.api.routes.admin import review as admin_review
from web.api.routes.admin import session as admin_session
from web.api.routes.admin import staff as admin_staff
from web.api.routes.admin import training_data as admin_training_data
from web.api.routes.pages import STATIC

app = FastAPI(
    title="小安 / An",
    description="Bilingual customer-service assistant for wealth management and loans.",
)
app.include_router(pages.router)
app.include_router(auth.router)
app.include_router(webhook.router)
app.include_router(admin_session.router)
app.include_router(admin_staff.router)
app.include_router(admin_knowledge.router)
app.include_router(admin_changes.router)
app.include_router(admin_review.router)
app.include_router(admin_training_data.router)
app.include_router(admin_models.router)
# The widget may sit on the bank's other pages: they call this app across origins, with the
# token in a header (no cookies), and read the renewed token and Retry-After.
app.add_middleware(
    CORSMiddleware, allow_origins=get_settings().widget_origins, allow_methods=["GET", "POST"],
    allow_headers=["Authorization", "Content-Type", "X-API-Key"],
    expose_headers=["X-Renewed-Token", "Retry-After"],
)
app.mount("/static", StaticFiles(directory=STATIC), name="static")


@app.exception_handler(RequestValidationError)
async def malformed_request(_: Request, error: RequestValidationError) -> JSONResponse:
    """400 with a readable reason for malformed JSON or missing fields (FastAPI says 422)."""
    return JSONResponse(status_code=400, content={"detail": validation_reasons(error)})


@app.exception_handler(EditRefused)
@app.exception_handler(EditConflict)
@app.exception_handler(NotFound)
@app.exception_handler(CheckerUnavailable)
async def editor_refusal(_: Request, error: Exception) -> JSONResponse:
    """The editor's refusals, in words: 404 no such item, 409 changed by someone else, 422 the
    change would make the data wrong, 503 the check could not run (nothing was written)."""
    status = {**HTTP_STATUS, CheckerUnavailable: 503}[type(error)]
    return JSONResponse(status_code=status, content={"detail": str(error)})
