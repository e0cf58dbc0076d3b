"""The web app's tables, in one database (setting web_database_url); web/migrations holds their
history, applied by `python -m web.manage migrate`."""

from pathlib import Path

from sqlalchemy import JSON, Column, DateTime, Float, Integer, MetaData, String, Table, Text

from core.migrations import Migrations

metadata = MetaData()

# Which customer each conversation belongs to (web/conversations.py).
conversation_owners = Table(
    "conversation_owners", metadata,
    Column("sender", String(128), primary_key=True),
    Column("customer_id", String(64), nullable=False),
    Column("bound_at", DateTime(timezone=True), nullable=False),
)

# Staff accounts and their sessions (web/admin/staff.py).
staff = Table(
    "staff", metadata,
    Column("username", String(64), primary_key=True),
    Column("password", String(256), nullable=False),
    Column("role", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
staff_sessions = Table(
    "staff_sessions", metadata,
    Column("id", String(64), primary_key=True),
    Column("username", String(64), nullable=False, index=True),
    Column("csrf_token", String(64), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

# Every change staff make (web/admin/changes.py).
changes = Table(
    "changes", metadata,
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

# The trained models staff can deploy (web/admin/models.py).
model_versions = Table(
    "model_versions", metadata,
    Column("id", String(64), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(64), nullable=False),
    Column("config", String(32), nullable=False),
    Column("path", String(1024), nullable=False),
    Column("training_seconds", Float, nullable=True),
    Column("figures", JSON, nullable=True),
    Column("deployed_at", DateTime(timezone=True), nullable=True),
)

MIGRATIONS = Migrations(
    location=Path(__file__).parent / "migrations", metadata=metadata,
    version_table="web_schema_version", baseline="web_0001",
    command="python -m web.manage migrate",
)
