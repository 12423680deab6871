"""Paths, their immutable published versions, steps and checkpoint questions.

A path is what a teacher owns and edits; a version is a frozen copy that learners
follow, so an edit never breaks a learner in progress. Steps keep a stable `key`
across versions, which is how progress is carried from one version to the next.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from paths.db import Base, UtcDateTime, utcnow

if TYPE_CHECKING:
    from paths.competencies.models import CompetencyAlignment

STEP_KINDS = ("read", "watch", "practice", "checkpoint", "reflect", "external")
QUESTION_KINDS = ("choice", "short")
CHECKPOINT_KIND = "checkpoint"
# What a path is about and who it is for, as the open library files and filters them.
SUBJECTS = (
    "digital-skills",
    "study-skills",
    "mathematics",
    "biology",
    "physics",
    "chemistry",
    "geography",
    "history",
    "literature",
    "english-language",
    "other",
)
LEVELS = ("primary", "lower-secondary", "upper-secondary", "adult")


def new_uuid() -> str:
    return str(uuid.uuid4())


class LearningPath(Base):
    __tablename__ = "learning_paths"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The path's identity in exports and in the open library, kept across versions.
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"))
    course_id: Mapped[int | None] = mapped_column(ForeignKey("courses.id", ondelete="SET NULL"))
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    is_template: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    # The teacher's working copy as a `selfpath-path/1` document; None: the latest version.
    draft: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # The open-library release this path was copied from (attribution and lineage).
    derived_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("library_releases.id", ondelete="SET NULL", use_alter=True), index=True
    )

    versions: Mapped[list[PathVersion]] = relationship(
        back_populates="path", order_by="PathVersion.number"
    )


class PathVersion(Base):
    __tablename__ = "path_versions"
    __table_args__ = (UniqueConstraint("path_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    path_id: Mapped[int] = mapped_column(ForeignKey("learning_paths.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(8), default="en")
    subject: Mapped[str | None] = mapped_column(String(40))
    level: Mapped[str | None] = mapped_column(String(40))
    # Readable skill names in the version's language: [{"key": ..., "label": ...}].
    skill_labels: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    published_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    path: Mapped[LearningPath] = relationship(back_populates="versions")
    steps: Mapped[list[Step]] = relationship(
        back_populates="version", order_by="Step.position", cascade="all, delete-orphan"
    )
    # Its skills aligned to competencies of a framework, frozen with the version.
    alignments: Mapped[list[CompetencyAlignment]] = relationship(
        order_by="CompetencyAlignment.position", cascade="all, delete-orphan"
    )


class Step(Base):
    __tablename__ = "steps"
    __table_args__ = (UniqueConstraint("version_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("path_versions.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(40))
    # The step's identity across versions and exports (the key may be reused elsewhere).
    uuid: Mapped[str] = mapped_column(String(36), default=new_uuid)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    title: Mapped[str] = mapped_column(String(200))
    instructions: Mapped[str] = mapped_column(Text, default="")
    resource_url: Mapped[str | None] = mapped_column(String(2048))
    resource_licence: Mapped[str | None] = mapped_column(String(120))
    resource_source: Mapped[str | None] = mapped_column(String(200))
    resource_framable: Mapped[bool] = mapped_column(Boolean, default=False)
    minutes: Mapped[int] = mapped_column(Integer, default=10)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    optional: Mapped[bool] = mapped_column(Boolean, default=False)
    prerequisites: Mapped[list[str]] = mapped_column(JSON, default=list)
    remedial_for: Mapped[str | None] = mapped_column(String(40))
    mastery_threshold: Mapped[float | None] = mapped_column(Float)

    version: Mapped[PathVersion] = relationship(back_populates="steps")
    questions: Mapped[list[Question]] = relationship(
        back_populates="step", order_by="Question.position", cascade="all, delete-orphan"
    )

    @property
    def is_checkpoint(self) -> bool:
        return self.kind == CHECKPOINT_KIND


class Question(Base):
    """A checkpoint question: multiple choice (answer = index of the right choice) or
    short answer (accepted answers, compared without case and spacing)."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("steps.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(8))
    prompt: Mapped[str] = mapped_column(Text)
    skill: Mapped[str | None] = mapped_column(String(64))
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    answer: Mapped[Any] = mapped_column(JSON)
    explanation: Mapped[str] = mapped_column(Text, default="")

    step: Mapped[Step] = relationship(back_populates="questions")
