"""Recent conversations for staff to learn from, read from Rasa's tracker store (its SQL `events`
table), with the turns worth a look flagged and personal data masked.

Flags: a customer message whose intent confidence was low, that fell back (nlu_fallback), or that
asked for a person (request_human); an answer that was the retriever's "don't know"
(utter_kb_dont_know). Card, phone and ID numbers are masked before anything leaves this module.
"""

import json
import re
from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    inspect,
    select,
)

_metadata = MetaData()
events = Table(  # Rasa's SQLTrackerStore schema (rasa/core/tracker_store.py, SQLEvent)
    "events", _metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)

# ID numbers first (18 characters), then phones (which may start "+86 " and so look like a card).
_ID_NUMBER = re.compile(r"(?<!\d)\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?![\dXx])")
_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
_PHONE = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)")
DONT_KNOW = "utter_kb_dont_know"


def mask(text: str) -> str:
    """Card, phone and ID numbers with all but their last 4 characters hidden."""
    def hide(match: re.Match) -> str:
        kept = re.sub(r"[ -]", "", match.group(0))
        return "*" * (len(kept) - 4) + kept[-4:]

    for pattern in (_ID_NUMBER, _PHONE, _CARD):
        text = pattern.sub(hide, text)
    return text


def _time(timestamp: float | None) -> datetime | None:
    return datetime.fromtimestamp(timestamp, UTC) if timestamp else None


class ConversationReview:
    def __init__(self, tracker: Engine, low_confidence: float = 0.6) -> None:
        self.engine = tracker  # Rasa's tracker store: read only
        self.low_confidence = low_confidence

    def _ready(self) -> bool:
        return inspect(self.engine).has_table("events")

    def conversation(self, sender: str) -> list[dict]:
        """The turns of one conversation, oldest first."""
        if not self._ready():
            return []
        with self.engine.connect() as db:
            rows = db.execute(select(events).where(events.c.sender_id == sender)
                              .where(events.c.type_name.in_(("user", "bot")))
                              .order_by(events.c.id)).mappings().all()
        return [self._turn(row) for row in rows]

    def _turn(self, row) -> dict:
        data = json.loads(row["data"] or "{}")
        flags = []
        turn = {"event": row["id"], "at": _time(row["timestamp"]), "who": row["type_name"],
                "text": mask(data.get("text") or "")}
        if row["type_name"] == "user":
            intent = (data.get("parse_data") or {}).get("intent") or {}
            confidence = intent.get("confidence")
            turn.update(intent=intent.get("name"), confidence=confidence)
            if intent.get("name") == "nlu_fallback":
                flags.append("fallback")
            elif confidence is not None and confidence < self.low_confidence:
                flags.append("low_confidence")
            if intent.get("name") == "request_human":
                flags.append("asked_for_a_person")
        elif (data.get("metadata") or {}).get("utter_action") == DONT_KNOW:
            flags.append("dont_know")
        turn["flags"] = flags
        return turn

    def recent(self, limit: int = 50) -> list[dict]:
        """The latest conversations, newest first, with how many of their turns are flagged."""
        if not self._ready():
            return []
        with self.engine.connect() as db:
            latest = db.execute(
                select(events.c.sender_id, func.min(events.c.timestamp).label("started"),
                       func.max(events.c.timestamp).label("last"))
                .group_by(events.c.sender_id).order_by(func.max(events.c.timestamp).desc())
                .limit(limit)).mappings().all()
        found = []
        for row in latest:
            turns = self.conversation(row["sender_id"])
            found.append({"sender": row["sender_id"], "started": _time(row["started"]),
                          "last": _time(row["last"]),
                          "messages": sum(turn["who"] == "user" for turn in turns),
                          "flagged": sum(bool(turn["flags"]) for turn in turns)})
        return found
