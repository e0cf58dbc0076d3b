"""A fresh, seeded sandbox bank per test (SQLite in tmp_path), its clock fixed at
2026-11-26 10:00 Asia/Shanghai (a Thursday) unless the test moves it."""

import uuid
from datetime import datetime

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from bank.api.deps import get_clock
from bank.clock import BUSINESS_TZ, Clock
from bank.db import new_engine
from bank.main import create_app
from bank.manage import init
from core.config import Settings

TOKEN = "test-service-token"
THURSDAY_10AM = datetime(2026, 11, 26, 10, 0, tzinfo=BUSINESS_TZ)


class Api:
    """Calls the account service as the action server does: token, customer id, idempotency key."""

    def __init__(self, client: TestClient, clock: Clock) -> None:
        self.client, self.clock = client, clock

    def at(self, *when: int) -> None:
        """Move the bank's clock: api.at(2026, 11, 26, 15, 0)."""
        self.clock.fixed_at = datetime(*when, tzinfo=BUSINESS_TZ)

    @staticmethod
    def headers(customer: str, key: str | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Bearer {TOKEN}", "X-Customer-Id": customer}
        return headers | ({"Idempotency-Key": key} if key else {})

    def get(self, customer: str, path: str = "", **params):
        return self.client.get(f"/customers/{customer}{path}", headers=self.headers(customer),
                               params=params)

    def post(self, customer: str, path: str, body: dict, key: str | None = None):
        """POST with a fresh idempotency key unless one is given."""
        return self.client.post(f"/customers/{customer}{path}", json=body,
                                headers=self.headers(customer, key or str(uuid.uuid4())))

    def put(self, customer: str, path: str, body: dict):
        return self.client.put(f"/customers/{customer}{path}", json=body,
                               headers=self.headers(customer))

    def balance(self, customer: str) -> str:
        return self.get(customer, "/balance").json()["balance"]

    @staticmethod
    def accepted(response, moves: bool = True) -> dict:
        """The body of a call that went through: 201 when it moved money, 200 for its quote."""
        assert response.status_code == (201 if moves else 200), response.text
        return response.json()

    @staticmethod
    def refused(response, status: int, code: str) -> dict:
        """The refusal's body, after checking its status, code and readable detail."""
        assert response.status_code == status, response.text
        body = response.json()
        assert body["code"] == code, body
        assert len(body["detail"]) > 10, body
        return body


@pytest.fixture(params=[True, False], ids=["real", "quote"])
def moves(request) -> bool:
    """A test that takes `moves` runs twice: on a money-moving call (True) and on its quote, the
    same call to .../quote (False), a dry run with the same checks and refusals that moves
    nothing."""
    return request.param


@pytest.fixture
def bank_settings(tmp_path) -> Settings:
    settings = Settings(data_dir=tmp_path, bank_service_token=TOKEN, bank_now=THURSDAY_10AM)
    init(settings)
    return settings


@pytest.fixture
def bank_db(bank_settings) -> Engine:
    """The test's bank database, for looking at what the service stored."""
    engine = new_engine(bank_settings.bank_database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def clock(bank_settings) -> Clock:
    return Clock(fixed_at=bank_settings.bank_now)


@pytest.fixture
def bank_app(bank_settings, clock) -> FastAPI:
    app = create_app(bank_settings)
    app.dependency_overrides[get_clock] = lambda: clock
    return app


@pytest.fixture
def api(bank_app, clock) -> Api:
    with TestClient(bank_app) as client:
        yield Api(client, clock)
