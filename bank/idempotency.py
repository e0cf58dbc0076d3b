"""Money-moving requests happen once per idempotency key; a repeat gets the first response."""

import hashlib
import json
from collections.abc import Callable
from typing import TypeVar

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bank.errors import Conflict
from bank.models import IdempotentRequest

Answer = TypeVar("Answer", bound=BaseModel)


def fingerprint(method: str, path: str, body: BaseModel | None) -> str:
    request = f"{method} {path} {body.model_dump_json() if body else ''}"
    return hashlib.sha256(request.encode()).hexdigest()


def once(
    session: Session, customer_id: str, key: str, asked: str, operation: Callable[[], Answer],
    answer: type[Answer],
) -> Answer:
    """Run `operation` and commit it with the key, or return what the key's first run returned.

    The unique (customer, key) row is written in the same transaction as the money move: a
    concurrent twin waits on it, then finds the first result. A refusal rolls back, freeing the
    key.
    """
    record = IdempotentRequest(customer_id=customer_id, key=key, fingerprint=asked)
    session.add(record)
    try:
        session.flush()  # claims the key; a concurrent twin waits here for the first to finish
    except IntegrityError:  # the key's first run has been committed: replay it
        session.rollback()
        first = session.scalars(select(IdempotentRequest).where(
            IdempotentRequest.customer_id == customer_id, IdempotentRequest.key == key)).one()
        if first.fingerprint != asked:
            raise Conflict(
                "idempotency_key_reused",
                "This Idempotency-Key was already used for a different request; use a new key.",
            ) from None
        assert first.response is not None  # written in the key's own transaction
        return answer.model_validate_json(first.response)
    result = operation()
    record.response = json.dumps(result.model_dump(mode="json"), ensure_ascii=False)
    session.commit()
    return result
