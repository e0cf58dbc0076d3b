"""What the routes ask for: settings, the clock, a database session, the authenticated customer and,
for money-moving calls, the idempotency key."""

import secrets
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel
from sqlalchemy.orm import Session

from bank.api.errors import Refused
from bank.clock import Clock
from bank.errors import NotFound
from bank.models import Customer
from core.config import Settings


def get_settings(request: Request) -> Settings:
    return request.app.state.settings  # create_app's


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_clock(settings: SettingsDep) -> Clock:
    return Clock(fixed_at=settings.bank_now)


ClockDep = Annotated[Clock, Depends(get_clock)]


def get_session(request: Request) -> Iterator[Session]:
    # Closing the session rolls back whatever was not committed (a refusal, an error).
    with Session(request.app.state.database) as session:  # create_app's engine
        yield session


SessionDep = Annotated[Session, Depends(get_session)]

bearer = HTTPBearer(auto_error=False, description="The service token (setting bank_service_token)")


def require_service_token(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> None:
    if credentials is None or not secrets.compare_digest(
        credentials.credentials.encode(), settings.bank_service_token.encode()
    ):
        raise Refused(401, "unauthorised",
                      "A valid service token (Authorization: Bearer) is required.")


def run_daily_batch(request: Request, clock: ClockDep) -> None:
    request.app.state.daily_batch.run(clock.today())  # create_app's


def get_customer(
    session: SessionDep,
    customer_id: Annotated[str, Path(description="The customer the call is about")],
    x_customer_id: Annotated[
        str | None, Header(description="Required: the customer the channel authenticated")
    ] = None,
) -> Customer:
    """The customer in the path, who must be the one the request's identity names."""
    if not x_customer_id:
        raise Refused(400, "customer_id_missing", "The X-Customer-Id header is required.")
    if x_customer_id != customer_id:
        raise Refused(403, "other_customer", "A request may only be about its own customer.")
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound("unknown_customer", f"There is no customer {customer_id}.")
    return customer


CustomerDep = Annotated[Customer, Depends(get_customer)]


def require_idempotency_key(
    idempotency_key: Annotated[
        str | None,
        Header(max_length=128, description="Required: one per intended money move"),
    ] = None,
) -> str:
    if not idempotency_key:
        raise Refused(
            400, "idempotency_key_missing",
            "Money-moving calls need an Idempotency-Key header, unique for each intended move.",
        )
    return idempotency_key


IdempotencyKeyDep = Annotated[str, Depends(require_idempotency_key)]


class RefusalOut(BaseModel):
    detail: str  # for a person
    code: str  # for a program, e.g. below_minimum


REFUSALS: dict[int | str, dict[str, Any]] = {
    status: {"model": RefusalOut} for status in (400, 401, 403, 404, 409, 422)}


def customer_router(tag: str) -> APIRouter:
    """Routes about one customer: /customers/{customer_id}/..., service token required."""
    return APIRouter(prefix="/customers/{customer_id}", tags=[tag], responses=REFUSALS,
                     dependencies=[Depends(require_service_token), Depends(run_daily_batch)])
