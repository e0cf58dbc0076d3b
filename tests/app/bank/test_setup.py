"""Schema and seed step, settings, the injectable clock, exact money storage."""

from datetime import datetime
from decimal import Decimal as D

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from bank.api.deps import get_clock
from bank.clock import BUSINESS_TZ, Clock
from bank.main import create_app
from bank.manage import init
from bank.models import (
    Customer,
    DebitCard,
    Holding,
    Installment,
    Loan,
    Product,
    Repayment,
    Transaction,
)
from core.config import Settings
from core.migrations import SchemaNotCurrent


def counts(bank_db) -> dict[str, int]:
    with Session(bank_db) as session:
        return {model.__name__: session.scalar(select(func.count()).select_from(model))
                for model in (Customer, Product, Holding, Loan, Installment, Repayment,
                              Transaction)}


def test_init_seeds_once_and_is_safe_to_run_again(bank_settings, bank_db):
    expected = {"Customer": 3, "Product": 6, "Holding": 4, "Loan": 2, "Installment": 16,
                "Repayment": 10, "Transaction": 5}
    assert counts(bank_db) == expected
    assert init(bank_settings) is False
    assert counts(bank_db) == expected


def test_seeded_installments_come_from_the_schedule_code(bank_db):
    with Session(bank_db) as session:
        loan = session.get(Loan, "L1001")
        assert loan.installment == D("2100.33")
        assert [i.paid_on is not None for i in loan.installments] == [True] * 5 + [False] * 5
        sixth = loan.installments[5]
        assert (sixth.principal, sixth.interest, str(sixth.due_date)) == (
            D("2008.31"), D("92.02"), "2026-12-15")


def test_money_is_stored_exactly_never_as_float(bank_db):
    with Session(bank_db) as session:
        stored = session.execute(text(
            "SELECT balance, typeof(balance) FROM debit_cards WHERE id = 'DC001'")).one()
        assert tuple(stored) == ("52380.25", "text")
        card = session.get(DebitCard, "DC001")
        assert card.balance == D("52380.25") and isinstance(card.balance, D)
        card.balance = D("0.001")
        with pytest.raises(Exception, match="more than 2 decimals"):
            session.flush()


def test_settings_defaults(tmp_path):
    settings = Settings(data_dir=tmp_path)
    assert settings.bank_port == 8010
    assert settings.bank_database_url == f"sqlite:///{tmp_path / 'bank.db'}"
    assert settings.bank_url == "http://127.0.0.1:8010"
    assert settings.bank_service_token and settings.bank_now is None
    own = Settings(bank_database_url="postgresql://bank/core", bank_url="https://core.bank.example")
    assert (own.bank_database_url, own.bank_url) == ("postgresql://bank/core",
                                                     "https://core.bank.example")


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("AN_BANK_NOW", "2026-11-28T10:00:00")
    monkeypatch.setenv("AN_BANK_SERVICE_TOKEN", "from-env")
    settings = Settings()
    assert settings.bank_service_token == "from-env"
    assert get_clock(settings).now() == datetime(2026, 11, 28, 10, tzinfo=BUSINESS_TZ)


def test_clock_is_business_time_in_shanghai():
    utc_evening = datetime.fromisoformat("2026-11-26T17:30:00+00:00")
    assert Clock(fixed_at=utc_evening).today().isoformat() == "2026-11-27"
    assert Clock().now().tzinfo == BUSINESS_TZ


def test_the_settings_clock_drives_business_rules(bank_settings):
    """No clock override here: the app reads bank_now from settings."""
    saturday = bank_settings.model_copy(update={"bank_now": datetime(2026, 11, 28, 10, 0)})
    with TestClient(create_app(saturday)) as client:
        headers = {"Authorization": f"Bearer {saturday.bank_service_token}",
                   "X-Customer-Id": "C001", "Idempotency-Key": "k"}
        body = client.post("/customers/C001/orders", headers=headers, json={
            "side": "buy", "product_code": "WM001", "amount": "1.00"}).json()
    assert (body["trade_date"], body["confirmation_date"]) == ("2026-11-30", "2026-12-01")


def test_the_service_refuses_to_start_on_a_database_not_set_up(tmp_path):
    not_set_up = TestClient(create_app(Settings(data_dir=tmp_path)))
    with pytest.raises(SchemaNotCurrent, match=r"not bank_0001: run `python -m bank.manage init`"):
        not_set_up.__enter__()  # what uvicorn does: the start-up fails, saying what to run
