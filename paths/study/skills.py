"""Mastery per learner and skill: the learner model's state, kept as a cache of the answers.

The answers are events already: a checkpoint attempt holds `correct` per question, placement
and skill checks record one `diagnostic` event per answer, and completing a learning step
counts as study. `skill_mastery` holds the model's state per enrollment and skill, updated in
constant time in the same transaction as the event; `rebuild` recomputes it from the events
(after new parameters are fitted, or when the configured model changes). The model is always
passed in: the web edge builds it from the configuration and `skill_parameters`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    delete,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from paths import learner_state
from paths import progress as events
from paths.db import Base, PerDatabase, UtcDateTime, dialect_insert, utcnow
from paths.enrollment import Enrollment, EnrollmentFacts
from paths.learning.families import make_model, model_from_json
from paths.learning.mastery import MasteryModel, Response, SkillState
from paths.published import PublishedStep, published_steps


class SkillMastery(Base):
    """The model's belief about one learner (enrollment) and one skill."""

    __tablename__ = "skill_mastery"
    __table_args__ = (UniqueConstraint("enrollment_id", "skill"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), index=True
    )
    skill: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(8))
    mastery: Mapped[float] = mapped_column(Float)
    uncertainty: Mapped[float] = mapped_column(Float)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    correct: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    last_correct: Mapped[bool | None] = mapped_column(Boolean)
    internals: Mapped[list[float]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    def state(self) -> SkillState:
        return SkillState(
            self.skill,
            self.mastery,
            self.uncertainty,
            self.answers,
            self.correct,
            self.last_at,
            self.last_correct,
            tuple(self.internals or ()),
        )


class SkillParameters(Base):
    """Fitted parameters of one model family for one skill (`flask skills fit`)."""

    __tablename__ = "skill_parameters"
    __table_args__ = (UniqueConstraint("model", "skill"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    model: Mapped[str] = mapped_column(String(8))
    skill: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    answers: Mapped[int] = mapped_column(Integer, default=0)
    fitted_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


@dataclass(frozen=True, slots=True)
class Observation:
    """One piece of evidence on a skill: an answer (`correct` set) or a study step (None)."""

    skill: str
    correct: bool | None
    at: datetime
    practice: bool = True


# -- the model -----------------------------------------------------------------------------


class FittedModels:
    """Fitted models by family and skills, kept per process for `seconds`: parameters change
    only when `flask skills fit` runs, and a learner's page need not read them every time.
    A fit in this process is seen at once; one in another process within `seconds`."""

    def __init__(self, seconds: float = 60.0) -> None:
        self.seconds = seconds
        self._models: dict[tuple[str, frozenset[str] | None], tuple[float, MasteryModel]] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, name: str, skills: Iterable[str] | None = None) -> MasteryModel:
        key = (name, frozenset(skills) if skills is not None else None)
        with self._lock:
            found = self._models.get(key)
        if found is not None and found[0] > time.monotonic():
            return found[1]
        model = fitted_model(session, name, key[1])
        with self._lock:
            if len(self._models) > 256:
                self._models.clear()
            self._models[key] = (time.monotonic() + self.seconds, model)
        return model

    def clear(self) -> None:
        with self._lock:
            self._models.clear()


def fitted_model(session: Session, name: str, skills: Iterable[str] | None = None) -> MasteryModel:
    """The model family `name` with the fitted parameters stored for `skills` (all if None);
    skills without fitted parameters keep the family's defaults."""
    query = select(SkillParameters).where(SkillParameters.model == name)
    if skills is not None:
        query = query.where(SkillParameters.skill.in_(sorted(set(skills))))
    rows = list(session.scalars(query))
    if not rows:
        return make_model(name)
    defaults = make_model(name).params_json()["default"]
    return model_from_json(
        {"model": name, "default": defaults, "skills": {row.skill: row.params for row in rows}}
    )


def save_parameters(
    session: Session,
    model: MasteryModel,
    answers: Mapping[str, int],
    now: datetime,
    *,
    cache: FittedModels,
) -> int:
    """Store the model's per-skill parameters (replacing that family's earlier fit); the
    process's `cache` of fitted models forgets them, so the new fit is used at once."""
    skills = model.params_json()["skills"]
    session.execute(
        delete(SkillParameters).where(
            SkillParameters.model == model.name, SkillParameters.skill.in_(list(skills))
        )
    )
    for skill, params in skills.items():
        session.add(
            SkillParameters(
                model=model.name,
                skill=skill,
                params=params,
                answers=answers.get(skill, 0),
                fitted_at=now,
            )
        )
    session.flush()
    cache.clear()
    return len(skills)


# -- evidence from events ------------------------------------------------------------------


def question_skills(step: PublishedStep) -> list[str | None]:
    """Each question's skill: its own, else the step's first skill."""
    fallback = step.skills[0] if step.skills else None
    return [q.skill or fallback for q in step.questions]


def observations(
    rows: Iterable[events.ProgressEvent], steps: Sequence[PublishedStep]
) -> Iterator[Observation]:
    """The evidence in one enrollment's events, in their order."""
    by_key = {s.key: s for s in steps}
    for event in rows:
        payload = event.payload or {}
        step = by_key.get(event.step_key or "")
        if event.kind == events.CHECKPOINT:
            skills = payload.get("question_skills") or (question_skills(step) if step else [])
            fallback = (payload.get("skills") or [None])[0]
            for index, correct in enumerate(payload.get("correct", [])):
                skill = skills[index] if index < len(skills) else fallback
                if skill:
                    yield Observation(skill, bool(correct), event.at)
        elif event.kind == events.DIAGNOSTIC and payload.get("skill"):
            yield Observation(
                payload["skill"], bool(payload.get("correct")), event.at, practice=False
            )
        elif (
            event.kind in (events.COMPLETED, events.RESTUDIED)
            and step is not None
            and not step.is_checkpoint
        ):
            for skill in step.skills:
                yield Observation(skill, None, event.at)


def study_observations(step: PublishedStep, at: datetime) -> list[Observation]:
    return [Observation(skill, None, at) for skill in step.skills]


def apply(model: MasteryModel, state: SkillState, observation: Observation) -> SkillState:
    if observation.correct is None:
        return model.study(state)
    return model.update(state, observation.correct, observation.at, practice=observation.practice)


# -- the cache -----------------------------------------------------------------------------


def _rows(session: Session, enrollment_id: int) -> dict[str, SkillMastery]:
    return {
        row.skill: row
        for row in session.scalars(
            select(SkillMastery)
            .where(SkillMastery.enrollment_id == enrollment_id)
            .execution_options(populate_existing=True)  # rows may be written without the ORM
        )
    }


def _write(row: SkillMastery, state: SkillState, model: MasteryModel, now: datetime) -> None:
    row.model = model.name
    row.mastery, row.uncertainty = state.mastery, state.uncertainty
    row.answers, row.correct = state.answers, state.correct
    row.last_at, row.last_correct = state.last_at, state.last_correct
    row.internals = list(state.internals)
    row.updated_at = now


def observe(
    session: Session,
    enrollment: EnrollmentFacts,
    model: MasteryModel,
    evidence: Sequence[Observation],
) -> dict[str, SkillState]:
    """Update the cached states with new evidence (one read, constant work per item)."""
    return observe_all(session, enrollment, model, evidence)[1]


def observe_all(
    session: Session,
    enrollment: EnrollmentFacts,
    model: MasteryModel,
    evidence: Sequence[Observation],
) -> tuple[dict[str, SkillState], dict[str, SkillState]]:
    """`observe`, also giving every state of the enrollment as it was before the evidence
    (read by the same statement), so a page can show how the estimate moved."""
    if not evidence:
        return {}, {}
    held = learner_state.held(session, enrollment.id)
    if held is not None and held.model in ("", model.name):
        return _observe_held(session, held, model, evidence)
    rows = _rows(session, enrollment.id)
    if any(row.model != model.name for row in rows.values()):
        rebuild(session, enrollment, model)  # the events already hold this evidence
        return {}, states_of(session, enrollment, model)
    before = {skill: row.state() for skill, row in rows.items()}
    changed: dict[str, SkillState] = {}
    for item in evidence:
        row = rows.get(item.skill)
        state = changed.get(item.skill) or (row.state() if row else model.initial(item.skill))
        changed[item.skill] = apply(model, state, item)
    for skill, state in changed.items():
        row = rows.get(skill)
        if row is None:
            row = SkillMastery(enrollment_id=enrollment.id, skill=skill)
            session.add(row)
        _write(row, state, model, evidence[-1].at)
    session.flush()
    return before, changed


def _observe_held(
    session: Session,
    held: learner_state.LearnerState,
    model: MasteryModel,
    evidence: Sequence[Observation],
) -> tuple[dict[str, SkillState], dict[str, SkillState]]:
    """`observe_all` from the states the request holds (no read): the changed ones are
    written in one statement, inserted or updated."""
    before = dict(held.mastery)
    changed: dict[str, SkillState] = {}
    for item in evidence:
        state = changed.get(item.skill) or before.get(item.skill) or model.initial(item.skill)
        changed[item.skill] = apply(model, state, item)
    at = evidence[-1].at
    UPSERT.execute(
        session, [_values(held.enrollment_id, state, model, at) for state in changed.values()]
    )
    held.observed(model.name, changed)
    return before, changed


def _upsert(dialect: str) -> Any:
    statement = dialect_insert(dialect, SkillMastery.__table__)
    return statement.on_conflict_do_update(
        index_elements=["enrollment_id", "skill"],
        set_={name: statement.excluded[name] for name in _STATE_COLUMNS},
    )


UPSERT = PerDatabase(_upsert)


_STATE_COLUMNS = (
    "model",
    "mastery",
    "uncertainty",
    "answers",
    "correct",
    "last_at",
    "last_correct",
    "internals",
    "updated_at",
)


def _values(
    enrollment_id: int, state: SkillState, model: MasteryModel, now: datetime
) -> dict[str, Any]:
    return {
        "enrollment_id": enrollment_id,
        "skill": state.skill,
        "model": model.name,
        "mastery": state.mastery,
        "uncertainty": state.uncertainty,
        "answers": state.answers,
        "correct": state.correct,
        "last_at": state.last_at,
        "last_correct": state.last_correct,
        "internals": list(state.internals),
        "updated_at": now,
    }


def states_of(
    session: Session, enrollment: EnrollmentFacts, model: MasteryModel
) -> dict[str, SkillState]:
    """The cached states of one enrollment (rebuilt first if another model wrote them)."""
    rows = _rows(session, enrollment.id)
    if any(row.model != model.name for row in rows.values()):
        return rebuild(session, enrollment, model)
    return {skill: row.state() for skill, row in rows.items()}


def replay_evidence(model: MasteryModel, evidence: Iterable[Observation]) -> dict[str, SkillState]:
    """One learner's states after their evidence in order (answers and study steps)."""
    states: dict[str, SkillState] = {}
    for item in evidence:
        state = states.get(item.skill) or model.initial(item.skill)
        states[item.skill] = apply(model, state, item)
    return states


def rebuild(
    session: Session, enrollment: EnrollmentFacts, model: MasteryModel
) -> dict[str, SkillState]:
    """Recompute one enrollment's states from its events and replace the cached rows."""
    steps = published_steps(session, enrollment.assignment.version)
    states = replay_evidence(model, observations(events.events_of(session, [enrollment.id]), steps))
    session.execute(delete(SkillMastery).where(SkillMastery.enrollment_id == enrollment.id))
    now = utcnow()
    for state in states.values():
        row = SkillMastery(enrollment_id=enrollment.id, skill=state.skill)
        _write(row, state, model, state.last_at or now)
        session.add(row)
    session.flush()
    held = learner_state.held(session, enrollment.id)
    if held is not None:
        held.remastered(model.name, states)
    else:
        learner_state.forget(session, enrollment.id)
    return states


def stored_states(session: Session, enrollment_id: int) -> dict[str, tuple[str, SkillState]]:
    """The cached states of one enrollment with the model that wrote each (columns only)."""
    table = SkillMastery.__table__
    rows = session.execute(
        select(
            table.c.skill,
            table.c.model,
            table.c.mastery,
            table.c.uncertainty,
            table.c.answers,
            table.c.correct,
            table.c.last_at,
            table.c.last_correct,
            table.c.internals,
        ).where(table.c.enrollment_id == enrollment_id)
    )
    return {
        r.skill: (
            r.model,
            SkillState(
                r.skill,
                r.mastery,
                r.uncertainty,
                r.answers,
                r.correct,
                r.last_at,
                r.last_correct,
                tuple(r.internals or ()),
            ),
        )
        for r in rows
    }


def rebuild_all(session: Session, model: MasteryModel) -> int:
    """Rebuild every enrollment's states; the number of enrollments."""
    enrollments = list(session.scalars(select(Enrollment).order_by(Enrollment.id)))
    for enrollment in enrollments:
        rebuild(session, enrollment, model)
    return len(enrollments)


def mastery_by_learner(
    session: Session, enrollment_ids: Iterable[int]
) -> dict[int, dict[str, float]]:
    """Mastery probability per enrollment and skill, for dashboards (one query; skills
    without evidence are absent)."""
    ids = list(enrollment_ids)
    result: dict[int, dict[str, float]] = {i: {} for i in ids}
    if not ids:
        return result
    for enrollment_id, skill, value in session.execute(
        select(SkillMastery.enrollment_id, SkillMastery.skill, SkillMastery.mastery).where(
            SkillMastery.enrollment_id.in_(ids)
        )
    ):
        result[enrollment_id][skill] = value
    return result


def logged_responses(session: Session) -> list[Response]:
    """Every checkpoint and diagnostic answer in the database, in time order per learner
    (one learner per enrollment), for fitting the model to this tool's own learners."""
    responses: list[Response] = []
    enrollments = list(session.scalars(select(Enrollment).order_by(Enrollment.id)))
    for enrollment in enrollments:
        rows = [
            e
            for e in events.events_of(session, [enrollment.id])
            if e.kind in (events.CHECKPOINT, events.DIAGNOSTIC)
        ]
        if not rows:
            continue
        steps = published_steps(session, enrollment.assignment.version)
        for item in observations(rows, steps):
            if item.correct is not None:
                responses.append(Response(str(enrollment.id), item.skill, item.correct, item.at))
    return responses
