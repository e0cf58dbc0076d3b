"""Hand-off to a human agent: agents work 09:00-21:00 every day; outside those hours the request
waits in the queue and the customer is told when an agent will reply."""

from datetime import datetime, time, timedelta
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import func, select

from bank.api.deps import ClockDep, CustomerDep, SessionDep, customer_router
from bank.models import Handoff

router = customer_router("hand-offs")
AGENTS_START, AGENTS_END = time(9, 0), time(21, 0)


def agents_available_at(now: datetime) -> datetime:
    """`now` while agents are on duty, else the next 09:00."""
    if AGENTS_START <= now.time() < AGENTS_END:
        return now
    day = now.date() if now.time() < AGENTS_START else now.date() + timedelta(days=1)
    return datetime.combine(day, AGENTS_START, tzinfo=now.tzinfo)


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
    now = clock.now()
    handoff = Handoff(customer_id=customer.id, summary=body.summary,
                      language=body.language or customer.language,
                      requested_at=now, status="waiting")
    session.add(handoff)
    session.flush()
    position = session.execute(
        select(func.count()).where(Handoff.status == "waiting", Handoff.id <= handoff.id)
    ).scalar_one()
    session.commit()
    available_at = agents_available_at(now)
    return HandoffOut(handoff_id=handoff.id, status=handoff.status, position=position,
                      agents_on_duty=available_at == now, agent_available_at=available_at)
