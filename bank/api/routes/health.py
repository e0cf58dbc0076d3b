"""Liveness for the launcher: 200 while the database answers (its schema was checked at start)."""

from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from bank.api.deps import SessionDep
from bank.api.errors import Refused
from bank.models import Customer

router = APIRouter(tags=["ops"])


@router.get("/health")
def health(session: SessionDep) -> dict[str, str]:
    try:
        session.scalars(select(Customer.id)).first()
    except SQLAlchemyError as error:
        raise Refused(503, "database_unavailable", "The database does not answer.") from error
    return {"status": "ok"}
