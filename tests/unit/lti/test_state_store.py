"""Both launch-state stores: a state is spent once, a nonce is used once, states expire."""

import uuid
from datetime import timedelta

import pytest
import valkey

from lti.state_store import DatabaseStateStore, PendingLogin, ReadBeside, RedisStateStore
from paths.db import utcnow
from tests.redis_db import TEST_REDIS_URL as REDIS_URL


@pytest.fixture
def redis_space():
    """A Redis client and a key prefix of this test's own, emptied afterwards."""
    client = valkey.Valkey.from_url(REDIS_URL)
    prefix = f"selfpath-test:{uuid.uuid4().hex}:"
    yield client, prefix
    for key in client.scan_iter(prefix + "*"):
        client.delete(key)
    client.close()


@pytest.fixture
def redis_store(redis_space):
    client, prefix = redis_space
    return RedisStateStore(client, prefix=prefix)


@pytest.fixture(params=["database", "redis"])
def store(request, session):
    if request.param == "database":
        yield DatabaseStateStore(session)
        session.commit()
        return
    yield request.getfixturevalue("redis_store")


def pending(state="s1"):
    return PendingLogin(
        state=state,
        nonce="n-" + state,
        binding="b",
        platform_id=1,
        login={"iss": "https://lms.example"},
        storage_target=None,
    )


def test_saved_state_is_taken_once(store):
    now = utcnow()
    store.save(pending(), 60, now)
    taken = store.take("s1", now)
    assert taken is not None and taken.pending == pending()
    assert now + timedelta(seconds=58) < taken.expires_at <= now + timedelta(seconds=60)
    assert store.take("s1", now) is None


def test_a_state_put_back_can_be_taken_again_until_it_expires(store):
    now = utcnow()
    store.save(pending(), 60, now)
    taken = store.take("s1", now)
    store.put_back(taken, now)
    again = store.take("s1", now)
    assert again is not None and again.pending == pending()
    assert abs((again.expires_at - taken.expires_at).total_seconds()) < 1.5
    assert store.take("s1", now) is None


def test_an_unknown_state_is_not_taken(store):
    assert store.take("never-saved", utcnow()) is None


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
    assert store.take("old", later) is None


def test_redis_does_not_put_back_an_expired_state():
    client = valkey.Valkey.from_url(REDIS_URL)
    store = RedisStateStore(client, prefix=f"selfpath-test:{uuid.uuid4().hex}:")
    now = utcnow()
    store.save(pending("gone"), 60, now)
    taken = store.take("gone", now)
    store.put_back(taken, taken.expires_at + timedelta(seconds=1))
    assert store.take("gone", now) is None
    client.close()


def test_redis_state_expires():
    client = valkey.Valkey.from_url(REDIS_URL)
    store = RedisStateStore(client, prefix="selfpath-test:")
    store.save(pending("short"), 1, utcnow())
    assert client.ttl("selfpath-test:state:short") in (0, 1)
    client.delete("selfpath-test:state:short")
    client.close()


def test_redis_reads_the_key_asked_for_beside_the_state_it_takes(redis_space):
    client, prefix = redis_space
    store = RedisStateStore(client, prefix=prefix, read_beside=prefix + "beside")
    now = utcnow()
    store.save(pending("a"), 60, now)
    store.save(pending("b"), 60, now)
    assert store.take("a", now).beside == ReadBeside(prefix + "beside", None)
    client.set(prefix + "beside", "token-1")
    assert store.take("b", now).beside == ReadBeside(prefix + "beside", b"token-1")
    assert RedisStateStore(client, prefix=prefix).take("b", now) is None  # spent


def test_redis_spends_the_nonce_asked_for_with_the_state_it_takes(redis_store):
    now = utcnow()
    redis_store.save(pending("a"), 60, now)
    taken = redis_store.take("a", now, nonce="n-a", nonce_ttl=60)
    assert (taken.nonce, taken.nonce_unused) == ("n-a", True)
    assert redis_store.use_nonce("n-a", 60, now) is False  # spent by the take


def test_redis_says_when_the_nonce_asked_for_was_used(redis_store):
    now = utcnow()
    assert redis_store.use_nonce("n-a", 60, now) is True
    redis_store.save(pending("a"), 60, now)
    taken = redis_store.take("a", now, nonce="n-a", nonce_ttl=60)
    assert taken.pending == pending("a") and taken.nonce_unused is False


def test_redis_spends_no_nonce_for_a_state_that_is_not_there(redis_store):
    now = utcnow()
    assert redis_store.take("missing", now, nonce="n-x", nonce_ttl=60) is None
    assert redis_store.use_nonce("n-x", 60, now) is True  # given back at once


def test_redis_gives_back_the_nonce_spent_with_a_state_put_back(redis_store):
    now = utcnow()
    redis_store.save(pending("a"), 60, now)
    redis_store.put_back(redis_store.take("a", now, nonce="n-a", nonce_ttl=60), now)
    again = redis_store.take("a", now, nonce="n-a", nonce_ttl=60)
    assert again.pending == pending("a") and again.nonce_unused is True


def test_redis_keeps_a_nonce_used_before_when_it_puts_the_state_back(redis_store):
    now = utcnow()
    redis_store.use_nonce("n-a", 60, now)
    redis_store.save(pending("a"), 60, now)
    redis_store.put_back(redis_store.take("a", now, nonce="n-a", nonce_ttl=60), now)
    assert redis_store.use_nonce("n-a", 60, now) is False  # the earlier use still counts
    assert redis_store.take("a", now).pending == pending("a")


def test_the_database_spends_nonces_on_their_own(session):
    store = DatabaseStateStore(session)
    now = utcnow()
    store.save(pending("a"), 60, now)
    taken = store.take("a", now, nonce="n-a", nonce_ttl=60)
    assert taken.nonce_unused is None and store.use_nonce("n-a", 60, now) is True


def test_a_discarded_state_is_not_taken(store):
    now = utcnow()
    store.save(pending("a"), 60, now)
    store.discard(pending("a"))
    assert store.take("a", now) is None


def test_redis_reads_the_key_asked_for_beside_the_state_it_saves(redis_space):
    client, prefix = redis_space
    store = RedisStateStore(client, prefix=prefix, read_beside=prefix + "beside")
    now = utcnow()
    assert store.reads_beside and store.save(pending("a"), 60, now) == ReadBeside(
        prefix + "beside", None
    )
    client.set(prefix + "beside", "token-1")
    assert store.save(pending("b"), 60, now) == ReadBeside(prefix + "beside", b"token-1")
    assert store.take("b", now).pending == pending("b")
    assert not RedisStateStore(client, prefix=prefix).reads_beside
