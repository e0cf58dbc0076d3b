"""The sandbox bank's tables. Amounts are exact decimals, dates business days in Shanghai."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import DateTime, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from bank.clock import BUSINESS_TZ, business_time


class ExactDecimal(TypeDecorator):
    """NUMERIC where the database has it; text on SQLite, whose NUMERIC would store a float."""

    impl = Numeric
    cache_ok = True

    def __init__(self, scale: int = 2) -> None:
        super().__init__()
        self.scale = scale

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(32))
        return dialect.type_descriptor(Numeric(18, self.scale, asdecimal=True))

    def migration_type(self) -> str:
        """The same storage, as a migration writes it (core/migrations.py)."""
        return f"sa.Numeric(18, {self.scale}).with_variant(sa.String(32), 'sqlite')"

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        exact = Decimal(value).quantize(Decimal(1).scaleb(-self.scale))
        if exact != Decimal(value):
            raise ValueError(f"{value} has more than {self.scale} decimals")
        return str(exact) if dialect.name == "sqlite" else exact

    def process_result_value(self, value, dialect):
        return None if value is None else Decimal(value)


class BusinessTime(TypeDecorator):
    """A moment, kept as Asia/Shanghai wall-clock time (the same on every database)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else business_time(value).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=BUSINESS_TZ)


MONEY = ExactDecimal(2)
RATE = ExactDecimal(6)


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(2))  # zh or en
    card: Mapped["DebitCard"] = relationship(back_populates="customer", lazy="joined")


class DebitCard(Base):
    """The customer's debit card here and the balance of the current account behind it."""

    __tablename__ = "debit_cards"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), unique=True)
    masked_number: Mapped[str] = mapped_column(String(32))  # the full number is never stored here
    balance: Mapped[Decimal] = mapped_column(MONEY)
    customer: Mapped[Customer] = relationship(back_populates="card")
    freezes: Mapped[list["CardFreeze"]] = relationship(lazy="selectin", order_by="CardFreeze.id")

    @property
    def frozen(self) -> bool:
        return bool(self.freezes)


class CardFreeze(Base):
    """A freeze stops money leaving the card; lifting it takes a branch or the hotline, not chat."""

    __tablename__ = "card_freezes"
    id: Mapped[int] = mapped_column(primary_key=True)
    card_id: Mapped[str] = mapped_column(ForeignKey("debit_cards.id"), index=True)
    reason: Mapped[str] = mapped_column(String(32))
    frozen_at: Mapped[datetime] = mapped_column(BusinessTime())


class Transaction(Base):
    __tablename__ = "transactions"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    booked_on: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(MONEY)  # money in positive, money out negative
    description_zh: Mapped[str] = mapped_column(String(200))
    description_en: Mapped[str] = mapped_column(String(200))


class Product(Base):
    __tablename__ = "products"
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100))
    risk: Mapped[int]  # R1-R5
    return_zh: Mapped[str] = mapped_column(String(200))
    return_en: Mapped[str] = mapped_column(String(200))
    min_purchase: Mapped[Decimal] = mapped_column(MONEY)
    purchase_fee_rate: Mapped[Decimal] = mapped_column(RATE)
    redemption_days: Mapped[int]  # proceeds arrive on T+N
    closed_days: Mapped[int | None]  # closed-end: no redemption until this many days after start
    fast_redemption_daily_limit: Mapped[Decimal | None] = mapped_column(MONEY)
    redemption_fees: Mapped[list["RedemptionFee"]] = relationship(lazy="selectin")


class RedemptionFee(Base):
    """From `min_days_held` on (until the next tier) a redemption pays `rate` of the amount."""

    __tablename__ = "redemption_fees"
    id: Mapped[int] = mapped_column(primary_key=True)
    product_code: Mapped[str] = mapped_column(ForeignKey("products.code"))
    min_days_held: Mapped[int]
    rate: Mapped[Decimal] = mapped_column(RATE)


class Holding(Base):
    """One purchase lot: fees and closed periods depend on when each purchase was confirmed."""

    __tablename__ = "holdings"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    product_code: Mapped[str] = mapped_column(ForeignKey("products.code"))
    cost: Mapped[Decimal] = mapped_column(MONEY)
    market_value: Mapped[Decimal] = mapped_column(MONEY)
    yesterday_earnings: Mapped[Decimal | None] = mapped_column(MONEY)
    confirmed_on: Mapped[date]  # shares exist, and start earning, from this day
    product: Mapped[Product] = relationship(lazy="joined")

    @property
    def matures_on(self) -> date | None:
        """End of a closed-end product's closed period; None for open-ended products."""
        closed_days = self.product.closed_days
        return self.confirmed_on + timedelta(days=closed_days) if closed_days else None


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    product_code: Mapped[str] = mapped_column(ForeignKey("products.code"))
    side: Mapped[str] = mapped_column(String(8))  # buy or redeem
    amount: Mapped[Decimal] = mapped_column(MONEY)  # paid in, or market value redeemed
    fee: Mapped[Decimal] = mapped_column(MONEY)
    placed_at: Mapped[datetime] = mapped_column(BusinessTime())
    trade_date: Mapped[date]
    confirmation_date: Mapped[date | None]  # buy
    arrival_date: Mapped[date | None]  # redeem: proceeds reach the card
    fast: Mapped[bool] = mapped_column(default=False)  # redeem: fast redemption, arrives at once
    proceeds_paid_on: Mapped[date | None]  # redeem: set when the card was credited
    product: Mapped[Product] = relationship(lazy="joined")


class RiskProfile(Base):
    """The customer's latest assessment; taking it again replaces it."""

    __tablename__ = "risk_profiles"
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    level: Mapped[int]  # C1-C5
    answers: Mapped[str | None] = mapped_column(String(7))  # e.g. "DDCCCCC"; unknown for old ones
    assessed_on: Mapped[date]
    valid_until: Mapped[date]


class CreditLine(Base):
    __tablename__ = "credit_lines"
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), primary_key=True)
    limit: Mapped[Decimal] = mapped_column(MONEY)
    daily_rate: Mapped[Decimal] = mapped_column(RATE)  # the rate the customer was approved for


class Loan(Base):
    __tablename__ = "loans"
    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"), index=True)
    product_code: Mapped[str] = mapped_column(String(16))
    principal: Mapped[Decimal] = mapped_column(MONEY)
    daily_rate: Mapped[Decimal] = mapped_column(RATE)
    term_months: Mapped[int]
    drawn_on: Mapped[date]
    installment: Mapped[Decimal] = mapped_column(MONEY)  # recomputed after an early repayment
    installments: Mapped[list["Installment"]] = relationship(
        lazy="selectin", order_by="Installment.number", cascade="all, delete-orphan"
    )


class Installment(Base):
    __tablename__ = "installments"
    __table_args__ = (UniqueConstraint("loan_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[str] = mapped_column(ForeignKey("loans.id"))
    number: Mapped[int]
    due_date: Mapped[date]
    principal: Mapped[Decimal] = mapped_column(MONEY)
    interest: Mapped[Decimal] = mapped_column(MONEY)
    paid_on: Mapped[date | None]


class Repayment(Base):
    __tablename__ = "repayments"
    id: Mapped[int] = mapped_column(primary_key=True)
    loan_id: Mapped[str] = mapped_column(ForeignKey("loans.id"), index=True)
    paid_on: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(MONEY)
    principal: Mapped[Decimal] = mapped_column(MONEY)
    interest: Mapped[Decimal] = mapped_column(MONEY)
    penalty: Mapped[Decimal] = mapped_column(MONEY)


class Handoff(Base):
    """The queue of conversations waiting for a human agent."""

    __tablename__ = "handoffs"
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    summary: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(2))
    requested_at: Mapped[datetime] = mapped_column(BusinessTime())
    status: Mapped[str] = mapped_column(String(16), default="waiting")


class IdempotentRequest(Base):
    """A money-moving request done once per key; a repeat gets the stored first response."""

    __tablename__ = "idempotent_requests"
    __table_args__ = (UniqueConstraint("customer_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[str] = mapped_column(ForeignKey("customers.id"))
    key: Mapped[str] = mapped_column(String(128))
    fingerprint: Mapped[str] = mapped_column(String(64))  # what was asked, to catch a reused key
    response: Mapped[str | None] = mapped_column(Text)
