"""What the app side's SQL stores share: one engine per database URL."""

from functools import lru_cache
from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url


def ensure_sqlite_folder(url: str) -> None:
    """SQLite creates the file but not its folder."""
    database = make_url(url).database
    if url.startswith("sqlite") and database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


@lru_cache
def engine_for(url: str) -> Engine:
    ensure_sqlite_folder(url)
    return create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
