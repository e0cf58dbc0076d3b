"""The sandbox account service: `python -m bank.manage serve`."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from bank.accounts import DailyBatch
from bank.api.errors import add_handlers
from bank.api.routes import (
    balance,
    cards,
    credit_line,
    customers,
    handoffs,
    health,
    holdings,
    loans,
    orders,
    products,
    risk_profile,
    transactions,
)
from bank.db import MIGRATIONS, new_engine
from core.config import Settings, get_settings


def create_app(settings: Settings | None = None) -> FastAPI:
    """`uvicorn --factory bank.main:create_app`; tests pass their own settings. It refuses to
    start (SchemaNotCurrent, saying what to run) on a database that is not migrated."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = new_engine(settings.bank_database_url)
        try:
            MIGRATIONS.require_current(database)
            app.state.database = database
            app.state.daily_batch = DailyBatch(database)
            yield
        finally:
            database.dispose()

    app = FastAPI(
        lifespan=lifespan,
        title="Sandbox account service",
        description=(
            "Stands in for the bank's core systems behind 小安 / An. Every call except /health "
            "needs `Authorization: Bearer <service token>`; calls about a customer also need "
            "`X-Customer-Id`, which must match the path. Money-moving calls need an "
            "`Idempotency-Key`. Amounts are strings with two decimals (CNY). Refusals are 4xx "
            "with `detail` (readable) and `code`."
        ),
    )
    app.state.settings = settings
    for module in (health, products, customers, balance, transactions, holdings, risk_profile,
                   orders, loans, credit_line, cards, handoffs):
        app.include_router(module.router)
    add_handlers(app)
    return app
