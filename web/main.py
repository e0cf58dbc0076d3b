"""The app side's public web app: chat page and REST webhook in front of the Rasa server."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from core.config import Settings, get_settings
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
from web.services import Services


def create_app(settings: Settings | None = None,
               rasa_transport: httpx.AsyncBaseTransport | None = None) -> FastAPI:
    """`uvicorn --factory web.main:create_app`. Tests pass their settings, and a fake Rasa as
    `rasa_transport`."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # One long-lived client per service called: connections are kept, TLS set up once.
        async with httpx.AsyncClient(base_url=settings.rasa_url, transport=rasa_transport,
                                     timeout=settings.rasa_timeout_seconds) as rasa_http:
            with httpx.Client(base_url=settings.checker_url) as checker_http:
                services = Services.start(settings, rasa_http, checker_http)
                app.state.services = services
                try:
                    yield
                finally:
                    services.close()

    app = FastAPI(
        title="小安 / An",
        description="Bilingual customer-service assistant for wealth management and loans.",
        lifespan=lifespan,
    )
    for router in (pages.router, auth.router, webhook.router, admin_session.router,
                   admin_staff.router, admin_knowledge.router, admin_changes.router,
                   admin_review.router, admin_training_data.router, admin_models.router):
        app.include_router(router)
    # The widget may sit on the bank's other pages: they call this app across origins, with the
    # token in a header (no cookies), and read the renewed token and Retry-After.
    app.add_middleware(
        CORSMiddleware, allow_origins=settings.widget_origins, allow_methods=["GET", "POST"],
        allow_headers=["Authorization", "Content-Type", "X-API-Key"],
        expose_headers=["X-Renewed-Token", "Retry-After"],
    )
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_exception_handler(RequestValidationError, malformed_request)
    for refusal in (EditRefused, EditConflict, NotFound, CheckerUnavailable):
        app.add_exception_handler(refusal, editor_refusal)
    return app


async def malformed_request(_: Request, error: Exception) -> JSONResponse:
    """400 with a readable reason for malformed JSON or missing fields (FastAPI says 422)."""
    assert isinstance(error, RequestValidationError)
    return JSONResponse(status_code=400, content={"detail": validation_reasons(error)})


async def editor_refusal(_: Request, error: Exception) -> JSONResponse:
    """The editor's refusals, in words: 404 no such item, 409 changed by someone else, 422 the
    change would make the data wrong, 503 the check could not run (nothing was written)."""
    status = {**HTTP_STATUS, CheckerUnavailable: 503}[type(error)]
    return JSONResponse(status_code=status, content={"detail": str(error)})
