"""The library as harvesters read it: every entry ever offered, oldest change first, in a
window of change times and pages that follow one another by (changed at, id).

Withdrawn and unlisted entries stay in the feed so that a harvester learns they are gone:
entries are never deleted, so the library remembers every deletion. Pages follow a keyset
(the last entry's change time and id), never an offset, so an entry changed while a harvester
is paging moves to a later page instead of shifting the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from paths.db import as_utc
from paths.library.models import LibraryEntry


@dataclass(frozen=True)
class FeedWindow:
    """Which entries a harvest asks for. None: no bound on that side or no filter."""

    changed_from: datetime | None = None  # inclusive
    changed_before: datetime | None = None  # exclusive
    languages: frozenset[str] | None = None
    subjects: frozenset[str] | None = None


@dataclass(frozen=True)
class FeedPosition:
    """Where the previous page ended: its last entry's change time and id."""

    changed_at: datetime
    entry_id: int


def feed_page(
    session: Session, window: FeedWindow, after: FeedPosition | None, size: int
) -> list[LibraryEntry]:
    """Up to `size` entries of the window after `after`, oldest change first."""
    statement = _in_window(select(LibraryEntry), window)
    if after is not None:
        statement = statement.where(_after(after))
    return list(
        session.scalars(statement.order_by(LibraryEntry.updated_at, LibraryEntry.id).limit(size))
    )


def feed_size(session: Session, window: FeedWindow) -> int:
    """How many entries the whole window holds."""
    statement = _in_window(select(func.count(LibraryEntry.id)), window)
    return int(session.scalar(statement) or 0)


def feed_entry(session: Session, uuid: str) -> LibraryEntry | None:
    """The entry with this UUID, whatever its status."""
    return session.scalars(select(LibraryEntry).where(LibraryEntry.uuid == uuid)).first()


def earliest_change(session: Session) -> datetime | None:
    """The oldest change time in the library: no entry in the feed changed before it."""
    return as_utc(session.scalar(select(func.min(LibraryEntry.updated_at))))


def _in_window(statement: Select[Any], window: FeedWindow) -> Select[Any]:
    if window.changed_from is not None:
        statement = statement.where(LibraryEntry.updated_at >= window.changed_from)
    if window.changed_before is not None:
        statement = statement.where(LibraryEntry.updated_at < window.changed_before)
    if window.languages is not None:
        statement = statement.where(LibraryEntry.language.in_(sorted(window.languages)))
    if window.subjects is not None:
        statement = statement.where(LibraryEntry.subject.in_(sorted(window.subjects)))
    return statement


def _after(position: FeedPosition) -> ColumnElement[bool]:
    return or_(
        LibraryEntry.updated_at > position.changed_at,
        and_(LibraryEntry.updated_at == position.changed_at, LibraryEntry.id > position.entry_id),
    )
