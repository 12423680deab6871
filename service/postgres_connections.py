"""PostgreSQL connections that cost a request as few round trips as its work needs.

- A transaction begins at the request's first write, as SQLite's driver already does: a
  plain SELECT runs on its own (autocommit), so a page that only reads sends neither BEGIN
  nor COMMIT. At READ COMMITTED, PostgreSQL's level, every statement sees what was
  committed before it began, inside a transaction or not, so the reads see what they
  would have seen; once the first write has begun the transaction, every later statement
  runs inside it until the commit or rollback. A SELECT ... FOR UPDATE / FOR SHARE counts
  as a write (its locks last until the commit), and so does a streamed SELECT (its
  server-side cursor lives in a transaction) and anything that is not a SELECT.
- A write marked `paths.db.ALONE` that comes when no transaction is open runs on its own as
  well: its caller commits right after it with nothing else to write (a launch's record
  when the launch changed nothing else), so it costs no BEGIN and no COMMIT either.
- A result's description (its columns' names and types) is built only when read
  (`connect_args`, service/postgres_cursor.py): SQLAlchemy knows them from a statement's
  first run.
- A connection is checked with a ping only when it has been idle for a while
  (`PING_AFTER_IDLE_SECONDS`): one in steady use answered a moment ago. A database
  restarted or a connection dropped while idle is found by the ping and replaced before
  the request uses it, as SQLAlchemy's `pool_pre_ping` would."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy import Engine, event, exc

from paths.db import ALONE
from service.extensions import db

PING_AFTER_IDLE_SECONDS = 1.0
# psycopg.pq.TransactionStatus.IDLE: psycopg is not imported here, so that a worker on
# SQLite does not load it (about 5 MB)
_IDLE = 0
(_ALONE,) = ALONE
_LOCKING = (" FOR UPDATE", " FOR SHARE", " FOR NO KEY UPDATE", " FOR KEY SHARE")


def install(app: Flask) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        return
    with app.app_context():
        begin_at_first_write(db.engine)
        ping_when_idle(db.engine)


def connect_args() -> dict[str, Any]:
    """The driver's options for each connection: cursors that describe a result on read."""
    from service.postgres_cursor import DescribedOnRead  # loads psycopg: PostgreSQL only

    return {"cursor_factory": DescribedOnRead}


def only_reads(statement: str) -> bool:
    """Whether `statement` is a plain SELECT: one that takes no lock lasting to a commit."""
    if statement[:6].upper() != "SELECT":
        return False
    upper = statement.upper()
    return not any(lock in upper for lock in _LOCKING)


def begin_at_first_write(engine: Engine) -> None:
    event.listen(engine, "connect", _start_outside_transactions)
    event.listen(engine, "before_cursor_execute", _begin_when_writing)


def _start_outside_transactions(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.autocommit = True


def _begin_when_writing(
    _connection: Any, cursor: Any, statement: str, _parameters: Any, context: Any, *_args: Any
) -> None:
    """Outside a transaction, a read runs on its own and a write makes the driver begin
    one first (psycopg sends BEGIN before a statement when autocommit is off)."""
    dbapi_connection = cursor.connection
    if dbapi_connection.pgconn.transaction_status != _IDLE:
        return  # inside the transaction: the statement joins it
    options = context.execution_options
    # a streamed read runs through a server-side cursor, which lives in a transaction
    reads = (only_reads(statement) and not options.get("stream_results")) or _ALONE in options
    if dbapi_connection.autocommit != reads:
        dbapi_connection.autocommit = reads


def ping_when_idle(
    engine: Engine,
    idle_seconds: float = PING_AFTER_IDLE_SECONDS,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Ping a connection on checkout when it was checked in more than `idle_seconds` ago
    (or never): a dead one is discarded and the pool hands out another."""

    def checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["checked_in_at"] = clock()

    lost = engine.dialect.loaded_dbapi.Error

    def checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        last = record.info.get("checked_in_at")
        if last is not None and clock() - last < idle_seconds:
            return
        _ping(dbapi_connection, lost)

    event.listen(engine, "checkin", checked_in)
    event.listen(engine, "checkout", checked_out)


def _ping(dbapi_connection: Any, lost: type[Exception]) -> None:
    """One SELECT 1 outside any transaction; DisconnectionError makes the pool retry."""
    autocommit = dbapi_connection.autocommit
    try:
        if not autocommit:
            dbapi_connection.autocommit = True
        dbapi_connection.execute("SELECT 1")
        if not autocommit:
            dbapi_connection.autocommit = False
    except lost as error:
        raise exc.DisconnectionError(f"the database connection was lost: {error}") from error
