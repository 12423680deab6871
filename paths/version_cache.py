"""Things derived from a published path version, kept once per process.

A version never changes once published (paths/catalog.py), so whatever is built from it (its
steps, its graph) can be shared by every request of a process. Entries are keyed by
`version_key` and the least recently used go out first.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")
DEFAULT_SIZE = 64


class VersionLike(Protocol):
    id: int
    published_at: datetime


def version_key(version: VersionLike) -> tuple[int, datetime]:
    """What identifies a path version for the cache: its id and publication time (an id
    alone could come back after a deleted version on some databases)."""
    return (version.id, version.published_at)


class PerVersion(Generic[T]):
    """Values by path version, built on first use; thread-safe, bounded in size."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self._values: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()
        _ALL.add(self)

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
        value = build()  # outside the lock: two threads may both build; either result is right
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


_ALL: weakref.WeakSet[PerVersion[Any]] = weakref.WeakSet()


def forget_every_version() -> None:
    """Empty every per-version cache of the process (for a database emptied and filled
    again, as tests do, where ids and publication times may come back)."""
    for cache in _ALL:
        cache.clear()
