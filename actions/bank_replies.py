"""What the account service returns, as the actions use it: pydantic models of its JSON. A
missing field or a malformed figure is a ValidationError (a ValueError: the client reports
BankUnavailable). Fields the actions do not use are ignored."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable, Dict, Iterator, List, Optional, Type, TypeVar

from pydantic import BaseModel, parse_obj_as, root_validator

R = TypeVar("R", bound=BaseModel)


class Amount(Decimal):
    """Money as the service sends it: a string of exact digits ("52380.25"), never a float
    (a Decimal made by the actions themselves is kept as it is)."""

    @classmethod
    def __get_validators__(cls) -> Iterator[Callable[[Any], Decimal]]:
        yield cls.exact

    @staticmethod
    def exact(value: Any) -> Decimal:
        if isinstance(value, Decimal) and value.is_finite():
            return value
        if not isinstance(value, str):
            raise TypeError(f"an amount must be a string, not {value!r}")
        figure = Decimal(value)
        if not figure.is_finite():
            raise ValueError(f"not an amount: {value!r}")
        return figure


class Reply(BaseModel):
    class Config:
        frozen = True


def last_digits(masked_number: str) -> str:
    """The card's last four digits, the only part ever shown."""
    return masked_number.replace(" ", "")[-4:]


class Card(Reply):
    card_id: str
    masked_number: str
    frozen: bool

    @property
    def last_digits(self) -> str:
        return last_digits(self.masked_number)


class Profile(Reply):
    customer_id: str
    name: str
    language: str
    card: Card


class Balance(Reply):
    card_id: str
    masked_number: str
    currency: str = "CNY"
    balance: Amount
    frozen: bool

    @property
    def last_digits(self) -> str:
        return last_digits(self.masked_number)


class Lot(Reply):
    confirmed_on: date
    cost: Amount
    market_value: Amount
    status: str  # awaiting_confirmation, closed or redeemable
    matures_on: Optional[date] = None


class Holding(Reply):
    product_code: str
    name_zh: str
    name_en: str
    risk: str
    cost: Amount
    market_value: Amount
    profit: Amount
    yesterday_earnings: Optional[Amount] = None
    redeemable: Amount
    lots: List[Lot]


class InTransit(Reply):
    order_id: int
    product_code: str
    name_zh: str
    name_en: str
    proceeds: Amount
    arrival_date: date


class Holdings(Reply):
    total_cost: Amount
    total_market_value: Amount
    holdings: List[Holding]
    redemptions_in_transit: List[InTransit]


class Installment(Reply):
    number: int
    due_date: date
    amount: Amount
    principal: Amount
    interest: Amount
    status: str  # paid, upcoming, due (today) or overdue
    paid_on: Optional[date] = None
    days_overdue: int
    penalty_interest: Amount


class Overdue(Reply):
    installments: List[int]
    amount: Amount
    principal: Amount
    days_overdue: int
    in_grace_period: bool
    penalty_interest: Amount


class Loan(Reply):
    loan_id: str
    product_code: str
    name_zh: str
    name_en: str
    principal: Amount
    drawn_on: date
    term_months: int
    daily_rate: Decimal
    installment: Amount
    outstanding_principal: Amount
    status: str  # active, overdue or closed
    next_installment: Optional[Installment] = None
    overdue: Optional[Overdue] = None


class LoanSchedule(Reply):
    loan: Loan
    installments: List[Installment]


class CreditLine(Reply):
    limit: Amount
    outstanding_principal: Amount
    available: Amount
    daily_rate: Decimal
    frozen: bool
    frozen_reason: Optional[str] = None  # "overdue"


class Transaction(Reply):
    booked_on: date
    amount: Amount  # money in positive, money out negative
    description_zh: str
    description_en: str


class Transactions(Reply):
    start: date
    end: date
    transactions: List[Transaction]


class Product(Reply):
    code: str
    name_zh: str
    name_en: str
    risk: str  # R1-R5
    return_zh: str
    return_en: str
    min_purchase: Amount
    closed_days: Optional[int] = None
    redemption_days: int


class RiskProfile(Reply):
    level: Optional[str] = None  # C1-C5; None: never assessed
    name_zh: Optional[str] = None
    name_en: Optional[str] = None
    max_product_risk: Optional[str] = None
    score: Optional[int] = None
    assessed_on: Optional[date] = None
    valid_until: Optional[date] = None
    valid: bool


class SuitableProducts(Reply):
    level: str
    name_zh: str  # the level's name, from the bank (the one place it is written)
    name_en: str
    products: List[Product]
    risk_notice: Dict[str, str]


class Payoff(Reply):
    loan_id: str
    amount_due: Amount  # overdue installments with penalty interest: the least a repayment pays
    penalty_interest: Amount
    total: Amount  # repays the loan in full today


class Repayment(Reply):
    repayment_id: Optional[int] = None  # None in a quote
    loan_id: str
    amount: Amount
    principal: Amount
    interest: Amount
    penalty_interest: Amount
    installments_settled: List[int]
    loan: Loan  # after the repayment
    balance: Amount  # debit card balance after the repayment


class Order(Reply):
    order_id: Optional[int] = None  # None in a quote
    side: str  # buy or redeem
    status: str
    product_code: str
    name_zh: str
    name_en: str
    amount: Amount
    fee: Amount
    trade_date: date
    confirmation_date: Optional[date] = None  # buy: confirmed and earning from
    matures_on: Optional[date] = None
    payback_date: Optional[date] = None
    proceeds: Optional[Amount] = None  # redeem
    arrival_date: Optional[date] = None  # redeem
    fast: Optional[bool] = None
    balance: Amount
    risk_notice: Optional[Dict[str, str]] = None

    @root_validator(skip_on_failure=True)
    def _a_purchase_carries_the_risk_notice(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        # A purchase is never confirmed without the notice: a buy reply without it is broken.
        if values["side"] == "buy" and not values.get("risk_notice"):
            raise ValueError("a purchase without the risk notice")
        if values["side"] != "buy":
            values["risk_notice"] = None
        return values


class Freeze(Reply):
    card_id: str
    masked_number: str
    already_frozen: bool

    @property
    def last_digits(self) -> str:
        return last_digits(self.masked_number)


class Handoff(Reply):
    handoff_id: int
    position: int
    agents_on_duty: bool
    agent_available_at: datetime


def many(model: Type[R]) -> Callable[[Any], List[R]]:
    return lambda data: parse_obj_as(List[model], data)  # type: ignore[valid-type]
