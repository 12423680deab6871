"""The steps of a published path version, read once per application (paths/version_cache.py).

Every learner request walks its path's steps (and a checkpoint's questions); a version never
changes once published, so the steps are read from the database once and shared by every
request as read-only copies that belong to no session. A copy has its columns and its
questions; its `version` is not loaded (reading it raises DetachedInstanceError).
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from paths.catalog import PathVersion, Question, Step
from paths.version_cache import caches_of, version_key

Row = TypeVar("Row", Step, Question)


def published_steps(session: Session, version: PathVersion) -> tuple[Step, ...]:
    """The version's steps in path order, with their questions."""
    return caches_of(session).steps.get(version_key(version), lambda: _read(session, version.id))


def _read(session: Session, version_id: int) -> tuple[Step, ...]:
    """Two statements: the steps, then every checkpoint question of the version."""
    steps = session.scalars(
        select(Step).where(Step.version_id == version_id).order_by(Step.position)
    ).all()
    questions: dict[int, list[Question]] = {step.id: [] for step in steps}
    if any(step.is_checkpoint for step in steps):
        for question in session.scalars(
            select(Question)
            .join(Step)
            .where(Step.version_id == version_id)
            .order_by(Question.step_id, Question.position)
        ):
            questions[question.step_id].append(_copy(question))
    return tuple(_copy(step, questions=questions[step.id]) for step in steps)


def _copy(row: Row, **loaded: object) -> Row:
    kind = type(row)
    copy = kind(
        **{attr.key: _frozen(getattr(row, attr.key)) for attr in inspect(kind).column_attrs}
    )
    make_transient_to_detached(copy)
    for name, value in loaded.items():
        set_committed_value(copy, name, value)
    return copy


def _frozen(value: object) -> object:
    """JSON lists are copied, so no request can change what the others read."""
    return list(value) if isinstance(value, list) else value
