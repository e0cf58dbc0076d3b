"""The customer's profile: name, preferred language and (masked) debit card."""

from pydantic import BaseModel

from bank.api.deps import CustomerDep, customer_router
from bank.models import DebitCard

router = customer_router("customers")


class CardOut(BaseModel):
    card_id: str
    masked_number: str
    frozen: bool

    @classmethod
    def of(cls, card: DebitCard) -> "CardOut":
        return cls(card_id=card.id, masked_number=card.masked_number, frozen=card.frozen)


class ProfileOut(BaseModel):
    customer_id: str
    name: str
    language: str
    card: CardOut


@router.get("")
def get_profile(customer: CustomerDep) -> ProfileOut:
    return ProfileOut(customer_id=customer.id, name=customer.name, language=customer.language,
                      card=CardOut.of(customer.card))
