"""Every change staff make: who, when, what (the item before and after, and a readable diff),
so any change can be looked at and undone."""

import difflib
import json
from datetime import UTC, datetime

import yaml
from pydantic import BaseModel
from sqlalchemy import (
    JSON,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
)

from core.database import engine_for

_metadata = MetaData()
changes = Table(
    "changes", _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("username", String(64), nullable=False),
    Column("kind", String(32), nullable=False),  # what sort of item: knowledge, intent, ...
    Column("item", String(128), nullable=False),  # the item's id
    Column("action", String(64), nullable=False),  # create, update, delete, undo #N
    Column("before", JSON, nullable=True),
    Column("after", JSON, nullable=True),
    Column("diff", Text, nullable=False),
    Column("place", JSON, nullable=True),  # where the item sat (so an undo puts it back there)
)


class Change(BaseModel):
    id: int
    at: datetime
    username: str
    kind: str
    item: str
    action: str
    before: dict | None
    after: dict | None
    diff: str
    place: dict | None = None


def readable(data: dict | None) -> list[str]:
    if data is None:
        return []
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1_000_000
                          ).splitlines(keepends=True)


class ChangeLog:
    def __init__(self, database_url: str) -> None:
        self.engine = engine_for(database_url)
        _metadata.create_all(self.engine)

    def record(self, username: str, kind: str, item: str, action: str,
               before: dict | None, after: dict | None, place: dict | None = None) -> int:
        diff = "".join(difflib.unified_diff(readable(before), readable(after),
                                            f"{item} (before)", f"{item} (after)"))
        with self.engine.begin() as db:
            return db.execute(insert(changes).values(  # type: ignore[index]  # always one key
                at=datetime.now(UTC), username=username, kind=kind, item=item, action=action,
                before=json.loads(json.dumps(before)), after=json.loads(json.dumps(after)),
                diff=diff, place=place)).inserted_primary_key[0]

    def get(self, change_id: int) -> Change | None:
        with self.engine.connect() as db:
            row = db.execute(select(changes).where(changes.c.id == change_id)).mappings().first()
        return Change(**row) if row else None

    def recent(self, kind: str | None = None, limit: int = 100) -> list[Change]:
        query = select(changes).order_by(changes.c.id.desc()).limit(limit)
        if kind:
            query = query.where(changes.c.kind == kind)
        with self.engine.connect() as db:
            return [Change(**row) for row in db.execute(query).mappings()]
