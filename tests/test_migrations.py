"""The schema comes only from the migrations: one head, reversible, and no drift."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine

from paths.db import Base
from tests.conftest import alembic_config


def test_single_head(database_url):
    script = ScriptDirectory.from_config(alembic_config(database_url))
    assert len(script.get_heads()) == 1


# Made by the migrations outside the models: the library's full-text index (SQLite's FTS5
# table and its shadow tables, PostgreSQL's expression index).
SEARCH_INDEX = ("library_search", "ix_library_entries_search")


def _modelled(name, type_, parent_names):  # type: ignore[no-untyped-def]
    return not (name or "").startswith(SEARCH_INDEX)


def test_upgrade_downgrade_upgrade_without_drift(database_url):
    config = alembic_config(database_url)
    command.downgrade(config, "base")
    command.upgrade(config, "head")
    engine = create_engine(database_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(
            connection, opts={"compare_type": True, "include_name": _modelled}), Base.metadata)
    engine.dispose()
    assert diff == []
