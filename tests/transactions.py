"""A session whose every commit is undone afterwards (SQLAlchemy's "join an external
transaction" recipe): the connection's transaction is rolled back at the end, and what the
code under test commits is a savepoint inside it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session


def engine_for(url: str) -> Engine:
    """An engine on the test database; on SQLite, with foreign keys on (as the app's) and
    with SQLAlchemy starting transactions itself, so savepoints work."""
    engine = create_engine(url)
    if url.startswith("sqlite"):

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None
            dbapi_connection.execute("PRAGMA foreign_keys=ON")

        @event.listens_for(engine, "begin")
        def _begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN")

    return engine


@contextmanager
def rolled_back_session(engine: Engine) -> Iterator[Session]:
    with engine.connect() as connection:
        outer = connection.begin()
        session = Session(
            bind=connection,
            join_transaction_mode="create_savepoint",
            expire_on_commit=False,  # as the app's sessions (service/extensions.py)
        )
        try:
            yield session
        finally:
            session.close()
            outer.rollback()
