"""The customer's credit line: limit, what is available, and whether it is frozen."""

from pydantic import BaseModel

from bank.accounts import credit_line_status
from bank.api.deps import ClockDep, CustomerDep, SessionDep, customer_router
from bank.errors import NotFound
from bank.money import Money, Rate

router = customer_router("credit line")


class CreditLineOut(BaseModel):
    limit: Money
    outstanding_principal: Money
    available: Money
    daily_rate: Rate
    frozen: bool
    frozen_reason: str | None  # "overdue": an installment is past the 3-day grace period


@router.get("/credit-line")
def get_credit_line(customer: CustomerDep, session: SessionDep, clock: ClockDep) -> CreditLineOut:
    line = credit_line_status(session, customer.id, clock.today())
    if line is None:
        raise NotFound("no_credit_line", "This customer has no credit line.")
    return CreditLineOut(
        limit=line.limit, outstanding_principal=line.outstanding, available=line.available,
        daily_rate=line.daily_rate, frozen=line.frozen_reason is not None,
        frozen_reason=line.frozen_reason,
    )
