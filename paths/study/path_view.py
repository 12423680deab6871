"""The read model of "My path": every step's state, what is next and why, time left."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from sqlalchemy.orm import Session

from paths.enrollment import EnrollmentFacts
from paths.graph import missing_prerequisites, topological_order
from paths.learning.families import make_model
from paths.learning.mastery import MasteryModel, SkillState
from paths.progress import LearnerProgress, with_minutes
from paths.published import PublishedStep
from paths.skill_names import skill_names
from paths.study.learner_path import steps_of
from paths.study.state import due_checkpoints, state_with_model
from paths.study.up_next import (
    UpNext,
    graph_for,
    is_required,
    next_step,
    try_first_checkpoints,
)
from paths.version_cache import caches_of, version_key

DONE, TESTED_OUT, AVAILABLE, LOCKED = "done", "tested_out", "available", "locked"
REVIEW_DUE = "review_due"


@dataclass(frozen=True)
class StepState:
    step: PublishedStep
    status: str
    locked_by: tuple[str, ...]  # titles of the steps that unlock it
    recommended: bool
    failed_checkpoint: bool


@dataclass(frozen=True)
class PathView:
    title: str
    description: str
    steps: tuple[StepState, ...]
    up_next: UpNext
    up_next_step: PublishedStep | None
    required_total: int
    required_finished: int
    minutes_left: int
    on_track: bool | None
    goal_minutes_per_week: int | None
    goal_target_date: date | None
    due_at: datetime | None
    progress: LearnerProgress
    mastery: Mapping[str, SkillState] = field(default_factory=dict)  # the model's, per skill

    @property
    def percent(self) -> int:
        if not self.required_total:
            return 100
        return round(100 * self.required_finished / self.required_total)


def path_view(
    session: Session, enrollment: EnrollmentFacts, now: datetime, model: MasteryModel | None = None
) -> PathView:
    """`model` is the configured learner model (default: the default family)."""
    model = model or make_model()
    steps = steps_of(session, enrollment)
    layout = layout_of(session, enrollment, steps)
    learner = state_with_model(session, enrollment, model)
    state = with_minutes(learner.progress, layout.minutes)
    by_key = layout.by_key
    due = due_checkpoints(learner, now)
    graph = graph_for(session, version_key(enrollment.assignment.version), steps)
    up_next = next_step(
        graph,
        steps,
        state,
        model=model,
        mastery=learner.mastery,
        now=now,
        due_reviews=due,
        minutes_per_week=enrollment.goal_minutes_per_week,
        due_at=due_at(enrollment),
        skill_names=skill_names(session, enrollment.assignment.version),
    )
    open_early = try_first_checkpoints(
        graph, steps, state, model=model, mastery=learner.mastery, now=now
    )
    marks = _Marks.of(state, due, up_next, open_early)
    finished = marks.finished
    required = layout.required
    left = sum(s.minutes for s in required if s.key not in finished)
    version = enrollment.assignment.version
    return PathView(
        title=version.title,
        description=version.description,
        steps=tuple(_step_state(s, marks, by_key) for s in layout.ordered),
        up_next=up_next,
        up_next_step=by_key.get(up_next.step_key or ""),
        required_total=len(required),
        required_finished=sum(1 for s in required if s.key in finished),
        minutes_left=left,
        on_track=on_track(enrollment, left, now),
        goal_minutes_per_week=enrollment.goal_minutes_per_week,
        goal_target_date=enrollment.goal_target_date,
        due_at=enrollment.assignment.due_at,
        progress=state,
        mastery=learner.mastery,
    )


@dataclass(frozen=True)
class StepLayout:
    """What a page needs of a path version's steps, worked out once per application."""

    by_key: dict[str, PublishedStep]
    ordered: tuple[PublishedStep, ...]  # in an order that honours the prerequisites
    required: tuple[PublishedStep, ...]
    minutes: dict[str, int]


def layout_of(
    session: Session, enrollment: EnrollmentFacts, steps: list[PublishedStep]
) -> StepLayout:
    def build() -> StepLayout:
        by_key = {s.key: s for s in steps}
        return StepLayout(
            by_key,
            tuple(by_key[k] for k in topological_order(steps)),
            tuple(s for s in steps if is_required(s)),
            {s.key: s.minutes for s in steps},
        )

    return caches_of(session).layouts.get(version_key(enrollment.assignment.version), build)


def due_at(enrollment: EnrollmentFacts) -> datetime | None:
    """The earlier of the teacher's due date and the end of the learner's target date."""
    dates = [enrollment.assignment.due_at]
    if enrollment.goal_target_date is not None:
        dates.append(datetime.combine(enrollment.goal_target_date, time.max, tzinfo=UTC))
    known = [d for d in dates if d is not None]
    return min(known) if known else None


@dataclass(frozen=True)
class _Marks:
    """The learner's step sets, worked out once per page rather than once per step."""

    passed: frozenset[str]
    studied: frozenset[str]  # completed or passed
    tested_out: frozenset[str]
    finished: frozenset[str]
    failed_last: frozenset[str]
    due: frozenset[str]
    up_next: str | None
    open_early: frozenset[str]  # checkpoints the learner may try before their unit's steps

    @classmethod
    def of(
        cls, state: LearnerProgress, due: list[str], up_next: UpNext, open_early: set[str]
    ) -> _Marks:
        passed = frozenset(state.passed)
        return cls(
            passed,
            frozenset(state.completed | passed),
            frozenset(state.tested_out),
            frozenset(state.completed | state.tested_out | passed),
            frozenset(state.failed_last),
            frozenset(due),
            up_next.step_key,
            frozenset(open_early),
        )


def _step_state(step: PublishedStep, marks: _Marks, by_key: dict[str, PublishedStep]) -> StepState:
    key = step.key
    if key in marks.due and key in marks.passed:
        return StepState(step, REVIEW_DUE, (), marks.up_next == key, False)
    if key in marks.tested_out and key not in marks.studied:
        status = TESTED_OUT
    elif key in marks.finished:
        status = DONE
    else:
        missing = [] if key in marks.open_early else missing_prerequisites(step, marks.finished)
        status = LOCKED if missing else AVAILABLE
        return StepState(
            step,
            status,
            tuple(by_key[k].title for k in missing),
            marks.up_next == key,
            key in marks.failed_last,
        )
    return StepState(step, status, (), False, False)


def on_track(enrollment: EnrollmentFacts, minutes_left: int, now: datetime) -> bool | None:
    """Whether the weekly goal covers the work left before the target (or due) date."""
    weekly = enrollment.goal_minutes_per_week
    target = enrollment.goal_target_date or (
        enrollment.assignment.due_at.date() if enrollment.assignment.due_at else None
    )
    if not weekly or target is None:
        return None
    if minutes_left == 0:
        return True
    days = (target - now.date()).days
    if days <= 0:
        return False
    return minutes_left <= weekly * days / 7
