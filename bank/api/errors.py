"""Refusals over HTTP: a 4xx with `detail` (readable) and `code`, never a 5xx for bad input."""

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from bank.errors import BankError, Conflict, NotFound, RuleBroken
from core.errors import validation_reasons

STATUS = {NotFound: 404, RuleBroken: 422, Conflict: 409}


class Refused(BankError):
    """The request itself is refused before any rule is looked at: no token, no customer header,
    another customer's id, a database that is not there."""

    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(code, detail)
        self.status = status


def add_handlers(app: FastAPI) -> None:
    app.add_exception_handler(BankError, bank_error)
    app.add_exception_handler(RequestValidationError, malformed)
    app.add_exception_handler(HTTPException, http_error)


async def bank_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, BankError)
    status = error.status if isinstance(error, Refused) else STATUS[type(error)]
    return JSONResponse(status_code=status, content=error.body())


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
