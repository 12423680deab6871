"""A small per-process cache whose entries are trusted for a fixed time."""

from __future__ import annotations

import time
from collections.abc import Callable, Hashable
from threading import Lock
from typing import Generic, TypeVar

V = TypeVar("V")


class TtlCache(Generic[V]):
    """Values by key, each recomputed once it is older than `max_age` seconds. At most
    `max_entries` are kept (the cache starts over when full), so keys that come from
    anonymous requests cannot grow it without bound."""

    def __init__(
        self,
        max_age: float,
        *,
        max_entries: int = 1000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_age = max_age
        self.max_entries = max_entries
        self._clock = clock
        self._entries: dict[Hashable, tuple[float, V]] = {}
        self._lock = Lock()

    def get(self, key: Hashable, compute: Callable[[], V]) -> V:
        now = self._clock()
        with self._lock:
            found = self._entries.get(key)
        if found is not None and now - found[0] < self.max_age:
            return found[1]
        value = compute()
        self.put(key, value, now)
        return value

    def put(self, key: Hashable, value: V, at: float | None = None) -> None:
        with self._lock:
            if len(self._entries) >= self.max_entries and key not in self._entries:
                self._entries.clear()
            self._entries[key] = (self._clock() if at is None else at, value)

    def forget(self, key: Hashable | None = None) -> None:
        """Forget one key, or everything."""
        with self._lock:
            if key is None:
                self._entries.clear()
            else:
                self._entries.pop(key, None)
