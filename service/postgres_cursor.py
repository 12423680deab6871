"""A psycopg cursor whose description of a result is built only when it is read.

psycopg builds `cursor.description` anew at every read: a `Column` object per column, each
looking up its type. SQLAlchemy reads it after every statement that returns rows, but for a
statement it has run before it only asks whether there is one: the columns' names and types
are already known from the first run (the compiled statement's result metadata). The
learner read that starts every learner request returns 33 columns; built at every
execution, their description was about a quarter of the worker's time for running that
statement (165 µs per read, 122 µs without it).

Here the description is a sequence of the same `Column` objects, built from the result on
first use. It is read from the result it describes: read after its cursor has moved on to
another result, it says so rather than describe that one. Every connection's cursors are
these (`service.postgres_connections.connect_args`); imported only for PostgreSQL, so that
a worker on SQLite does not load psycopg."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, overload

import psycopg
from psycopg import pq

_ROWS = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.SINGLE_TUPLE, pq.ExecStatus.TUPLES_CHUNK)


class DescribedOnRead(psycopg.Cursor[Any]):
    """psycopg's cursor, but `description` is `ColumnsOnRead` (or None, as psycopg says)."""

    @property
    def description(self) -> ColumnsOnRead | None:  # type: ignore[override]
        result = self.pgresult
        if result and (result.nfields or result.status in _ROWS):
            return ColumnsOnRead(self, result)
        return None


class ColumnsOnRead(Sequence[psycopg.Column]):
    """A result's columns as psycopg describes them, built when first read."""

    __slots__ = ("_cursor", "_result", "_columns")

    def __init__(self, cursor: psycopg.Cursor[Any], result: pq.abc.PGresult) -> None:
        self._cursor = cursor
        self._result = result
        self._columns: list[psycopg.Column] | None = None

    def _built(self) -> list[psycopg.Column]:
        if self._columns is None:
            if self._cursor.pgresult is not self._result:
                raise RuntimeError(
                    "a result's description was read after its cursor moved on to another"
                )
            self._columns = [psycopg.Column(self._cursor, i) for i in range(self._result.nfields)]
        return self._columns

    def __len__(self) -> int:
        return int(self._result.nfields)

    @overload
    def __getitem__(self, index: int) -> psycopg.Column: ...

    @overload
    def __getitem__(self, index: slice) -> list[psycopg.Column]: ...

    def __getitem__(self, index: int | slice) -> psycopg.Column | list[psycopg.Column]:
        return self._built()[index]

    def __iter__(self) -> Iterator[psycopg.Column]:
        return iter(self._built())

    def __repr__(self) -> str:
        return repr(self._built())
