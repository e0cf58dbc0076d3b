"""The sandbox account service: `python -m bank.manage serve`."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from bank.api.routes import (
    balance,
    cards,
    credit_line,
    customers,
    handoffs,
    health,
    holdings,
    loans,
    orders,
    products,
    risk_profile,
    transactions,
)
from bank.errors import Refused
from core.config import Settings, get_settings
from core.errors import validation_reasons


def create_app(settings: Settings | None = None) -> FastAPI:
    """`uvicorn --factory bank.main:create_app`; tests pass their own settings."""
    app = FastAPI(
        title="Sandbox account service",
        description=(
            "Stands in for the bank's core systems behind 小安 / An. Every call except /health "
            "needs `Authorization: Bearer <service token>`; calls about a customer also need "
            "`X-Customer-Id`, which must match the path. Money-moving calls need an "
            "`Idempotency-Key`. Amounts are strings with two decimals (CNY). Refusals are 4xx "
            "with `detail` (readable) and `code`."
        ),
    )
    app.state.settings = settings or get_settings()
    for module in (health, products, customers, balance, transactions, holdings, risk_profile,
                   orders, loans, credit_line, cards, handoffs):
        app.include_router(module.router)
    app.add_exception_handler(Refused, refused)
    app.add_exception_handler(RequestValidationError, malformed)
    app.add_exception_handler(HTTPException, http_error)
    return app


async def refused(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, Refused)
    return JSONResponse(status_code=error.status, content=error.body())


async def malformed(_: Request, error: Exception) -> JSONResponse:
    """400 with a readable reason for malformed JSON, headers or fields (FastAPI says 422)."""
    assert isinstance(error, RequestValidationError)
    return JSONResponse(status_code=400,
                        content={"detail": validation_reasons(error), "code": "invalid_request"})


async def http_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
    return JSONResponse(status_code=error.status_code, headers=error.headers,
                        content={"detail": error.detail, "code": code})
