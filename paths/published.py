"""The steps of a published path version, read once per application (paths/version_cache.py).

Every learner request walks its path's steps (and a checkpoint's questions); a version never
changes once published, so the steps are read from the database once and shared by every
request as values that belong to no session and that no request changes: `PublishedStep`
and `PublishedQuestion` have the columns of `Step` and `Question`, and a step its questions.
Plain attributes: a page reads hundreds of them, and each read of a mapped object's goes
through the ORM's descriptor (about 150 ns against 2).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Mapper, Session

from paths.catalog import CHECKPOINT_KIND, Question, Step
from paths.version_cache import VersionLike, caches_of, version_key


@dataclass(eq=False, slots=True)
class PublishedQuestion:
    """A checkpoint question of a published version (the columns of `Question`)."""

    id: int
    step_id: int
    position: int
    kind: str
    prompt: str
    skill: str | None
    choices: list[str]
    answer: Any
    explanation: str


@dataclass(eq=False, slots=True)
class PublishedStep:
    """A step of a published version (the columns of `Step`) with its questions in order.
    Compared and hashed as itself, as a mapped object is."""

    id: int
    version_id: int
    key: str
    uuid: str
    position: int
    kind: str
    title: str
    instructions: str
    resource_url: str | None
    resource_licence: str | None
    resource_source: str | None
    resource_framable: bool
    minutes: int
    skills: list[str]
    optional: bool
    prerequisites: list[str]
    remedial_for: str | None
    mastery_threshold: float | None
    questions: tuple[PublishedQuestion, ...]

    @property
    def is_checkpoint(self) -> bool:
        return self.kind == CHECKPOINT_KIND


def published_steps(session: Session, version: VersionLike) -> tuple[PublishedStep, ...]:
    """The version's steps in path order, with their questions."""
    return caches_of(session).steps.get(version_key(version), lambda: _read(session, version.id))


def _read(session: Session, version_id: int) -> tuple[PublishedStep, ...]:
    """Two statements: the steps, then every checkpoint question of the version."""
    steps = session.scalars(
        select(Step).where(Step.version_id == version_id).order_by(Step.position)
    ).all()
    questions: dict[int, list[PublishedQuestion]] = {step.id: [] for step in steps}
    if any(step.is_checkpoint for step in steps):
        for question in session.scalars(
            select(Question)
            .join(Step)
            .where(Step.version_id == version_id)
            .order_by(Question.step_id, Question.position)
        ):
            questions[question.step_id].append(PublishedQuestion(**_columns(question)))
    return tuple(
        PublishedStep(**_columns(step), questions=tuple(questions[step.id])) for step in steps
    )


def _columns(row: Step | Question) -> dict[str, Any]:
    """The row's column values; JSON lists are copied, so no request can change what the
    others read."""
    mapper: Mapper[Any] = inspect(type(row))
    return {attr.key: _frozen(getattr(row, attr.key)) for attr in mapper.column_attrs}


def _frozen(value: object) -> object:
    """JSON lists are copied, so no request can change what the others read."""
    return list(value) if isinstance(value, list) else value
