"""Schema migrations (Alembic), one history per service's database: web/migrations and
bank/migrations. An explicit step applies them (`python -m web.manage migrate`,
`python -m bank.manage init`); a service's start-up only checks that its database is at the
newest revision, and refuses to start, saying what to run, when it is not."""

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from alembic import command, context
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, TypeDecorator, inspect


class SchemaNotCurrent(RuntimeError):
    """The database is missing migrations: the message says which command applies them."""


@dataclass(frozen=True)
class Migrations:
    location: Path  # the folder with env.py and versions/
    metadata: MetaData  # the tables the service's code expects
    version_table: str  # its own, so two services may share one database
    baseline: str  # the first revision: what create_all made before migrations existed
    command: str  # how an operator applies them

    def config(self, connection: Connection | None = None) -> Config:
        config = Config()
        config.set_main_option("script_location", str(self.location))
        config.attributes.update(connection=connection, migrations=self)
        return config

    def head(self) -> str | None:
        return ScriptDirectory.from_config(self.config()).get_current_head()

    def current(self, engine: Engine) -> str | None:
        with engine.connect() as connection:
            return MigrationContext.configure(
                connection, opts={"version_table": self.version_table}).get_current_revision()

    def upgrade(self, engine: Engine) -> None:
        with engine.begin() as connection:
            config = self.config(connection)
            if self._created_before_migrations(connection):
                command.stamp(config, self.baseline)  # its tables are the baseline's: keep them
            command.upgrade(config, "head")

    def require_current(self, engine: Engine) -> None:
        current, head = self.current(engine), self.head()
        if current != head:
            url = engine.url.render_as_string(hide_password=True)
            raise SchemaNotCurrent(f"The database {url} is at schema revision {current or 'none'}, "
                                   f"not {head}: run `{self.command}`.")

    def revision(self, engine: Engine, message: str) -> None:
        """Writes the next migration from what the code's tables differ from the database's
        (review it before committing: Alembic cannot see renames)."""
        config = self.config()
        number = len(list(ScriptDirectory.from_config(config).walk_revisions())) + 1
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.revision(config, message=message, autogenerate=True,
                             rev_id=f"{self.baseline.rsplit('_', 1)[0]}_{number:04d}")

    def _created_before_migrations(self, connection: Connection) -> bool:
        existing = set(inspect(connection).get_table_names())
        return self.version_table not in existing and bool(existing & set(self.metadata.tables))


def run_environment() -> None:
    """The body of every env.py: migrate the connection `Migrations.upgrade` handed over."""
    config = context.config
    migrations: Migrations = config.attributes["migrations"]
    connection: Connection | None = config.attributes["connection"]
    if connection is None:
        raise RuntimeError(f"Run migrations with `{migrations.command}`, not the alembic command.")

    def ours(name: str | None, type_: str, _parent: Any) -> bool:
        # A shared database may hold other services' tables: leave them alone.
        return type_ != "table" or name in migrations.metadata.tables

    def plain_types(type_: str, item: Any, _context: Any) -> str | Literal[False]:
        # A TypeDecorator's checks are Python's (bank/models.py): a migration stores its SQL
        # type, so it never imports the code it migrates from.
        if type_ == "type" and isinstance(item, TypeDecorator):
            own = getattr(item, "migration_type", None)  # storage that differs by database
            return own() if own else f"sa.{item.impl!r}"
        return False

    context.configure(
        connection=connection, target_metadata=migrations.metadata,
        version_table=migrations.version_table, include_name=ours, render_item=plain_types,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying a table
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
