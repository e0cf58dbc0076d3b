"""The app side's public web app: chat page and REST webhook in front of the Rasa server."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from web.api.routes import pages, webhook
from web.api.routes.pages import STATIC

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
    reasons = [
        f"{'.'.join(str(part) for part in problem['loc'] if part != 'body') or 'body'}: "
        f"{problem['msg']}"
        for problem in error.errors()
    ]
    return JSONResponse(status_code=400, content={"detail": "; ".join(reasons)})
