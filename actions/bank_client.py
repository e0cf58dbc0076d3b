"""The account service as the actions see it: a small interface and its HTTP implementation.

Every call names the authenticated customer (path and X-Customer-Id) and carries the service
token. Money arrives as strings ("52380.25") and becomes Decimal here, never float. Failures
become one of two exceptions (the replies' models: actions/bank_replies.py):

- BankUnavailable: the service cannot answer now (connection refused, timeout, 5xx, a response
  that is not what the API promises). The customer gets an apology and the offer of a person.
- BankRefused(code, detail): the service answered 4xx with its reason ({"detail", "code"}).

A whole lookup (all the requests one method makes) has one deadline, bank_timeout_seconds.
"""

import asyncio
import logging
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any, Callable, Dict, List, Optional, Protocol, TypeVar
from urllib.parse import quote

import httpx

from actions.bank_replies import (
    Balance,
    CreditLine,
    Freeze,
    Handoff,
    Holdings,
    Installment,
    Loan,
    LoanSchedule,
    Order,
    Payoff,
    Product,
    Profile,
    Repayment,
    RiskProfile,
    SuitableProducts,
    Transactions,
    many,
)
from actions.http import SharedClient
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
        self.timeout = settings.bank_timeout_seconds
        self._http = SharedClient(
            base_url=settings.bank_url.rstrip("/"), timeout=self.timeout, transport=transport,
            follow_redirects=False,
            headers={"Authorization": f"Bearer {settings.bank_service_token}"})

    # The read-only lookups.

    async def profile(self, customer_id: str) -> Profile:
        return await self._lookup(customer_id, "", Profile.parse_obj)

    async def balance(self, customer_id: str) -> Balance:
        return await self._lookup(customer_id, "/balance", Balance.parse_obj)

    async def holdings(self, customer_id: str) -> Holdings:
        return await self._lookup(customer_id, "/holdings", Holdings.parse_obj)

    async def loans(self, customer_id: str) -> List[Loan]:
        return await self._lookup(customer_id, "/loans",
                                  many(Loan))

    async def loan_schedules(
        self, customer_id: str, loan_id: Optional[str] = None
    ) -> List[LoanSchedule]:
        async def schedule(client: httpx.AsyncClient, loan: Loan) -> LoanSchedule:
            path = f"/loans/{_segment(loan.loan_id)}/schedule"
            data = await self._get(client, customer_id, path)
            return LoanSchedule(loan=loan, installments=self._parse(data, path, many(Installment)))

        async def fetch(client: httpx.AsyncClient) -> List[LoanSchedule]:
            if loan_id is not None:
                path = f"/loans/{_segment(loan_id)}"
                data = await self._get(client, customer_id, path)
                loans = [self._parse(data, path, Loan.parse_obj)]
            else:
                data = await self._get(client, customer_id, "/loans")
                loans = [loan for loan in self._parse(data, "/loans", many(Loan))
                         if loan.status != "closed"]
            # One after the other: a customer has one or two loans, and all share the deadline.
            return [await schedule(client, loan) for loan in loans]

        return await self._within_deadline(fetch)

    async def credit_line(self, customer_id: str) -> CreditLine:
        return await self._lookup(customer_id, "/credit-line", CreditLine.parse_obj)

    async def transactions(self, customer_id: str, start: date, end: date) -> Transactions:
        params = {"start": start.isoformat(), "end": end.isoformat()}
        return await self._lookup(customer_id, "/transactions", Transactions.parse_obj, params)

    # Products, the risk profile and suitability.

    async def products(self) -> List[Product]:
        async def fetch(client: httpx.AsyncClient) -> List[Product]:
            response = await client.get("/products")
            data = self._json(response, "GET /products")
            return self._parse(data, "/products", many(Product))

        return await self._within_deadline(fetch)

    async def risk_profile(self, customer_id: str) -> RiskProfile:
        return await self._lookup(customer_id, "/risk-profile", RiskProfile.parse_obj)

    async def assess_risk(self, customer_id: str, answers: List[str]) -> RiskProfile:
        return await self._send(customer_id, "PUT", "/risk-profile", {"answers": answers},
                                RiskProfile.parse_obj)

    async def suitable_products(self, customer_id: str) -> SuitableProducts:
        return await self._lookup(customer_id, "/suitable-products", SuitableProducts.parse_obj)

    # Money moves: a quote (no key, nothing moves) or the real thing (once per key).

    async def payoff(self, customer_id: str, loan_id: str) -> Payoff:
        return await self._lookup(customer_id, f"/loans/{_segment(loan_id)}/payoff",
                                  Payoff.parse_obj)

    async def repay(self, customer_id: str, loan_id: str, amount: Decimal,
                    key: Optional[str]) -> Repayment:
        path = f"/loans/{_segment(loan_id)}/repayments" + ("" if key else "/quote")
        return await self._send(customer_id, "POST", path, {"amount": str(amount)},
                                Repayment.parse_obj, key)

    async def order(self, customer_id: str, side: str, product_code: str, amount: Decimal,
                    key: Optional[str]) -> Order:
        body = {"side": side, "product_code": product_code, "amount": str(amount)}
        return await self._send(customer_id, "POST", "/orders" + ("" if key else "/quote"),
                                body, Order.parse_obj, key)

    async def freeze_card(self, customer_id: str, card_id: str, reason: str, key: str) -> Freeze:
        return await self._send(customer_id, "POST", f"/cards/{_segment(card_id)}/freeze",
                                {"reason": reason}, Freeze.parse_obj, key)

    async def request_handoff(self, customer_id: str, summary: str, language: str) -> Handoff:
        return await self._send(customer_id, "POST", "/handoffs",
                                {"summary": summary, "language": language}, Handoff.parse_obj)

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
        """Runs `fetch` on the shared client; all of it must finish within the timeout."""
        try:
            return await asyncio.wait_for(fetch(self._http.get()), self.timeout)
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


@cache
def the_bank() -> HttpBankClient:
    """The action server's one client of the account service (the actions share it)."""
    return HttpBankClient()
