"""The per-process cache behind frame-ancestors and login rate-limit keys."""

from __future__ import annotations

from lti.ttl_cache import TtlCache


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_value_is_kept_for_max_age_then_computed_again():
    clock, computed = Clock(), []
    cache: TtlCache[int] = TtlCache(60, clock=clock)

    def compute() -> int:
        computed.append(clock.now)
        return len(computed)

    assert [cache.get("a", compute) for _ in range(3)] == [1, 1, 1]
    clock.now = 59.9
    assert cache.get("a", compute) == 1
    clock.now = 60
    assert cache.get("a", compute) == 2
    assert computed == [0.0, 60]


def test_none_is_a_cached_answer_and_forget_drops_it():
    cache: TtlCache[int | None] = TtlCache(60, clock=Clock())
    calls = []
    assert cache.get("gone", lambda: calls.append(1)) is None
    assert cache.get("gone", lambda: calls.append(1)) is None
    assert calls == [1]
    cache.forget("gone")
    cache.get("gone", lambda: calls.append(1))
    assert calls == [1, 1]


def test_keys_from_anonymous_requests_cannot_grow_it_without_bound():
    cache: TtlCache[str] = TtlCache(60, max_entries=3, clock=Clock())
    for n in range(10):
        cache.put(n, str(n))
    assert len(cache._entries) <= 3
