"""What the app side's SQL stores share."""

from pathlib import Path

from sqlalchemy import make_url


def ensure_sqlite_folder(url: str) -> None:
    """SQLite creates the file but not its folder."""
    database = make_url(url).database
    if url.startswith("sqlite") and database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
