"""Things derived from a published path version, kept by the application that reads them.

A version never changes once published (paths/catalog.py), so whatever is built from it (its
steps, its graph) can be shared by every request of a process. Entries are keyed by
`version_key` and the least recently used go out first.

The caches live in one `VersionCaches` object held by the session (`caches_of`): the app
factory makes one per application and gives it to every session of its requests, commands
and workers; a session given none (a bare domain session) gets its own on first use.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from paths.dashboard import PathFacts
    from paths.learning.recommend import PathGraph
    from paths.library.attribution import Attribution
    from paths.published import PublishedStep
    from paths.skill_names import SkillNames
    from paths.study.path_view import StepLayout

T = TypeVar("T")
DEFAULT_SIZE = 64
_ABSENT = object()  # what no key maps to (a value may be None)


class VersionLike(Protocol):
    """A published path version, as a mapped row or as its values."""

    @property
    def id(self) -> int: ...
    @property
    def published_at(self) -> datetime: ...


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

    def get(self, key: Hashable, build: Callable[[], T]) -> T:
        with self._lock:
            found = self._values.get(key, _ABSENT)  # one lookup: a key may be costly to hash
            if found is not _ABSENT:
                self._values.move_to_end(key)
                return found  # type: ignore[return-value]
        value = build()  # outside the lock: two threads may both build; either result is right
        with self._lock:
            self._values[key] = value
            while len(self._values) > self.size:
                self._values.popitem(last=False)
        return value


class VersionCaches:
    """Every per-version cache of one application: made by the app factory (or by a bare
    session's first use), so nothing is shared between applications or tests."""

    def __init__(self) -> None:
        self.steps: PerVersion[tuple[PublishedStep, ...]] = PerVersion()
        self.skill_names: PerVersion[SkillNames] = PerVersion()
        self.skills: PerVersion[frozenset[str]] = PerVersion()
        self.layouts: PerVersion[StepLayout] = PerVersion()
        self.graphs: PerVersion[PathGraph] = PerVersion()
        self.attributions: PerVersion[Attribution | None] = PerVersion(size=256)
        self.dashboards: PerVersion[PathFacts] = PerVersion()


SESSION_KEY = "version_caches"  # where a session holds its VersionCaches, in `session.info`


def give_caches(session: Session, caches: VersionCaches) -> None:
    """Let `session` read and fill `caches` (the app factory does this for its sessions)."""
    session.info[SESSION_KEY] = caches


def caches_of(session: Session) -> VersionCaches:
    """The per-version caches `session` reads: its application's, or its own if it has none."""
    caches = session.info.get(SESSION_KEY)
    if caches is None:
        caches = VersionCaches()
        give_caches(session, caches)
    assert isinstance(caches, VersionCaches)
    return caches
