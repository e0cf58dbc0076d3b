"""The app side's public web app: chat page and REST webhook in front of the Rasa server."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from web.api.routes import pages, webhook
from web.api.routes.pages import STATIC
from web.core.errors import validation_reasons

app = FastAPI(
    title="小安 / An",
    description="Bilingual customer-service assistant for wealth management and loans.",
)
app.include_router(pages.router)
app.include_router(webhook.router)
app.mount("/static", StaticFiles(directory=STATIC), name="static")


@app.exception_handler(RequestValidationError)
async def malformed_request(_: Request, error: RequestValidationError) -> JSONResponse:
    """400 with a readable reason for malformed JSON or missing fields (FastAPI says 422)."""
    return JSONResponse(status_code=400, content={"detail": validation_reasons(error)})
