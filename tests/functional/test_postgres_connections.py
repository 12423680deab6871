"""On PostgreSQL a transaction begins at the first write (a page that only reads sends no
BEGIN or COMMIT), everything from that write to the commit is one transaction, and a
connection is pinged only after it has been idle."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from psycopg.pq import TransactionStatus
from sqlalchemy import create_engine, event, func, insert, select, text
from sqlalchemy.exc import DBAPIError

from lti.launch_log import ACCEPTED, record_launch
from lti.models import LaunchRecord
from paths.db import utcnow
from paths.people import User
from service import create_app
from service.extensions import db
from service.postgres_connections import only_reads, ping_when_idle
from tests.clocks import FakeClock
from tests.functional.conftest import LtiBrowser
from tests.functional.learner_pages import page_of, token
from tests.redis_db import TEST_REDIS_URL

pytestmark = pytest.mark.usefixtures("postgres_only")


@pytest.fixture
def postgres_only(database_url: str) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL connections (SQLite's driver already begins at a write)")


def transaction_status(session: Any) -> TransactionStatus:
    return session.connection().connection.dbapi_connection.info.transaction_status


def make_user(session: Any, subject: str) -> None:
    session.add(User(issuer="https://lms.example", subject=subject))


def rows_seen_elsewhere(database_url: str, model: Any) -> int:
    """Counted on a connection of its own: what another request would see."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(model))
    finally:
        engine.dispose()


def test_reads_run_outside_a_transaction_until_the_first_write(app, session):
    session.execute(select(User.id)).all()
    assert transaction_status(session) == TransactionStatus.IDLE
    session.execute(insert(User).values(issuer="https://lms.example", subject="ada"))
    assert transaction_status(session) == TransactionStatus.INTRANS
    session.execute(select(User.id)).all()  # a read after the write joins its transaction
    assert transaction_status(session) == TransactionStatus.INTRANS
    session.commit()
    session.execute(select(User.id)).all()
    assert transaction_status(session) == TransactionStatus.IDLE


def test_a_rollback_undoes_every_write_made_after_reads(app, session, database_url):
    session.execute(select(User.id)).all()
    make_user(session, "first")
    session.flush()
    make_user(session, "second")
    session.flush()
    assert (
        rows_seen_elsewhere(database_url, User) == 0
    )  # not committed: another connection sees none
    session.rollback()
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_a_failed_write_leaves_nothing_of_the_writes_before_it(app, session, database_url):
    make_user(session, "first")
    session.flush()
    with pytest.raises(DBAPIError):
        session.execute(text("INSERT INTO no_such_table VALUES (1)"))
    session.rollback()
    assert rows_seen_elsewhere(database_url, User) == 0


def test_a_locking_read_begins_the_transaction_that_holds_its_lock(app, session):
    make_user(session, "held")
    session.commit()
    session.execute(select(User.id).with_for_update()).all()
    assert transaction_status(session) == TransactionStatus.INTRANS
    session.rollback()


def test_a_streamed_read_runs_in_a_transaction(app, session):
    for subject in ("a", "b", "c"):
        make_user(session, subject)
    session.commit()
    streamed = session.execute(select(User.subject).execution_options(yield_per=2))
    assert sorted(streamed.scalars()) == ["a", "b", "c"]
    assert transaction_status(session) == TransactionStatus.INTRANS
    session.rollback()


def test_a_savepoint_first_begins_the_transaction(app, session):
    with session.begin_nested():
        make_user(session, "inner")
    assert transaction_status(session) == TransactionStatus.INTRANS
    session.commit()
    assert session.scalar(select(func.count()).select_from(User)) == 1


@pytest.mark.parametrize(
    ("statement", "reads"),
    [
        ("SELECT users.id FROM users", True),
        ("select 1", True),
        ("SELECT users.id FROM users FOR UPDATE", False),
        ("SELECT scores.id FROM scores FOR UPDATE OF scores SKIP LOCKED", False),
        ("SELECT users.id FROM users FOR SHARE", False),
        ("SELECT users.id FROM users FOR NO KEY UPDATE", False),
        ("SELECT users.id FROM users FOR KEY SHARE", False),
        ("WITH gone AS (DELETE FROM t RETURNING id) SELECT id FROM gone", False),
        ("INSERT INTO users (lti_sub) VALUES ('x')", False),
        ("UPDATE users SET name = 'x'", False),
        ("SAVEPOINT sa_savepoint_1", False),
        ("SET LOCAL lock_timeout = 1000", False),
    ],
)
def test_only_a_plain_select_runs_outside_a_transaction(statement, reads):
    assert only_reads(statement) is reads


@pytest.fixture
def commits_seen(app: Flask) -> Iterator[list[TransactionStatus]]:
    """The driver's transaction status at each commit of the app's engine."""
    seen: list[TransactionStatus] = []

    def record(connection: Any) -> None:
        seen.append(status_of(connection))

    with app.app_context():
        event.listen(db.engine, "commit", record)
        yield seen
        event.remove(db.engine, "commit", record)


def test_my_path_opens_no_transaction_and_a_step_done_commits_one(learner, commits_seen):
    page_of(learner, "/path")  # the first look enrolls the learner: a write
    assert TransactionStatus.INTRANS in commits_seen
    commits_seen.clear()
    page_of(learner, "/path")
    assert commits_seen and set(commits_seen) == {TransactionStatus.IDLE}
    form = token(page_of(learner, "/path/steps/search-basics"))
    commits_seen.clear()
    done = learner.post("/path/steps/search-basics/done", data={"csrf_token": form})
    assert done.status_code == 303
    assert TransactionStatus.INTRANS in commits_seen


@pytest.fixture
def app_with_redis(settings) -> Iterator[Flask]:
    """Launch state in Redis, as in production: a launch's only SQL write is its record."""
    instance = create_app(replace(settings, redis_url=TEST_REDIS_URL))
    yield instance
    with instance.app_context():
        db.engine.dispose()


def test_a_returning_learners_launch_writes_its_record_on_its_own(
    platform, app_with_redis, database_url
):
    browser = LtiBrowser(app_with_redis.test_client())
    seen: list[TransactionStatus] = []
    with app_with_redis.app_context():
        event.listen(db.engine, "commit", lambda c: seen.append(status_of(c)))
    assert browser.launch(platform).status_code == 200  # the first launch provisions: a write
    assert TransactionStatus.INTRANS in seen
    seen.clear()
    assert browser.launch(platform).status_code == 200  # no path placed yet: a page says so
    assert seen == [TransactionStatus.IDLE]  # the record needed no transaction
    assert rows_seen_elsewhere(database_url, LaunchRecord) == 2


def status_of(connection: Any) -> TransactionStatus:
    return connection.connection.dbapi_connection.info.transaction_status


def test_a_write_marked_alone_joins_an_open_transaction(app, session, database_url):
    make_user(session, "first")
    session.flush()
    record_launch(session, outcome=ACCEPTED, now=utcnow())
    assert transaction_status(session) == TransactionStatus.INTRANS
    session.rollback()
    assert (
        rows_seen_elsewhere(database_url, LaunchRecord) == 0
        and rows_seen_elsewhere(database_url, User) == 0
    )


@pytest.fixture
def pinged_engine(database_url: str) -> Iterator[tuple[Any, FakeClock]]:
    clock = FakeClock()
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    ping_when_idle(engine, idle_seconds=1.0, clock=clock)
    yield engine, clock
    engine.dispose()


def backend_pid(connection: Any) -> int:
    return connection.scalar(text("SELECT pg_backend_pid()"))


def end_backend(database_url: str, pid: int) -> None:
    admin = create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        admin.dispose()


def test_an_idle_connection_that_died_is_replaced_before_use(pinged_engine, database_url):
    engine, clock = pinged_engine
    with engine.connect() as connection:
        first = backend_pid(connection)
    end_backend(database_url, first)
    clock.now += 1.5  # idle past the threshold: pinged at checkout, found dead, replaced
    with engine.connect() as connection:
        assert backend_pid(connection) != first


def test_a_connection_used_a_moment_ago_is_not_pinged(pinged_engine, database_url):
    """Had it died meanwhile, its next statement finds out (and the pool replaces it)."""
    engine, clock = pinged_engine
    with engine.connect() as connection:
        first = backend_pid(connection)
    end_backend(database_url, first)
    clock.now += 0.5
    with engine.connect() as connection, pytest.raises(DBAPIError) as raised:
        backend_pid(connection)
    assert raised.value.connection_invalidated
    with engine.connect() as connection:
        assert backend_pid(connection) != first
