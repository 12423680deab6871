"""The registry counter moves on with every change to a platform or a deployment, and the
per-process cache reads nothing else while it stands still; with Redis, it reads a token
instead, which every committed change replaces."""

from __future__ import annotations

import uuid

import pytest
import valkey
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
from lti.registry_signal import PENDING, SIGNAL, RedisRegistrySignal, give_signal
from service.extensions import db
from tests.gunicorn import free_port
from tests.redis_db import TEST_REDIS_URL as REDIS_URL


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


# -- with Redis: a token every committed change replaces -----------------------------------


@pytest.fixture
def signal():
    client = valkey.Valkey.from_url(REDIS_URL, socket_timeout=5)
    signal = RedisRegistrySignal(client, key=f"test:registry-token:{uuid.uuid4().hex}")
    yield signal
    client.delete(signal.key)
    client.close()


@pytest.fixture
def announcing(session, signal):
    """The test's session tells the signal of the changes it commits, as the app's do."""
    give_signal(session, signal)
    yield session
    session.info.pop(SIGNAL, None)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def enabled(registry: Registry, session) -> bool:
    found = registry.platform(session, "https://lms.example", "c-1")
    assert found is not None
    return found.enabled


def test_with_a_signal_a_cached_platform_reads_no_database(announcing, signal, statements):
    add_platform(announcing, details())
    announcing.commit()
    registry = Registry(signal=signal)
    registry.platform(announcing, "https://lms.example", "c-1")  # the token is put there
    first = registry.platform(announcing, "https://lms.example", "c-1")
    statements.clear()
    again = registry.platform(announcing, "https://lms.example", "c-1")
    assert again is first and statements == []


def test_a_change_committed_on_one_instance_is_seen_at_once_on_every_other(announcing, signal):
    platform = add_platform(announcing, details())
    announcing.commit()
    clock = Clock()  # never moved: no recheck comes to the rescue
    instances = [Registry(signal=signal, clock=clock) for _ in range(2)]
    for registry in instances:
        assert enabled(registry, announcing) and enabled(registry, announcing)
    set_platform_enabled(announcing, platform.id, False)
    announcing.commit()
    assert [enabled(registry, announcing) for registry in instances] == [False, False]


def test_a_change_rolled_back_leaves_the_token_as_it_was(announcing, signal):
    platform = add_platform(announcing, details())
    announcing.commit()
    before = signal.token() or signal.token()  # the first read puts one there
    set_platform_enabled(announcing, platform.id, False)
    announcing.flush()
    announcing.rollback()
    assert signal.token() == before
    assert PENDING not in announcing.info


def test_a_change_whose_announcement_was_lost_is_seen_after_the_recheck(session, signal):
    platform = add_platform(session, details())
    session.commit()
    clock = Clock()
    registry = Registry(signal=signal, recheck_seconds=5, clock=clock)
    assert enabled(registry, session) and enabled(registry, session)
    set_platform_enabled(session, platform.id, False)  # this session announces nothing
    session.commit()
    clock.now += 4.9
    assert enabled(registry, session)  # the token stood still
    clock.now += 0.2
    assert not enabled(registry, session)


def test_an_emptied_redis_means_reading_the_counter_not_a_stale_answer(session, signal):
    platform = add_platform(session, details())
    session.commit()
    registry = Registry(signal=signal, clock=Clock())
    assert enabled(registry, session) and enabled(registry, session)
    set_platform_enabled(session, platform.id, False)  # not announced...
    session.commit()
    signal.client.delete(signal.key)  # ...and Redis lost its token
    assert not enabled(registry, session)


def test_with_redis_away_every_lookup_reads_the_counter(session):
    away = RedisRegistrySignal(
        valkey.Valkey(host="127.0.0.1", port=free_port(), socket_timeout=0.5)
    )
    platform = add_platform(session, details())
    session.commit()
    registry = Registry(signal=away, clock=Clock())
    assert enabled(registry, session) and enabled(registry, session)
    set_platform_enabled(session, platform.id, False)
    session.commit()
    assert not enabled(registry, session)
    assert away.token() is None
