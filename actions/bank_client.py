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
from datetime import date
from decimal import Decimal
from typing import Any, Callable, Dict, List, Optional, Protocol, TypeVar
from urllib.parse import quote

import httpx

from actions.settings import Settings, get_settings

logger = logging.getLogger(__name__)
T = TypeVar("T")


class BankError(Exception):
    """Base of the account service's failures."""


class BankUnavailable(BankError):
    """The service is down, slow, failing (5xx) or answering nonsense."""


class BankRefused(BankError):
    """The service refused the request (4xx) and said why."""

    def __init__(self, code: str, detail: str, status: int = 400) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.code, self.detail, self.status = code, detail, status


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


class BankClient(Protocol):
    """What the read-only account actions ask the account service."""

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

    # Plumbing.

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
                follow_redirects=False, headers={"Authorization": f"Bearer {self._token}"},
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
        if response.status_code >= 500:
            raise BankUnavailable(f"GET {url}: {response.status_code}")
        if response.status_code >= 400:
            raise self._refusal(response)
        if response.status_code != 200:
            raise BankUnavailable(f"GET {url}: unexpected {response.status_code}")
        try:
            return response.json()
        except ValueError as error:
            raise BankUnavailable(f"GET {url}: the answer is not JSON") from error

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
        else:
            code = detail = None
        return BankRefused(
            code if isinstance(code, str) and code else f"http_{response.status_code}",
            detail if isinstance(detail, str) and detail else response.reason_phrase
            or f"refused ({response.status_code})",
            response.status_code,
        )
