"""Library entries, their published releases, and the reports teachers make about them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from paths.db import Base, UtcDateTime, utcnow

LISTED = "listed"
UNLISTED = "unlisted"  # hidden by a Selfpath admin (moderation); can be restored
WITHDRAWN = "withdrawn"  # taken back by its author
STATUSES = (LISTED, UNLISTED, WITHDRAWN)


class LibraryEntry(Base):
    """A path in the open library. Its `uuid` is the path's own, so an entry keeps its
    identity across releases, exports and harvests; the columns beside it describe the
    newest release, for listing and filtering without reading the releases."""

    __tablename__ = "library_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    path_id: Mapped[int | None] = mapped_column(
        ForeignKey("learning_paths.id", ondelete="SET NULL"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), index=True)
    subject: Mapped[str | None] = mapped_column(String(40), index=True)
    level: Mapped[str | None] = mapped_column(String(40))
    licence: Mapped[str] = mapped_column(String(20))
    credit: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    step_count: Mapped[int] = mapped_column(Integer, default=0)
    checkpoint_count: Mapped[int] = mapped_column(Integer, default=0)
    skills: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default=LISTED, index=True)
    # Title, description, skills and step titles without case or diacritics: what search reads.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, index=True)

    releases: Mapped[list[LibraryRelease]] = relationship(
        back_populates="entry", order_by="LibraryRelease.number", cascade="all, delete-orphan"
    )

    @property
    def listed(self) -> bool:
        return self.status == LISTED


class LibraryRelease(Base):
    """One published version of a path, as the library offers it. Older releases stay:
    activities that use them keep them."""

    __tablename__ = "library_releases"
    __table_args__ = (UniqueConstraint("entry_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("library_entries.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    version_id: Mapped[int] = mapped_column(ForeignKey("path_versions.id"), unique=True)
    licence: Mapped[str] = mapped_column(String(20))
    credit: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    step_count: Mapped[int] = mapped_column(Integer, default=0)
    checkpoint_count: Mapped[int] = mapped_column(Integer, default=0)
    question_count: Mapped[int] = mapped_column(Integer, default=0)
    skills: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    entry: Mapped[LibraryEntry] = relationship(back_populates="releases")


class LibraryReport(Base):
    """A teacher's report that an entry is wrong or unsuitable, for the Selfpath admin."""

    __tablename__ = "library_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("library_entries.id", ondelete="CASCADE"), index=True
    )
    reason: Mapped[str] = mapped_column(Text)
    reported_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
