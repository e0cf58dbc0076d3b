"""Freezing the debit card (lost, stolen, fraud): at once, and only once per idempotency key."""

from datetime import datetime
from typing import Annotated, Literal

from fastapi import Path, Request
from pydantic import BaseModel

from bank.accounts import lock_card
from bank.api.deps import ClockDep, CustomerDep, IdempotencyKeyDep, SessionDep, customer_router
from bank.errors import NotFound
from bank.idempotency import fingerprint, once
from bank.models import CardFreeze

router = customer_router("cards")


class FreezeIn(BaseModel):
    reason: Literal["lost", "stolen", "fraud", "customer_request"] = "customer_request"


class FreezeOut(BaseModel):
    card_id: str
    masked_number: str
    frozen: bool
    reason: str
    frozen_at: datetime
    already_frozen: bool  # frozen by an earlier request; nothing changed now


@router.post("/cards/{card_id}/freeze")
def freeze_card(
    card_id: Annotated[str, Path()], body: FreezeIn, request: Request, customer: CustomerDep,
    session: SessionDep, clock: ClockDep, key: IdempotencyKeyDep,
) -> FreezeOut:
    def operation() -> FreezeOut:
        card = lock_card(session, customer.id)
        if card.id != card_id:
            raise NotFound("unknown_card", f"This customer has no card {card_id}.")
        already_frozen = card.frozen
        if not already_frozen:
            card.freezes.append(CardFreeze(reason=body.reason, frozen_at=clock.now()))
        freeze = card.freezes[0]
        return FreezeOut(card_id=card.id, masked_number=card.masked_number, frozen=True,
                         reason=freeze.reason, frozen_at=freeze.frozen_at,
                         already_frozen=already_frozen)

    return once(session, customer.id, key, fingerprint("POST", request.url.path, body), operation,
                FreezeOut)
