"""The one declarative base and naming convention, shared by every model and by Alembic."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import (
    DateTime,
    MetaData,
    Table,
    TextClause,
    TypeDecorator,
    bindparam,
    inspect,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Dialect, Result
from sqlalchemy.engine.interfaces import BindTyping
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.sql.selectable import TextualSelect

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


RowT = TypeVar("RowT", bound=Base)


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every database (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: Any | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


# An execution option for a write its caller commits right after, with nothing else to
# write: when no transaction is open it may run on its own, without BEGIN and COMMIT
# (service/postgres_connections.py). Inside a transaction it joins it like any statement.
ALONE = {"selfpath_alone": True}


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: object) -> datetime | None:
    """A UTC datetime from an aggregate (MIN/MAX) of a UTC column, which SQLite returns
    as naive text and PostgreSQL as an aware datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def insert_if_absent(
    session: Session, model: type[Base], values: dict[str, Any], unique_columns: list[str]
) -> bool:
    """Insert a row unless one with the same unique columns exists; True if inserted.

    Atomic on PostgreSQL and SQLite alike (INSERT ... ON CONFLICT DO NOTHING), so two
    requests racing to record the same fact record it once.
    """
    key = (model, tuple(unique_columns))
    statement = _ABSENT.get(key)
    if statement is None:
        statement = _ABSENT[key] = PerDatabase(partial(_absent, model, key[1]))
    return statement.execute(session, values).first() is not None


def _absent(model: type[Base], unique_columns: tuple[str, ...], dialect: str) -> Any:
    return (
        dialect_insert(dialect, model.__table__)
        .on_conflict_do_nothing(index_elements=list(unique_columns))
        .returning(*inspect(model).primary_key)
    )


def insert_or_get(
    session: Session, model: type[RowT], values: dict[str, Any], unique_columns: list[str]
) -> RowT:
    """The row with these unique values: inserted now, or the one another request inserted
    first (one statement when the row is new).

    Two requests may both have looked and found nothing. On PostgreSQL the second insert
    waits for the first to commit, then does nothing, and the re-read (READ COMMITTED) finds
    the winner's row; on SQLite the second writer waits for the first to commit before its
    insert runs at all. Neither request fails or retries."""
    statement = _insert_unless_present(session, model, values, unique_columns).returning(model)
    row = session.scalars(statement).first()
    if row is not None:
        return row
    winner = select(model).filter_by(**{name: values[name] for name in unique_columns})
    return session.scalars(winner).one()


def _insert_unless_present(
    session: Session, model: type[Base], values: dict[str, Any], unique_columns: list[str]
) -> Any:
    return (
        insert_for(session, model)
        .values(**values)
        .on_conflict_do_nothing(index_elements=unique_columns)
    )


def insert_for(session: Session, table: Any) -> Any:
    """The database's own INSERT (PostgreSQL's or SQLite's), which can say ON CONFLICT."""
    return dialect_insert(session.get_bind().dialect.name, table)


def dialect_insert(dialect: str, table: Any) -> Any:
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table)


class PerDatabase:
    """An INSERT ... ON CONFLICT built once per kind of database (their clauses differ),
    compiled once per set of columns it is given, and executed with parameters.

    SQLAlchemy 2.0 keeps no compiled form of PostgreSQL's and SQLite's ON CONFLICT inserts
    (they have no cache key), so executed as they are they are compiled again at every
    execution, 0.3-0.6 ms each on the hot paths. Here each is compiled once into SQL text
    with typed parameters, which SQLAlchemy caches like any other statement.
    """

    def __init__(self, build: Callable[[str], Any]) -> None:
        self._build = build
        self._compiled: dict[tuple[str, frozenset[str]], TextClause] = {}
        self._typed: dict[tuple[str, frozenset[str], Table], TextualSelect] = {}  # `rows`

    def execute(
        self, session: Session, parameters: Mapping[str, Any] | Sequence[Mapping[str, Any]]
    ) -> Result[Any]:
        """Run it with one row of values, or several (all with the same columns)."""
        first = parameters if isinstance(parameters, Mapping) else parameters[0]
        return session.execute(self._statement(session, first), parameters)

    def rows(self, session: Session, table: Table, parameters: Mapping[str, Any]) -> Result[Any]:
        """Run it with one row of values; the rows it returns are read with the types of
        `table`'s columns (UTC datetimes, JSON), as a select of them would be. Its RETURNING
        names every column of `table`, in the table's order: they are read by position."""
        key = (session.get_bind().dialect.name, frozenset(parameters), table)
        typed = self._typed.get(key)
        if typed is None:
            typed = self._typed[key] = self._statement(session, parameters).columns(*table.c)
        return session.execute(typed, parameters)

    def _statement(self, session: Session, first: Mapping[str, Any]) -> TextClause:
        dialect = session.get_bind().dialect
        key = (dialect.name, frozenset(first))
        statement = self._compiled.get(key)
        if statement is None:
            built = self._build(dialect.name)
            statement = self._compiled[key] = compiled_text(built, dialect, list(first))
        return statement


def compiled_text(statement: Any, dialect: Dialect, columns: list[str]) -> TextClause:
    """`statement`, for rows of `columns`, as the SQL text `dialect` runs, with each
    parameter's type kept (so UTC datetimes and JSON are converted as before)."""
    # The live dialect's features, with named parameters and no casts after them (the
    # text renders its own casts from the types; a cast left here would hide the name).
    named = copy.copy(dialect)
    named.paramstyle, named.positional = "named", False
    named.bind_typing = BindTyping.NONE
    named._bind_typing_render_casts = False  # what bind_typing set when it was made
    compiled = statement.compile(dialect=named, column_keys=columns)
    if compiled.insert_prefetch:  # worked out in Python at each execution, not in SQL
        missing = ", ".join(sorted(column.name for column in compiled.insert_prefetch))
        raise ValueError(f"give {missing} with the values: their defaults are Python's")
    types = [bindparam(name, type_=bind.type) for name, bind in compiled.binds.items()]
    return text(compiled.string).bindparams(*types)


# insert_if_absent's statement per model and unique columns, compiled once each.
_ABSENT: dict[tuple[type[Base], tuple[str, ...]], PerDatabase] = {}
