"""The registry counter moves on with every change to a platform or a deployment, and the
per-process cache reads nothing else while it stands still."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from lti.models import Platform, RegistryVersion
from lti.registrations import (
    PlatformDetails,
    add_deployment,
    add_platform,
    delete_deployment,
    delete_platform,
    set_accepts_new_deployments,
    set_deployment_enabled,
    set_platform_enabled,
)
from lti.registry import Registry, current_version
from service.extensions import db


def details(client_id: str = "c-1", issuer: str = "https://lms.example") -> PlatformDetails:
    return PlatformDetails(
        name="LMS",
        issuer=issuer,
        client_id=client_id,
        auth_login_url=issuer + "/auth",
        auth_token_url=issuer + "/token",
        key_set_url=issuer + "/jwks",
    )


def moved(session, change) -> bool:
    before = current_version(session)
    change()
    session.commit()
    return current_version(session) > before


def test_every_change_to_a_registration_moves_the_counter_on(session):
    platform = add_platform(session, details())
    session.commit()
    deployment = add_deployment(session, platform.id, "d-1")
    session.commit()
    assert moved(session, lambda: set_platform_enabled(session, platform.id, False))
    assert moved(session, lambda: set_accepts_new_deployments(session, platform.id, True))
    assert moved(session, lambda: set_deployment_enabled(session, deployment.id, False))
    assert moved(session, lambda: add_deployment(session, platform.id, "d-2"))
    assert moved(session, lambda: delete_deployment(session, deployment.id))
    assert moved(session, lambda: delete_platform(session, platform.id))
    assert moved(session, lambda: add_platform(session, details("c-2")))


def test_setting_a_value_it_already_has_does_not_move_the_counter(session):
    platform = add_platform(session, details())
    session.commit()
    assert not moved(session, lambda: set_platform_enabled(session, platform.id, True))


def test_a_change_rolled_back_does_not_move_the_counter(session):
    platform = add_platform(session, details())
    session.commit()
    before = current_version(session)
    set_platform_enabled(session, platform.id, False)
    session.flush()
    session.rollback()
    assert current_version(session) == before


@pytest.fixture
def statements(app):
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield seen
    event.remove(db.engine, "before_cursor_execute", record)


def test_a_cached_platform_costs_one_counter_read(session, statements):
    platform = add_platform(session, details())
    add_deployment(session, platform.id, "d-1")
    session.commit()
    registry = Registry()
    first = registry.platform(session, "https://lms.example", "c-1")
    statements.clear()
    again = registry.platform(session, "https://lms.example", "c-1")
    assert again is first and len(statements) == 1
    assert first is not None and first.deployments["d-1"].enabled


def test_lookups_are_by_issuer_and_client_id(session):
    add_platform(session, details("c-1"))
    add_platform(session, details("c-2"))
    add_platform(session, details("c-1", issuer="https://other.example"))
    session.commit()
    registry = Registry()
    one = registry.platform(session, "https://lms.example", "c-1")
    two = registry.platform(session, "https://lms.example", "c-2")
    other = registry.platform(session, "https://other.example", "c-1")
    assert one and two and other and len({one.id, two.id, other.id}) == 3
    assert registry.platform(session, "https://lms.example", None) is None  # two: ambiguous
    assert registry.platform(session, "https://other.example", None) == other
    assert registry.platform(session, "https://unknown.example", "c-1") is None


def test_made_up_issuers_cannot_grow_the_cache_without_bound(session):
    registry = Registry(max_entries=5)
    for n in range(20):
        assert registry.platform(session, f"https://made-up-{n}.example", "x") is None
    assert len(registry._by_key) <= 5


def test_a_counter_row_that_went_missing_starts_again_elsewhere_than_before(session):
    """Caches hold the value they read: a counter emptied and started again must not come
    back to it, or they would keep serving registrations that changed meanwhile."""
    registry = Registry()
    first = add_platform(session, details("c-1"))
    session.commit()
    assert registry.platform(session, "https://lms.example", "c-1").id == first.id
    session.execute(RegistryVersion.__table__.delete())
    session.execute(Platform.__table__.delete())
    session.commit()
    session.expunge_all()  # the rows went behind the session's back
    second = add_platform(session, details("c-1"))
    session.commit()
    found = registry.platform(session, "https://lms.example", "c-1")
    assert found is not None and found.id == second.id and found.deployments == {}
