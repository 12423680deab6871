"""The resource catalogue: open resources harvested from other repositories (OAI-PMH), which
authors search when they add a step. Each resource keeps where it came from and its licence.

Harvesting is incremental and idempotent: a record is one row per (repository, OAI
identifier), a changed record updates its row, and a deleted one is marked deleted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from paths.db import Base, UtcDateTime, utcnow
from paths.library.normalise import query_terms, searchable

MAX_RESULTS = 20
# What the catalogue keeps of a record, whatever a repository sends.
TITLE_CHARS, TEXT_CHARS, NAME_CHARS, URL_CHARS = 300, 2000, 200, 2048
MAX_SUBJECTS, SUBJECT_CHARS, IDENTIFIER_CHARS = 10, 100, 255
STEP_LICENCE_CHARS = 120  # what a step's resource licence holds (docs/path.schema.json)
_CREATIVE_COMMONS = re.compile(
    r"^https?://creativecommons\.org/(licenses|publicdomain)/([a-z-]+)/(\d\.\d)", re.I
)


class HarvestSource(Base):
    """A repository Selfpath harvests, and how far its last complete harvest reached."""

    __tablename__ = "harvest_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    base_url: Mapped[str] = mapped_column(String(URL_CHARS), unique=True)
    name: Mapped[str] = mapped_column(String(NAME_CHARS), default="")
    # The next harvest asks `from` this datestamp (the repository's own clock and
    # granularity); it moves only after a harvest that finished.
    last_datestamp: Mapped[str | None] = mapped_column(String(20))
    last_harvested_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class LibraryResource(Base):
    """One resource described by a repository's record (Dublin Core)."""

    __tablename__ = "library_resources"
    __table_args__ = (UniqueConstraint("source_id", "identifier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(
        ForeignKey("harvest_sources.id", ondelete="CASCADE"), index=True
    )
    identifier: Mapped[str] = mapped_column(String(IDENTIFIER_CHARS))
    datestamp: Mapped[datetime] = mapped_column(UtcDateTime())
    title: Mapped[str] = mapped_column(String(TITLE_CHARS))
    url: Mapped[str] = mapped_column(String(URL_CHARS))
    licence: Mapped[str | None] = mapped_column(String(NAME_CHARS))
    licence_url: Mapped[str | None] = mapped_column(String(URL_CHARS))
    publisher: Mapped[str | None] = mapped_column(String(NAME_CHARS))
    language: Mapped[str | None] = mapped_column(String(16))
    subjects: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    deleted: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # Title, description and subjects without case or diacritics, each word after a space.
    search_text: Mapped[str] = mapped_column(Text, default="")
    harvested_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    source: Mapped[HarvestSource] = relationship()

    @property
    def credit(self) -> str:
        """Who publishes it, for the step's source: the publisher, else the repository."""
        return (self.publisher or self.source.name or self.source.base_url)[:NAME_CHARS]

    @property
    def licence_name(self) -> str | None:
        """The licence as a step names it: the record's words, else what its address is
        (feeds often give only a Creative Commons URL)."""
        return licence_name(self.licence, self.licence_url)


def licence_name(text: str | None, url: str | None) -> str | None:
    if text:
        return text[:STEP_LICENCE_CHARS]
    match = _CREATIVE_COMMONS.match(url or "")
    if match is None:
        return url[:STEP_LICENCE_CHARS] if url else None
    kind, name, version = match.group(1).lower(), match.group(2).upper(), match.group(3)
    if kind == "publicdomain":
        return f"CC0 {version}" if name == "ZERO" else f"Public Domain Mark {version}"
    return f"CC {name} {version}"


@dataclass(frozen=True)
class HarvestedRecord:
    """A record as a repository describes it; `deleted` records carry only the header."""

    identifier: str
    datestamp: datetime
    deleted: bool = False
    title: str = ""
    url: str | None = None
    licence: str | None = None
    licence_url: str | None = None
    publisher: str | None = None
    language: str | None = None
    subjects: tuple[str, ...] = field(default_factory=tuple)
    description: str = ""


@dataclass
class HarvestCount:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    skipped: int = 0  # no web address to open, or an identifier too long to keep

    def merge(self, other: HarvestCount) -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def store_records(
    session: Session, source: HarvestSource, records: list[HarvestedRecord], now: datetime
) -> HarvestCount:
    """Add, update or mark deleted one page of records (the caller commits)."""
    count = HarvestCount()
    for record in records:
        outcome = _store(session, source, record, now)
        setattr(count, outcome, getattr(count, outcome) + 1)
    session.flush()
    return count


def _store(session: Session, source: HarvestSource, record: HarvestedRecord, now: datetime) -> str:
    if len(record.identifier) > IDENTIFIER_CHARS:
        return "skipped"
    row = session.scalars(
        select(LibraryResource).where(
            LibraryResource.source_id == source.id, LibraryResource.identifier == record.identifier
        )
    ).first()
    if record.deleted:
        if row is None or row.deleted:
            return "unchanged"
        row.deleted, row.datestamp, row.harvested_at = True, record.datestamp, now
        return "deleted"
    if not record.url or len(record.url) > URL_CHARS:
        return "skipped"
    values = _columns(record)
    if row is None:
        session.add(
            LibraryResource(
                source_id=source.id, identifier=record.identifier, harvested_at=now, **values
            )
        )
        return "added"
    if all(getattr(row, name) == value for name, value in values.items()):
        return "unchanged"
    for name, value in values.items():
        setattr(row, name, value)
    row.harvested_at = now
    return "updated"


def _columns(record: HarvestedRecord) -> dict[str, object]:
    subjects = [s.strip()[:SUBJECT_CHARS] for s in record.subjects if s.strip()][:MAX_SUBJECTS]
    title = (record.title.strip() or record.identifier)[:TITLE_CHARS]
    description = record.description.strip()[:TEXT_CHARS]
    return {
        "datestamp": record.datestamp,
        "title": title,
        "url": record.url,
        "licence": _bounded(record.licence, NAME_CHARS),
        "licence_url": _bounded(record.licence_url, URL_CHARS),
        "publisher": _bounded(record.publisher, NAME_CHARS),
        "language": _bounded(record.language, 16),
        "subjects": subjects,
        "description": description,
        "deleted": False,
        "search_text": " " + searchable(" ".join((title, description, *subjects))),
    }


def _bounded(text: str | None, limit: int) -> str | None:
    text = (text or "").strip()
    return text[:limit] if text else None


def find_resources(session: Session, words: str) -> list[LibraryResource]:
    """Resources whose title, description or subjects have words beginning with every
    word typed (any case, with or without diacritics); title matches first."""
    terms = query_terms(words)
    if not terms:
        return []
    statement = select(LibraryResource).where(LibraryResource.deleted.is_(False))
    for term in terms:
        statement = statement.where(
            LibraryResource.search_text.contains(" " + term, autoescape=True)
        )
    found = list(
        session.scalars(statement.order_by(LibraryResource.title, LibraryResource.id).limit(500))
    )
    found.sort(key=lambda r: -_in_title(r, terms))
    return found[:MAX_RESULTS]


def _in_title(resource: LibraryResource, terms: list[str]) -> int:
    title = searchable(resource.title).split()
    return sum(any(w.startswith(t) for w in title) for t in terms)
