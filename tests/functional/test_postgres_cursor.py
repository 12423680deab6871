"""On PostgreSQL a result's description is built only when read: a statement SQLAlchemy
has run before builds none, and what is read is what psycopg would have said."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from sqlalchemy import insert, literal_column, select, text, update

import service.postgres_cursor as postgres_cursor
from paths.people import User
from service.postgres_cursor import ColumnsOnRead, DescribedOnRead

pytestmark = pytest.mark.usefixtures("postgres_only")


@pytest.fixture
def postgres_only(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("psycopg's cursors (SQLite's driver describes results itself)")


@pytest.fixture
def columns_built(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many psycopg Column objects are built, by this module or psycopg's own cursor."""
    built: list[int] = []

    class Counted(psycopg.Column):
        def __init__(self, cursor: Any, index: int) -> None:
            built.append(index)
            super().__init__(cursor, index)

    monkeypatch.setattr(postgres_cursor.psycopg, "Column", Counted)
    monkeypatch.setattr(psycopg._cursor_base, "Column", Counted)
    yield built


def driver_connection(session: Any) -> Any:
    return session.connection().connection.dbapi_connection


def add_users(session: Any, count: int) -> None:
    session.execute(
        insert(User), [{"issuer": "https://lms.example", "subject": f"s{n}"} for n in range(count)]
    )


def test_every_connection_makes_cursors_that_describe_on_read(app, session):
    connection = driver_connection(session)
    assert connection.cursor_factory is DescribedOnRead
    with connection.cursor() as cursor:
        assert isinstance(cursor, DescribedOnRead)


def test_a_statement_run_before_builds_no_description(app, session, columns_built):
    add_users(session, 3)
    marker = literal_column("'first run here'").label("marker")  # not compiled elsewhere
    statement = select(User.id, User.subject, marker).order_by(User.id)
    first = session.execute(statement).all()
    assert columns_built == [0, 1, 2]  # the first run: SQLAlchemy learns the columns
    columns_built.clear()
    again = session.execute(statement).all()
    assert columns_built == []
    assert again == first and [row.subject for row in again] == ["s0", "s1", "s2"]


def test_the_description_read_is_psycopgs_own(app, session):
    add_users(session, 1)
    connection = driver_connection(session)
    with connection.cursor() as ours, psycopg.Cursor(connection) as plain:
        for cursor in (ours, plain):
            cursor.execute("SELECT id, subject, 1.5::numeric(4,2) AS share FROM users")
        described = ours.description
        assert isinstance(described, ColumnsOnRead) and len(described) == 3
        expected = [(c.name, c.type_code, c.precision, c.scale) for c in plain.description]
        assert [(c.name, c.type_code, c.precision, c.scale) for c in described] == expected
        assert described[1].name == "subject" and [c.name for c in described[1:]] == [
            "subject",
            "share",
        ]


def test_a_statement_without_rows_has_no_description(app, session):
    add_users(session, 1)
    with driver_connection(session).cursor() as cursor:
        cursor.execute("UPDATE users SET subject = subject")
        assert cursor.description is None
    result = session.execute(update(User).values(subject=User.subject))
    assert result.rowcount == 1 and not result.returns_rows


def test_a_select_of_nothing_is_described_as_psycopg_does(app, session):
    with driver_connection(session).cursor() as cursor:
        cursor.execute("SELECT")
        assert cursor.description is not None and len(cursor.description) == 0


def test_a_description_read_after_its_cursor_moved_on_says_so(app, session):
    with driver_connection(session).cursor() as cursor:
        cursor.execute("SELECT 1 AS one")
        kept = cursor.description
        cursor.execute("SELECT 2 AS two, 3 AS three")
        with pytest.raises(RuntimeError, match="moved on"):
            list(kept)
        assert [c.name for c in cursor.description] == ["two", "three"]


def test_a_text_statement_reads_its_columns_by_name(app, session, columns_built):
    """A text statement declares no columns, so SQLAlchemy reads their names from the
    description at every run: built on demand, it names them as psycopg would."""
    add_users(session, 2)
    statement = text("SELECT subject AS who, 'text run here' AS marker FROM users ORDER BY id")
    for _ in range(2):
        result = session.execute(statement)
        assert list(result.keys()) == ["who", "marker"]
        assert [row.who for row in result] == ["s0", "s1"]
    assert columns_built == [0, 1, 0, 1]
