"""Liveness for the launcher: answers 200 once the database is set up."""

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bank.api.deps import SessionDep
from bank.errors import Refused
from bank.models import Customer

router = APIRouter(tags=["ops"])


@router.get("/health")
def health(session: SessionDep) -> dict[str, str]:
    try:
        session.scalars(select(Customer.id)).first()
    except SQLAlchemyError as error:
        raise Refused(
            503, "database_not_ready", "Database not set up: run `python -m bank.manage init`."
        ) from error
    return {"status": "ok"}
