"""Hand-off to a human agent: agents work 09:00-21:00 every day; outside those hours the request
waits in the queue and the customer is told when an agent will reply."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bank.models import Customer, Handoff

AGENTS_START, AGENTS_END = time(9, 0), time(21, 0)


def agents_available_at(now: datetime) -> datetime:
    """`now` while agents are on duty, else the next 09:00."""
    if AGENTS_START <= now.time() < AGENTS_END:
        return now
    day = now.date() if now.time() < AGENTS_START else now.date() + timedelta(days=1)
    return datetime.combine(day, AGENTS_START, tzinfo=now.tzinfo)


@dataclass(frozen=True)
class Queued:
    handoff: Handoff
    position: int  # 1 = next to be served
    agent_available_at: datetime
    agents_on_duty: bool


def queue(session: Session, customer: Customer, summary: str, language: str | None,
          now: datetime) -> Queued:
    handoff = Handoff(customer_id=customer.id, summary=summary,
                      language=language or customer.language, requested_at=now, status="waiting")
    session.add(handoff)
    session.flush()
    position = session.execute(
        select(func.count()).where(Handoff.status == "waiting", Handoff.id <= handoff.id)
    ).scalar_one()
    available_at = agents_available_at(now)
    return Queued(handoff, position, available_at, agents_on_duty=available_at == now)
