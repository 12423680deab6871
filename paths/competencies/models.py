"""Frameworks, their competencies and links, and path versions' alignments to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from paths.db import Base, UtcDateTime, utcnow


class Framework(Base):
    """A CASE CFDocument. `scope` is the school (tenant) that imported it, or None for a
    framework of the library, offered to every school."""

    __tablename__ = "competency_frameworks"

    id: Mapped[int] = mapped_column(primary_key=True)
    identifier: Mapped[str] = mapped_column(String(36), unique=True)
    uri: Mapped[str] = mapped_column(String(2048))
    title: Mapped[str] = mapped_column(String(300))
    creator: Mapped[str] = mapped_column(String(300), default="")
    language: Mapped[str | None] = mapped_column(String(35))
    version: Mapped[str | None] = mapped_column(String(50))
    scope: Mapped[int | None] = mapped_column(
        ForeignKey("tenants.id", ondelete="CASCADE"), index=True
    )
    changed_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    imported_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    competencies: Mapped[list[Competency]] = relationship(
        back_populates="framework", order_by="Competency.position", cascade="all, delete-orphan"
    )


class Competency(Base):
    """A CASE CFItem: one statement of the framework, with its human coding scheme."""

    __tablename__ = "competencies"
    __table_args__ = (UniqueConstraint("framework_id", "identifier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(
        ForeignKey("competency_frameworks.id", ondelete="CASCADE"), index=True
    )
    identifier: Mapped[str] = mapped_column(String(36))
    uri: Mapped[str] = mapped_column(String(2048))
    statement: Mapped[str] = mapped_column(Text)
    code: Mapped[str | None] = mapped_column(String(100))  # humanCodingScheme
    item_type: Mapped[str | None] = mapped_column(String(100))  # CFItemType
    language: Mapped[str | None] = mapped_column(String(35))
    position: Mapped[int] = mapped_column(Integer, default=0)

    framework: Mapped[Framework] = relationship(
        back_populates="competencies", lazy="joined", innerjoin=True
    )

    @property
    def label(self) -> str:
        return f"{self.code} — {self.statement}" if self.code else self.statement


class CompetencyLink(Base):
    """A CASE CFAssociation between two nodes of a framework (`isChildOf`: the origin is a
    child of the destination). A destination may be the framework's document itself."""

    __tablename__ = "competency_links"
    __table_args__ = (UniqueConstraint("framework_id", "identifier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(
        ForeignKey("competency_frameworks.id", ondelete="CASCADE"), index=True
    )
    identifier: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(40))  # associationType
    origin: Mapped[str] = mapped_column(String(36))  # a node's identifier
    destination: Mapped[str] = mapped_column(String(36))


class CompetencyAlignment(Base):
    """A published version's skill (and, if the author chose one, a step) aligned to a
    competency: learners' results on the skill are their mastery of the competency."""

    __tablename__ = "competency_alignments"
    __table_args__ = (UniqueConstraint("version_id", "skill", "competency_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(
        ForeignKey("path_versions.id", ondelete="CASCADE"), index=True
    )
    skill: Mapped[str] = mapped_column(String(64))
    step_key: Mapped[str | None] = mapped_column(String(40))
    competency_id: Mapped[int] = mapped_column(
        ForeignKey("competencies.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)

    competency: Mapped[Competency] = relationship(lazy="joined", innerjoin=True)
