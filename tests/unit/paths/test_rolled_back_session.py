"""Each domain test's commits are undone after it, on SQLite and on PostgreSQL."""

from sqlalchemy import func, select

from paths.people import Tenant, User
from tests import factories
from tests.transactions import rolled_back_session


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_what_a_test_commits_is_gone_after_it(domain_engine):
    with rolled_back_session(domain_engine) as session, factories.bound_to(session):
        factories.UserFactory()
        session.commit()
        factories.TenantFactory()
        session.commit()
        session.expire_all()
        assert (count(session, User), count(session, Tenant)) == (1, 1)  # committed, seen
    with rolled_back_session(domain_engine) as session:
        assert (count(session, User), count(session, Tenant)) == (0, 0)


def test_a_rollback_inside_the_test_keeps_what_it_committed(domain_engine):
    with rolled_back_session(domain_engine) as session, factories.bound_to(session):
        factories.UserFactory(subject="kept")
        session.commit()
        factories.UserFactory(subject="dropped")
        session.rollback()
        assert session.scalars(select(User.subject)).all() == ["kept"]
