"""Engine and sessions: a SQLite file by default, PostgreSQL (any SQLAlchemy URL) by setting;
bank/migrations holds the tables' history, applied by `python -m bank.manage init`."""

from pathlib import Path

from sqlalchemy import Engine, create_engine, event

from bank.models import Base
from core.database import ensure_sqlite_folder
from core.migrations import Migrations

MIGRATIONS = Migrations(
    location=Path(__file__).parent / "migrations", metadata=Base.metadata,
    version_table="bank_schema_version", baseline="bank_0001",
    command="python -m bank.manage init",
)


def new_engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    ensure_sqlite_folder(url)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy, not the driver, begins transactions
        dbapi_connection.execute("PRAGMA foreign_keys = ON")

    @event.listens_for(engine, "begin")
    def _begin(connection) -> None:
        # Take the write lock at the start: concurrent money moves queue up instead of failing
        # mid-way (SQLite has no row locks; PostgreSQL uses SELECT ... FOR UPDATE instead).
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine
