"""Both launch-state stores: a state is spent once, a nonce is used once, states expire."""

import uuid
from datetime import timedelta

import pytest
import redis

from lti.state_store import DatabaseStateStore, PendingLogin, RedisStateStore
from paths.db import utcnow
from tests.redis_db import TEST_REDIS_URL as REDIS_URL


@pytest.fixture(params=["database", "redis"])
def store(request, session):
    if request.param == "database":
        yield DatabaseStateStore(session)
        session.commit()
        return
    client = redis.Redis.from_url(REDIS_URL)
    prefix = f"selfpath-test:{uuid.uuid4().hex}:"
    yield RedisStateStore(client, prefix=prefix)
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)
    client.close()


def pending(state="s1"):
    return PendingLogin(
        state=state,
        nonce="n-" + state,
        binding="b",
        platform_id=1,
        login={"iss": "https://lms.example"},
        storage_target=None,
    )


def test_saved_state_loads_until_consumed_once(store):
    now = utcnow()
    store.save(pending(), 60, now)
    assert store.load("s1", now) == pending()
    assert store.consume("s1", now) is True
    assert store.consume("s1", now) is False
    assert store.load("s1", now) is None


def test_nonce_is_used_once(store):
    now = utcnow()
    assert store.use_nonce("abc", 60, now) is True
    assert store.use_nonce("abc", 60, now) is False
    assert store.use_nonce("def", 60, now) is True


def test_database_state_expires(session):
    store = DatabaseStateStore(session)
    now = utcnow()
    store.save(pending("old"), 60, now)
    later = now + timedelta(seconds=61)
    assert store.load("old", later) is None
    assert store.consume("old", later) is False


def test_redis_state_expires():
    client = redis.Redis.from_url(REDIS_URL)
    store = RedisStateStore(client, prefix="selfpath-test:")
    store.save(pending("short"), 1, utcnow())
    assert client.ttl("selfpath-test:state:short") in (0, 1)
    client.delete("selfpath-test:state:short")
    client.close()
