"""The domain's tests run on a bare SQLAlchemy session: no Flask app, no LMS. They use the
test database (TEST_DATABASE_URL, SQLite or PostgreSQL) as the migrations made it, with the
library's search index that the tables' metadata does not describe, and which the other
tests leave empty. Each test runs inside one transaction rolled back at its end: what it
commits is a savepoint of that transaction, so nothing is left behind and nothing emptied."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from paths.enrollment import Assignment
from tests import factories
from tests.transactions import engine_for, rolled_back_session


@pytest.fixture(scope="session")
def domain_engine(database_url: str) -> Iterator[Engine]:
    engine = engine_for(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(domain_engine: Engine) -> Iterator[Session]:
    with rolled_back_session(domain_engine) as session, factories.bound_to(session):
        yield session  # a new session each test, with caches of its own (caches_of)


@pytest.fixture
def demo_draft():
    return factories.demo_draft()


@pytest.fixture
def enrollment(session):
    """One learner on the demo path, placed on an activity of a course of a school."""
    row = factories.EnrollmentFactory(
        activity__course__context_id="c1",
        activity__resource_link_id="r1",
        user__subject="u1",
    )
    session.commit()
    return row


@pytest.fixture
def assignment(session, enrollment):
    """The enrollment fixture's assignment (the demo path on its activity)."""
    return session.get(Assignment, enrollment.assignment_id)
