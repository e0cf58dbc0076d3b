"""Hand-off to a human agent (the hours and the queue: bank/handoffs.py)."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from bank.api.deps import ClockDep, CustomerDep, SessionDep, customer_router
from bank.handoffs import queue

router = customer_router("hand-offs")


class HandoffIn(BaseModel):
    summary: str = Field(min_length=1, max_length=2000, description="What the customer needs")
    language: Literal["zh", "en"] | None = None  # default: the customer's language


class HandoffOut(BaseModel):
    handoff_id: int
    status: str
    position: int  # 1 = next to be served
    agents_on_duty: bool
    agent_available_at: datetime


@router.post("/handoffs", status_code=201)
def request_handoff(
    body: HandoffIn, customer: CustomerDep, session: SessionDep, clock: ClockDep
) -> HandoffOut:
    queued = queue(session, customer, body.summary, body.language, clock.now())
    session.commit()
    return HandoffOut(handoff_id=queued.handoff.id, status=queued.handoff.status,
                      position=queued.position, agents_on_duty=queued.agents_on_duty,
                      agent_available_at=queued.agent_available_at)
