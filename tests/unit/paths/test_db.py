"""insert_or_get: the row with a natural key, inserted once whoever asks first; and the
ON CONFLICT inserts of the hot paths, compiled once (PerDatabase)."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, func, inspect, select
from sqlalchemy.engine.interfaces import CacheStats

from paths.db import PerDatabase, dialect_insert, insert_if_absent, insert_or_get, utcnow
from paths.people import User

ISSUER = "https://lms.example"


def test_a_new_row_is_inserted_and_tracked_by_the_session(session):
    user = insert_or_get(
        session,
        User,
        {
            "issuer": ISSUER,
            "subject": "s1",
            "name": "Lan",
            "created_at": utcnow(),
            "last_seen_at": utcnow(),
        },
        ["issuer", "subject"],
    )
    assert user.id is not None and inspect(user).persistent
    user.name = "Lan Pham"  # later changes are written like those of any loaded row
    session.commit()
    session.expire_all()
    assert session.scalars(select(User.name)).one() == "Lan Pham"


def test_an_existing_row_is_returned_unchanged(session):
    first = insert_or_get(
        session, User, {"issuer": ISSUER, "subject": "s1", "name": "Lan"}, ["issuer", "subject"]
    )
    session.commit()
    session.expunge_all()  # as in another request, which has not seen the first row
    again = insert_or_get(
        session, User, {"issuer": ISSUER, "subject": "s1", "name": "Minh"}, ["issuer", "subject"]
    )
    assert (again.id, again.name) == (first.id, "Lan")
    assert session.scalar(select(func.count()).select_from(User)) == 1


def _rename(dialect: str, *returned):
    statement = dialect_insert(dialect, User.__table__)
    return statement.on_conflict_do_update(
        index_elements=["issuer", "subject"], set_={"name": statement.excluded.name}
    ).returning(*returned)


RENAME = PerDatabase(lambda dialect: _rename(dialect, User.__table__.c.id))
RENAMED = PerDatabase(lambda dialect: _rename(dialect, *User.__table__.c))  # every column
NOW = datetime(2026, 12, 3, 7, 30, tzinfo=UTC)


def _person(subject: str, name: str) -> dict:
    return {
        "issuer": ISSUER,
        "subject": subject,
        "name": name,
        "created_at": NOW,
        "last_seen_at": NOW + timedelta(hours=1),
    }


@contextmanager
def user_inserts_from_cache(session) -> Iterator[list[bool]]:
    """Whether each INSERT into users in the block came from SQLAlchemy's compiled cache."""
    hits: list[bool] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("INSERT INTO users"):
            hits.append(context.cache_hit is CacheStats.CACHE_HIT)

    engine = session.get_bind().engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield hits
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def test_an_on_conflict_insert_is_compiled_once_then_served_from_the_cache(session):
    with user_inserts_from_cache(session) as hits:
        first = RENAME.execute(session, _person("s1", "Lan")).scalar_one()
        again = RENAME.execute(session, _person("s1", "Lan Pham")).scalar_one()
        RENAME.execute(session, [_person("s2", "Minh"), _person("s3", "Hoa")])
        RENAME.execute(session, [_person("s2", "Minh"), _person("s3", "Hoa")])
    assert first == again
    assert hits[1] and hits[-1]  # the one-row and the several-row forms, each compiled once
    rows = session.execute(
        select(User.subject, User.name, User.last_seen_at).order_by(User.subject)
    )
    assert [tuple(r) for r in rows] == [
        ("s1", "Lan Pham", NOW + timedelta(hours=1)),  # read back as the UTC datetime given
        ("s2", "Minh", NOW + timedelta(hours=1)),
        ("s3", "Hoa", NOW + timedelta(hours=1)),
    ]


def test_an_on_conflict_insert_needs_the_columns_python_fills_in(session):
    with pytest.raises(ValueError, match="give created_at, last_seen_at with the values"):
        RENAME.execute(session, {"issuer": ISSUER, "subject": "s1", "name": "Lan"})


def test_insert_if_absent_inserts_once_with_a_statement_compiled_once(session):
    with user_inserts_from_cache(session) as hits:
        outcomes = [
            insert_if_absent(session, User, _person(subject, name), ["issuer", "subject"])
            for subject, name in (("s1", "Lan"), ("s1", "Minh"), ("s2", "Hoa"))
        ]
    assert outcomes == [True, False, True] and hits[1:] == [True, True]
    assert session.scalars(select(User.name).order_by(User.subject)).all() == ["Lan", "Hoa"]


def test_an_on_conflict_insert_returns_its_rows_typed_as_its_tables_columns(session):
    with user_inserts_from_cache(session) as hits:
        lan = RENAMED.rows(session, User.__table__, _person("s1", "Lan")).one()
        again = RENAMED.rows(session, User.__table__, _person("s1", "Lan Pham")).one()
    assert (again.id, again.name) == (lan.id, "Lan Pham") and hits == [False, True]
    assert again.last_seen_at == NOW + timedelta(hours=1)  # a UTC datetime, on SQLite too
    assert again.last_seen_at.tzinfo is not None
