"""What the app side's SQL stores share: an engine for a database URL. Each service builds its
engines once, at start-up, and disposes of them when it stops."""

from pathlib import Path

from sqlalchemy import Engine, create_engine, make_url


def ensure_sqlite_folder(url: str) -> None:
    """SQLite creates the file but not its folder."""
    database = make_url(url).database
    if url.startswith("sqlite") and database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def new_engine(url: str) -> Engine:
    ensure_sqlite_folder(url)
    return create_engine(url, pool_pre_ping=not url.startswith("sqlite"))
