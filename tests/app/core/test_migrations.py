"""Each service's migrations make exactly the tables its code declares, adopt a database made
before migrations existed without losing its rows, share one database with the other service's,
and a service refuses to start on a database they have not brought up to date."""

import ast
from datetime import UTC, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from fastapi.testclient import TestClient
from sqlalchemy import insert, inspect, select

from bank.db import MIGRATIONS as BANK
from bank.db import new_engine as bank_engine
from core.config import Settings
from core.database import new_engine
from core.migrations import Migrations, SchemaNotCurrent
from web.main import create_app
from web.tables import MIGRATIONS as WEB
from web.tables import staff

SERVICES = pytest.mark.parametrize("migrations", [WEB, BANK], ids=["web", "bank"])


@pytest.fixture
def engine(tmp_path):
    engine = bank_engine(f"sqlite:///{tmp_path / 'shared.db'}")  # the bank's SQLite settings
    yield engine
    engine.dispose()


def differences(engine, migrations: Migrations) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "version_table": migrations.version_table, "compare_type": True,
            "include_name": lambda name, type_, _: type_ != "table"
            or name in migrations.metadata.tables})
        return compare_metadata(context, migrations.metadata)


@SERVICES
def test_the_migrations_make_exactly_the_tables_the_code_declares(engine, migrations):
    with pytest.raises(SchemaNotCurrent, match=f"not {migrations.head()}: run `python -m "):
        migrations.require_current(engine)
    migrations.upgrade(engine)
    migrations.require_current(engine)
    assert migrations.current(engine) == migrations.head()
    assert differences(engine, migrations) == []


@SERVICES
def test_migrating_again_changes_nothing(engine, migrations):
    migrations.upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    migrations.upgrade(engine)
    assert set(inspect(engine).get_table_names()) == tables
    assert migrations.current(engine) == migrations.head()


def test_a_database_made_before_migrations_is_adopted_with_its_rows(engine):
    WEB.metadata.create_all(engine)  # what the web app's stores did before migrations
    with engine.begin() as db:
        db.execute(insert(staff).values(username="ada", password="hash", role="admin",
                                        created_at=datetime.now(UTC)))
    WEB.upgrade(engine)
    assert WEB.current(engine) == WEB.head()
    with engine.connect() as db:
        assert db.execute(select(staff.c.username)).scalars().all() == ["ada"]


def test_both_services_may_share_one_database(engine):
    WEB.upgrade(engine)
    BANK.upgrade(engine)
    assert WEB.current(engine) == WEB.head() and BANK.current(engine) == BANK.head()
    assert differences(engine, WEB) == [] and differences(engine, BANK) == []
    names = set(inspect(engine).get_table_names())
    assert {"web_schema_version", "bank_schema_version", "staff", "customers"} <= names


def test_money_columns_stay_text_on_sqlite(engine):
    """The bank's exact decimals: a NUMERIC column would make SQLite store floats."""
    BANK.upgrade(engine)
    columns = {column["name"]: column["type"] for column in inspect(engine).get_columns("orders")}
    assert str(columns["amount"]) == "VARCHAR(32)"


@SERVICES
def test_migrations_never_import_the_code_they_migrate(migrations):
    """A migration must run the same way after the models it was written from have changed."""
    for script in (migrations.location / "versions").glob("*.py"):
        tree = ast.parse(script.read_text(encoding="utf-8"))
        modules = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                   for alias in node.names}
        modules |= {node.module for node in ast.walk(tree)
                    if isinstance(node, ast.ImportFrom) and node.module}
        assert modules <= {"sqlalchemy", "alembic"}, f"{script.name} imports {modules}"


def test_the_web_app_refuses_to_start_on_a_database_not_migrated(tmp_path):
    not_migrated = TestClient(create_app(Settings(data_dir=tmp_path)))
    with pytest.raises(SchemaNotCurrent, match="run `python -m web.manage migrate`"):
        not_migrated.__enter__()  # what uvicorn does: the start-up fails, saying what to run
    engine = new_engine(f"sqlite:///{tmp_path / 'web.db'}")
    assert not inspect(engine).has_table("staff")  # refused, not created behind an operator's back
    engine.dispose()
