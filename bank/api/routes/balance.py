"""The balance of the account behind the customer's debit card."""

from pydantic import BaseModel

from bank.api.deps import CustomerDep, customer_router
from bank.money import Money

router = customer_router("balance")


class BalanceOut(BaseModel):
    card_id: str
    masked_number: str
    currency: str = "CNY"
    balance: Money
    frozen: bool


@router.get("/balance")
def get_balance(customer: CustomerDep) -> BalanceOut:
    card = customer.card
    return BalanceOut(card_id=card.id, masked_number=card.masked_number, balance=card.balance,
                      frozen=card.frozen)
