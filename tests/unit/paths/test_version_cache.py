"""What is built from a published version is kept in the caches its session reads
(`caches_of`): a session given an application's caches shares them, one given none has its
own, and a cache lets its least recently used version go first."""

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from paths.published import published_steps
from paths.version_cache import PerVersion, VersionCaches, caches_of, give_caches, version_key
from tests.statements import counted


def test_a_full_cache_lets_the_least_recently_used_version_go():
    cache: PerVersion[list[str]] = PerVersion(size=2)
    first = cache.get("a", lambda: ["a"])
    cache.get("b", lambda: ["b"])
    assert cache.get("a", lambda: ["built again"]) is first  # "a" is now the most recent
    cache.get("c", lambda: ["c"])
    assert cache.get("b", lambda: ["built again"]) == ["built again"]
    assert cache.get("a", lambda: ["built again"]) == ["built again"]  # "c", "b" came after


def test_a_session_given_no_caches_keeps_its_own():
    one, other = Session(), Session()
    assert caches_of(one) is caches_of(one)
    assert caches_of(one) is not caches_of(other)


def test_sessions_given_the_same_caches_share_what_they_build():
    shared = VersionCaches()
    one, other = Session(), Session()
    give_caches(one, shared)
    give_caches(other, shared)
    assert caches_of(one) is shared and caches_of(other) is shared


def test_something_else_in_the_sessions_place_is_refused():
    session = Session(info={"version_caches": {}})
    with pytest.raises(AssertionError):
        caches_of(session)


def test_the_steps_a_session_read_are_not_read_again_by_one_sharing_its_caches(session, enrollment):
    version = enrollment.assignment.version
    steps = published_steps(session, version)
    connection = session.connection()
    with Session(connection) as sharing, Session(connection) as alone:
        give_caches(sharing, caches_of(session))
        with counted(connection) as statements:
            assert published_steps(sharing, version) is steps
        assert statements == []
        with counted(connection) as statements:
            read_again = published_steps(alone, version)  # its own caches
        selects = [s for s in statements if s.startswith("SELECT")]
        assert len(selects) == 2 and read_again is not steps  # the steps, then the questions
        assert [s.key for s in read_again] == [s.key for s in steps]


def test_a_version_is_known_by_its_id_and_publication_time():
    class Version:
        id = 7
        published_at = datetime(2026, 1, 1, tzinfo=UTC)

    assert version_key(Version()) == (7, datetime(2026, 1, 1, tzinfo=UTC))
