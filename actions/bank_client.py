"""The account service as the actions see it: a small interface and its HTTP implementation.

Every call names the authenticated customer (path and X-Customer-Id) and carries the service
token. Money arrives as strings ("52380.25") and becomes Decimal here, never float. Failures
become one of two exceptions:

- BankUnavailable: the service cannot answer now (connection refused, timeout, 5xx, a response
  that is not what the API promises). The customer gets an apology and the offer of a person.
- BankRefused(code, detail): the service answered 4xx with its reason ({"detail", "code"}).

A whole lookup (all the requests one method makes) has one deadline, bank_timeout_seconds.
"""

import asyncio
import logging
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable, Dict, List, Optional, Protocol, TypeVar
from urllib.parse import quote

import httpx

from actions.http import tls_context
from actions.settings import Settings, get_settings

logger = logging.getLogger(__name__)
T = TypeVar("T")


class BankError(Exception):
    """Base of the account service's failures."""


class BankUnavailable(BankError):
    """The service is down, slow, failing (5xx) or answering nonsense."""


class BankRefused(BankError):
    """The service refused the request (4xx) and said why."""

    def __init__(self, code: str, detail: str, status: int = 400,
                 extra: Optional[Dict[str, Any]] = None) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.code, self.detail, self.status = code, detail, status
        # The refusal's figures, e.g. {"minimum": "1000.00"} or {"alternatives": [...]}.
        self.extra: Dict[str, Any] = extra or {}


# What the service returns, as the actions use it.


def last_digits(masked_number: str) -> str:
    """The card's last four digits, the only part ever shown."""
    return masked_number.replace(" ", "")[-4:]


@dataclass(frozen=True)
class Card:
    card_id: str
    masked_number: str
    frozen: bool

    @property
    def last_digits(self) -> str:
        return last_digits(self.masked_number)


@dataclass(frozen=True)
class Profile:
    customer_id: str
    name: str
    language: str
    card: Card


@dataclass(frozen=True)
class Balance:
    card_id: str
    masked_number: str
    currency: str
    balance: Decimal
    frozen: bool

    @property
    def last_digits(self) -> str:
        return last_digits(self.masked_number)


@dataclass(frozen=True)
class Lot:
    confirmed_on: date
    cost: Decimal
    market_value: Decimal
    status: str  # awaiting_confirmation, closed or redeemable
    matures_on: Optional[date]


@dataclass(frozen=True)
class Holding:
    product_code: str
    name_zh: str
    name_en: str
    risk: str
    cost: Decimal
    market_value: Decimal
    profit: Decimal
    yesterday_earnings: Optional[Decimal]
    redeemable: Decimal
    lots: List[Lot]


@dataclass(frozen=True)
class InTransit:
    order_id: int
    product_code: str
    name_zh: str
    name_en: str
    proceeds: Decimal
    arrival_date: date


@dataclass(frozen=True)
class Holdings:
    total_cost: Decimal
    total_market_value: Decimal
    holdings: List[Holding]
    redemptions_in_transit: List[InTransit]


@dataclass(frozen=True)
class Installment:
    number: int
    due_date: date
    amount: Decimal
    principal: Decimal
    interest: Decimal
    status: str  # paid, upcoming, due (today) or overdue
    paid_on: Optional[date]
    days_overdue: int
    penalty_interest: Decimal


@dataclass(frozen=True)
class Overdue:
    installments: List[int]
    amount: Decimal
    principal: Decimal
    days_overdue: int
    in_grace_period: bool
    penalty_interest: Decimal


@dataclass(frozen=True)
class Loan:
    loan_id: str
    product_code: str
    name_zh: str
    name_en: str
    principal: Decimal
    drawn_on: date
    term_months: int
    daily_rate: Decimal
    installment: Decimal
    outstanding_principal: Decimal
    status: str  # active, overdue or closed
    next_installment: Optional[Installment]
    overdue: Optional[Overdue]


@dataclass(frozen=True)
class LoanSchedule:
    loan: Loan
    installments: List[Installment]


@dataclass(frozen=True)
class CreditLine:
    limit: Decimal
    outstanding_principal: Decimal
    available: Decimal
    daily_rate: Decimal
    frozen: bool
    frozen_reason: Optional[str]  # "overdue"


@dataclass(frozen=True)
class Transaction:
    booked_on: date
    amount: Decimal  # money in positive, money out negative
    description_zh: str
    description_en: str


@dataclass(frozen=True)
class Transactions:
    start: date
    end: date
    transactions: List[Transaction]


@dataclass(frozen=True)
class Product:
    code: str
    name_zh: str
    name_en: str
    risk: str  # R1-R5
    return_zh: str
    return_en: str
    min_purchase: Decimal
    closed_days: Optional[int]
    redemption_days: int


@dataclass(frozen=True)
class RiskProfile:
    level: Optional[str]  # C1-C5; None: never assessed
    name_zh: Optional[str]
    name_en: Optional[str]
    max_product_risk: Optional[str]
    score: Optional[int]
    assessed_on: Optional[date]
    valid_until: Optional[date]
    valid: bool


@dataclass(frozen=True)
class SuitableProducts:
    level: str
    products: List[Product]
    risk_notice: Dict[str, str]


@dataclass(frozen=True)
class Payoff:
    loan_id: str
    amount_due: Decimal  # overdue installments with penalty interest: the least a repayment pays
    penalty_interest: Decimal
    total: Decimal  # repays the loan in full today


@dataclass(frozen=True)
class Repayment:
    repayment_id: Optional[int]  # None in a quote
    loan_id: str
    amount: Decimal
    principal: Decimal
    interest: Decimal
    penalty_interest: Decimal
    installments_settled: List[int]
    loan: Loan  # after the repayment
    balance: Decimal  # debit card balance after the repayment


@dataclass(frozen=True)
class Order:
    order_id: Optional[int]  # None in a quote
    side: str  # buy or redeem
    status: str
    product_code: str
    name_zh: str
    name_en: str
    amount: Decimal
    fee: Decimal
    trade_date: date
    confirmation_date: Optional[date]  # buy: confirmed and earning from
    matures_on: Optional[date]
    payback_date: Optional[date]
    proceeds: Optional[Decimal]  # redeem
    arrival_date: Optional[date]  # redeem
    fast: Optional[bool]
    balance: Decimal
    risk_notice: Optional[Dict[str, str]]


@dataclass(frozen=True)
class Freeze:
    card_id: str
    masked_number: str
    already_frozen: bool

    @property
    def last_digits(self) -> str:
        return last_digits(self.masked_number)


@dataclass(frozen=True)
class Handoff:
    handoff_id: int
    position: int
    agents_on_duty: bool
    agent_available_at: datetime


class BankClient(Protocol):
    """What the account actions ask the account service."""

    async def profile(self, customer_id: str) -> Profile: ...

    async def balance(self, customer_id: str) -> Balance: ...

    async def holdings(self, customer_id: str) -> Holdings: ...

    async def loans(self, customer_id: str) -> List[Loan]: ...

    async def loan_schedules(
        self, customer_id: str, loan_id: Optional[str] = None
    ) -> List[LoanSchedule]:
        """The schedule of `loan_id`, or without one of each loan not yet paid off."""
        ...

    async def credit_line(self, customer_id: str) -> CreditLine: ...

    async def transactions(self, customer_id: str, start: date, end: date) -> Transactions:
        """Transactions booked from `start` to `end` inclusive, newest first."""
        ...

    async def products(self) -> List[Product]: ...

    async def risk_profile(self, customer_id: str) -> RiskProfile: ...

    async def assess_risk(self, customer_id: str, answers: List[str]) -> RiskProfile:
        """Scores the seven answers (A-D) and stores the level with its validity date."""
        ...

    async def suitable_products(self, customer_id: str) -> SuitableProducts: ...

    async def payoff(self, customer_id: str, loan_id: str) -> Payoff: ...

    async def repay(self, customer_id: str, loan_id: str, amount: Decimal,
                    key: Optional[str]) -> Repayment:
        """Repays `amount`; without an idempotency key it is only a quote (nothing moves)."""
        ...

    async def order(self, customer_id: str, side: str, product_code: str, amount: Decimal,
                    key: Optional[str]) -> Order:
        """Buys or redeems; without an idempotency key it is only a quote (nothing moves)."""
        ...

    async def freeze_card(self, customer_id: str, card_id: str, reason: str, key: str) -> Freeze:
        ...

    async def request_handoff(self, customer_id: str, summary: str, language: str) -> Handoff:
        ...


# JSON -> the types above. A missing field or a malformed figure raises KeyError, TypeError or
# ValueError (decimal.InvalidOperation is a ValueError): the client reports BankUnavailable.


def _money(value: Any) -> Decimal:
    if not isinstance(value, str):
        raise TypeError(f"an amount must be a string, not {value!r}")
    figure = Decimal(value)
    if not figure.is_finite():
        raise ValueError(f"not an amount: {value!r}")
    return figure


def _optional_money(value: Any) -> Optional[Decimal]:
    return None if value is None else _money(value)


def _day(value: Any) -> date:
    return date.fromisoformat(value)


def _optional_day(value: Any) -> Optional[date]:
    return None if value is None else _day(value)


def _card(data: Dict[str, Any]) -> Card:
    return Card(card_id=data["card_id"], masked_number=data["masked_number"],
                frozen=bool(data["frozen"]))


def parse_profile(data: Dict[str, Any]) -> Profile:
    return Profile(customer_id=data["customer_id"], name=data["name"], language=data["language"],
                   card=_card(data["card"]))


def parse_balance(data: Dict[str, Any]) -> Balance:
    return Balance(card_id=data["card_id"], masked_number=data["masked_number"],
                   currency=data.get("currency", "CNY"), balance=_money(data["balance"]),
                   frozen=bool(data["frozen"]))


def _lot(data: Dict[str, Any]) -> Lot:
    return Lot(confirmed_on=_day(data["confirmed_on"]), cost=_money(data["cost"]),
               market_value=_money(data["market_value"]), status=data["status"],
               matures_on=_optional_day(data.get("matures_on")))


def _holding(data: Dict[str, Any]) -> Holding:
    return Holding(
        product_code=data["product_code"], name_zh=data["name_zh"], name_en=data["name_en"],
        risk=data["risk"], cost=_money(data["cost"]), market_value=_money(data["market_value"]),
        profit=_money(data["profit"]),
        yesterday_earnings=_optional_money(data.get("yesterday_earnings")),
        redeemable=_money(data["redeemable"]), lots=[_lot(lot) for lot in data["lots"]],
    )


def _in_transit(data: Dict[str, Any]) -> InTransit:
    return InTransit(order_id=int(data["order_id"]), product_code=data["product_code"],
                     name_zh=data["name_zh"], name_en=data["name_en"],
                     proceeds=_money(data["proceeds"]), arrival_date=_day(data["arrival_date"]))


def parse_holdings(data: Dict[str, Any]) -> Holdings:
    return Holdings(
        total_cost=_money(data["total_cost"]),
        total_market_value=_money(data["total_market_value"]),
        holdings=[_holding(item) for item in data["holdings"]],
        redemptions_in_transit=[_in_transit(item) for item in data["redemptions_in_transit"]],
    )


def parse_installment(data: Dict[str, Any]) -> Installment:
    return Installment(
        number=int(data["number"]), due_date=_day(data["due_date"]), amount=_money(data["amount"]),
        principal=_money(data["principal"]), interest=_money(data["interest"]),
        status=data["status"], paid_on=_optional_day(data.get("paid_on")),
        days_overdue=int(data["days_overdue"]),
        penalty_interest=_money(data["penalty_interest"]),
    )


def _overdue(data: Optional[Dict[str, Any]]) -> Optional[Overdue]:
    if data is None:
        return None
    return Overdue(
        installments=[int(number) for number in data["installments"]],
        amount=_money(data["amount"]), principal=_money(data["principal"]),
        days_overdue=int(data["days_overdue"]), in_grace_period=bool(data["in_grace_period"]),
        penalty_interest=_money(data["penalty_interest"]),
    )


def parse_loan(data: Dict[str, Any]) -> Loan:
    following = data.get("next_installment")
    return Loan(
        loan_id=data["loan_id"], product_code=data["product_code"], name_zh=data["name_zh"],
        name_en=data["name_en"], principal=_money(data["principal"]),
        drawn_on=_day(data["drawn_on"]), term_months=int(data["term_months"]),
        daily_rate=Decimal(data["daily_rate"]), installment=_money(data["installment"]),
        outstanding_principal=_money(data["outstanding_principal"]), status=data["status"],
        next_installment=parse_installment(following) if following else None,
        overdue=_overdue(data.get("overdue")),
    )


def parse_credit_line(data: Dict[str, Any]) -> CreditLine:
    return CreditLine(
        limit=_money(data["limit"]), outstanding_principal=_money(data["outstanding_principal"]),
        available=_money(data["available"]), daily_rate=Decimal(data["daily_rate"]),
        frozen=bool(data["frozen"]), frozen_reason=data.get("frozen_reason"),
    )


def parse_transactions(data: Dict[str, Any]) -> Transactions:
    return Transactions(
        start=_day(data["start"]), end=_day(data["end"]),
        transactions=[
            Transaction(booked_on=_day(item["booked_on"]), amount=_money(item["amount"]),
                        description_zh=item["description_zh"],
                        description_en=item["description_en"])
            for item in data["transactions"]
        ],
    )


def parse_product(data: Dict[str, Any]) -> Product:
    closed = data.get("closed_days")
    return Product(
        code=data["code"], name_zh=data["name_zh"], name_en=data["name_en"], risk=data["risk"],
        return_zh=data["return_zh"], return_en=data["return_en"],
        min_purchase=_money(data["min_purchase"]),
        closed_days=None if closed is None else int(closed),
        redemption_days=int(data["redemption_days"]),
    )


def parse_risk_profile(data: Dict[str, Any]) -> RiskProfile:
    score = data.get("score")
    return RiskProfile(
        level=data.get("level"), name_zh=data.get("name_zh"), name_en=data.get("name_en"),
        max_product_risk=data.get("max_product_risk"),
        score=None if score is None else int(score),
        assessed_on=_optional_day(data.get("assessed_on")),
        valid_until=_optional_day(data.get("valid_until")), valid=bool(data["valid"]),
    )


def parse_suitable_products(data: Dict[str, Any]) -> SuitableProducts:
    return SuitableProducts(level=data["level"],
                            products=[parse_product(item) for item in data["products"]],
                            risk_notice=dict(data["risk_notice"]))


def parse_payoff(data: Dict[str, Any]) -> Payoff:
    return Payoff(loan_id=data["loan_id"], amount_due=_money(data["amount_due"]),
                  penalty_interest=_money(data["penalty_interest"]), total=_money(data["total"]))


def parse_repayment(data: Dict[str, Any]) -> Repayment:
    return Repayment(
        repayment_id=data.get("repayment_id"), loan_id=data["loan_id"],
        amount=_money(data["amount"]), principal=_money(data["principal"]),
        interest=_money(data["interest"]), penalty_interest=_money(data["penalty_interest"]),
        installments_settled=[int(n) for n in data["installments_settled"]],
        loan=parse_loan(data["loan"]), balance=_money(data["balance"]),
    )


def parse_order(data: Dict[str, Any]) -> Order:
    fast = data.get("fast")
    return Order(
        order_id=data.get("order_id"), side=data["side"], status=data["status"],
        product_code=data["product_code"], name_zh=data["name_zh"], name_en=data["name_en"],
        amount=_money(data["amount"]), fee=_money(data["fee"]),
        trade_date=_day(data["trade_date"]),
        confirmation_date=_optional_day(data.get("confirmation_date")),
        matures_on=_optional_day(data.get("matures_on")),
        payback_date=_optional_day(data.get("payback_date")),
        proceeds=_optional_money(data.get("proceeds")),
        arrival_date=_optional_day(data.get("arrival_date")),
        fast=None if fast is None else bool(fast), balance=_money(data["balance"]),
        # A purchase is never confirmed without the notice: a buy reply without it is broken.
        risk_notice=dict(data["risk_notice"]) if data["side"] == "buy" else None,
    )


def parse_freeze(data: Dict[str, Any]) -> Freeze:
    return Freeze(card_id=data["card_id"], masked_number=data["masked_number"],
                  already_frozen=bool(data["already_frozen"]))


def parse_handoff(data: Dict[str, Any]) -> Handoff:
    return Handoff(handoff_id=int(data["handoff_id"]), position=int(data["position"]),
                   agents_on_duty=bool(data["agents_on_duty"]),
                   agent_available_at=datetime.fromisoformat(data["agent_available_at"]))


def _segment(value: str) -> str:
    """One path segment, so what a customer typed (a loan number) cannot change the path."""
    return quote(value, safe="")


class HttpBankClient:
    """BankClient over HTTP (httpx). `transport` is for tests (httpx.MockTransport)."""

    def __init__(
        self, settings: Optional[Settings] = None,
        transport: Optional[httpx.AsyncBaseTransport] = None,
    ) -> None:
        settings = settings or get_settings()
        self.base_url = settings.bank_url.rstrip("/")
        self.timeout = settings.bank_timeout_seconds
        self._token = settings.bank_service_token
        self._transport = transport

    # The read-only lookups.

    async def profile(self, customer_id: str) -> Profile:
        return await self._lookup(customer_id, "", parse_profile)

    async def balance(self, customer_id: str) -> Balance:
        return await self._lookup(customer_id, "/balance", parse_balance)

    async def holdings(self, customer_id: str) -> Holdings:
        return await self._lookup(customer_id, "/holdings", parse_holdings)

    async def loans(self, customer_id: str) -> List[Loan]:
        return await self._lookup(customer_id, "/loans",
                                  lambda data: [parse_loan(item) for item in data])

    async def loan_schedules(
        self, customer_id: str, loan_id: Optional[str] = None
    ) -> List[LoanSchedule]:
        async def schedule(client: httpx.AsyncClient, loan: Loan) -> LoanSchedule:
            path = f"/loans/{_segment(loan.loan_id)}/schedule"
            data = await self._get(client, customer_id, path)
            return LoanSchedule(loan, self._parse(data, path,
                                                  lambda d: [parse_installment(i) for i in d]))

        async def fetch(client: httpx.AsyncClient) -> List[LoanSchedule]:
            if loan_id is not None:
                path = f"/loans/{_segment(loan_id)}"
                loans = [self._parse(await self._get(client, customer_id, path), path, parse_loan)]
            else:
                data = await self._get(client, customer_id, "/loans")
                loans = [loan for loan in self._parse(data, "/loans",
                                                      lambda d: [parse_loan(i) for i in d])
                         if loan.status != "closed"]
            # One after the other: a customer has one or two loans, and all share the deadline.
            return [await schedule(client, loan) for loan in loans]

        return await self._within_deadline(fetch)

    async def credit_line(self, customer_id: str) -> CreditLine:
        return await self._lookup(customer_id, "/credit-line", parse_credit_line)

    async def transactions(self, customer_id: str, start: date, end: date) -> Transactions:
        params = {"start": start.isoformat(), "end": end.isoformat()}
        return await self._lookup(customer_id, "/transactions", parse_transactions, params)

    # Products, the risk profile and suitability.

    async def products(self) -> List[Product]:
        async def fetch(client: httpx.AsyncClient) -> List[Product]:
            response = await client.get("/products")
            data = self._json(response, "GET /products")
            return self._parse(data, "/products", lambda d: [parse_product(i) for i in d])

        return await self._within_deadline(fetch)

    async def risk_profile(self, customer_id: str) -> RiskProfile:
        return await self._lookup(customer_id, "/risk-profile", parse_risk_profile)

    async def assess_risk(self, customer_id: str, answers: List[str]) -> RiskProfile:
        return await self._send(customer_id, "PUT", "/risk-profile", {"answers": answers},
                                parse_risk_profile)

    async def suitable_products(self, customer_id: str) -> SuitableProducts:
        return await self._lookup(customer_id, "/suitable-products", parse_suitable_products)

    # Money moves: a quote (no key, nothing moves) or the real thing (once per key).

    async def payoff(self, customer_id: str, loan_id: str) -> Payoff:
        return await self._lookup(customer_id, f"/loans/{_segment(loan_id)}/payoff",
                                  parse_payoff)

    async def repay(self, customer_id: str, loan_id: str, amount: Decimal,
                    key: Optional[str]) -> Repayment:
        path = f"/loans/{_segment(loan_id)}/repayments" + ("" if key else "/quote")
        return await self._send(customer_id, "POST", path, {"amount": str(amount)},
                                parse_repayment, key)

    async def order(self, customer_id: str, side: str, product_code: str, amount: Decimal,
                    key: Optional[str]) -> Order:
        body = {"side": side, "product_code": product_code, "amount": str(amount)}
        return await self._send(customer_id, "POST", "/orders" + ("" if key else "/quote"),
                                body, parse_order, key)

    async def freeze_card(self, customer_id: str, card_id: str, reason: str, key: str) -> Freeze:
        return await self._send(customer_id, "POST", f"/cards/{_segment(card_id)}/freeze",
                                {"reason": reason}, parse_freeze, key)

    async def request_handoff(self, customer_id: str, summary: str, language: str) -> Handoff:
        return await self._send(customer_id, "POST", "/handoffs",
                                {"summary": summary, "language": language}, parse_handoff)

    # Plumbing.

    async def _send(
        self, customer_id: str, method: str, path: str, body: Dict[str, Any],
        parse: Callable[[Any], T], key: Optional[str] = None,
    ) -> T:
        url = f"/customers/{_segment(customer_id)}{path}"
        headers = {"X-Customer-Id": customer_id}
        if key:
            headers["Idempotency-Key"] = key

        async def fetch(client: httpx.AsyncClient) -> T:
            response = await client.request(method, url, json=body, headers=headers)
            return self._parse(self._json(response, f"{method} {url}"), path, parse)

        return await self._within_deadline(fetch)

    async def _lookup(
        self, customer_id: str, path: str, parse: Callable[[Any], T],
        params: Optional[Dict[str, str]] = None,
    ) -> T:
        async def fetch(client: httpx.AsyncClient) -> T:
            return self._parse(await self._get(client, customer_id, path, params), path, parse)

        return await self._within_deadline(fetch)

    async def _within_deadline(self, fetch: Callable[[httpx.AsyncClient], Any]) -> Any:
        """Runs `fetch` with a fresh client; all of it must finish within the timeout."""
        try:
            async with httpx.AsyncClient(
                base_url=self.base_url, timeout=self.timeout, transport=self._transport,
                verify=tls_context(), follow_redirects=False,
                headers={"Authorization": f"Bearer {self._token}"},
            ) as client:
                return await asyncio.wait_for(fetch(client), self.timeout)
        except asyncio.TimeoutError as error:
            raise BankUnavailable(f"no answer within {self.timeout:g} s") from error
        except httpx.TimeoutException as error:
            raise BankUnavailable(f"timed out: {error!r}") from error
        except httpx.HTTPError as error:  # connection refused or reset, protocol errors
            raise BankUnavailable(f"unreachable: {error!r}") from error

    async def _get(
        self, client: httpx.AsyncClient, customer_id: str, path: str,
        params: Optional[Dict[str, str]] = None,
    ) -> Any:
        url = f"/customers/{_segment(customer_id)}{path}"
        response = await client.get(url, params=params, headers={"X-Customer-Id": customer_id})
        return self._json(response, f"GET {url}")

    def _json(self, response: httpx.Response, asked: str) -> Any:
        """The answer's JSON; a refusal (4xx) or an outage (5xx, nonsense) as an exception."""
        if response.status_code >= 500:
            raise BankUnavailable(f"{asked}: {response.status_code}")
        if response.status_code >= 400:
            raise self._refusal(response)
        if response.status_code not in (200, 201):
            raise BankUnavailable(f"{asked}: unexpected {response.status_code}")
        try:
            return response.json()
        except ValueError as error:
            raise BankUnavailable(f"{asked}: the answer is not JSON") from error

    @staticmethod
    def _parse(data: Any, path: str, parse: Callable[[Any], T]) -> T:
        try:
            return parse(data)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise BankUnavailable(f"{path}: unexpected answer ({error!r})") from error

    @staticmethod
    def _refusal(response: httpx.Response) -> BankRefused:
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            code, detail = body.get("code"), body.get("detail")
            extra = {key: value for key, value in body.items() if key not in ("code", "detail")}
        else:
            code = detail = None
            extra = {}
        return BankRefused(
            code if isinstance(code, str) and code else f"http_{response.status_code}",
            detail if isinstance(detail, str) and detail else response.reason_phrase
            or f"refused ({response.status_code})",
            response.status_code, extra,
        )
