"""Engine and sessions: a SQLite file by default, PostgreSQL (any SQLAlchemy URL) by setting."""

from functools import lru_cache

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session

from bank.models import Base
from core.database import ensure_sqlite_folder


@lru_cache
def engine_for(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
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


def open_session(url: str) -> Session:
    return Session(engine_for(url))


def create_schema(url: str) -> None:
    """Creates the tables that are missing; existing tables and data are left alone."""
    ensure_sqlite_folder(url)
    Base.metadata.create_all(engine_for(url))
