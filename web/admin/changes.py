"""Every change staff make: who, when, what (the item before and after, and a readable diff),
so any change can be looked at and undone."""

import difflib
import json
from datetime import UTC, datetime

import yaml
from pydantic import BaseModel
from sqlalchemy import Engine, insert, select

from web.tables import changes


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
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

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
