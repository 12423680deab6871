"""The class dashboard's read model: every learner's status on one assignment.

It reads a fixed number of queries whatever the class size (the path, the roster,
and all progress events in one pass) and derives each learner's state in memory.

Status rules, in the order they are checked (the page shows them to teachers):
- done: every required step is finished;
- not started: no progress yet;
- stuck: the latest two or more attempts at a checkpoint failed, with no pass since;
- behind: no activity for 7 days, or progress is more than 10 points below the pace
  the due date or the weekly pacing target asks for;
- on track: otherwise.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from paths import progress as events
from paths.catalog import PathVersion, Step
from paths.enrollment import Assignment, Enrollment
from paths.people import LEARNER, Membership, User
from paths.recommend import is_required

DONE, NOT_STARTED, STUCK, BEHIND, ON_TRACK = "done", "not_started", "stuck", "behind", \
    "on_track"
ATTENTION_ORDER = {STUCK: 0, BEHIND: 1, NOT_STARTED: 2, ON_TRACK: 3, DONE: 4}
INACTIVE_AFTER = timedelta(days=7)
CELL_DONE, CELL_TESTED_OUT, CELL_FAILED, CELL_TODO = "done", "tested_out", "failed", "todo"


@dataclass(frozen=True)
class RosterMember:
    """A person of the class: known to Selfpath (user_id) or only to the LMS roster."""

    subject: str
    name: str | None
    user_id: int | None = None
    lms_status: str = "Active"


@dataclass
class _Progress:
    finished: set[str] = field(default_factory=set)
    tested_out: set[str] = field(default_factory=set)
    attempts: dict[str, list[tuple[bool, list[bool]]]] = field(default_factory=dict)
    last_activity: datetime | None = None


@dataclass(frozen=True)
class LearnerRow:
    member: RosterMember
    enrollment_id: int | None
    status: str
    percent: int
    minutes_spent: int
    last_activity: datetime | None
    cells: tuple[str, ...]
    skills: dict[str, float | None]
    failed_checkpoints: tuple[str, ...]


@dataclass(frozen=True)
class ClassView:
    version: PathVersion
    steps: tuple[Step, ...]
    skills: tuple[str, ...]
    rows: tuple[LearnerRow, ...]

    @property
    def attention(self) -> tuple[LearnerRow, ...]:
        return tuple(r for r in self.rows if r.status in (STUCK, BEHIND))

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)


def class_roster(session: Session, course_id: int | None, assignment: Assignment
                 ) -> list[RosterMember]:
    """Learners of the course who launched Selfpath, and anyone enrolled on the assignment."""
    rows: dict[int, RosterMember] = {}
    if course_id is not None:
        for user in session.scalars(select(User).join(Membership).where(
                Membership.course_id == course_id, Membership.role == LEARNER)):
            rows[user.id] = RosterMember(user.subject, user.name, user.id)
    for user in session.scalars(select(User).join(Enrollment).where(
            Enrollment.assignment_id == assignment.id)):
        rows.setdefault(user.id, RosterMember(user.subject, user.name, user.id))
    return list(rows.values())


def class_view(session: Session, assignment: Assignment, roster: Sequence[RosterMember],
               now: datetime) -> ClassView:
    version = session.scalars(select(PathVersion).where(
        PathVersion.id == assignment.path_version_id).options(
        selectinload(PathVersion.steps).selectinload(Step.questions))).one()
    steps = tuple(version.steps)
    enrollments = {e.user_id: e for e in session.scalars(
        select(Enrollment).where(Enrollment.assignment_id == assignment.id))}
    progress = _progress_by_enrollment(session, assignment.id)
    skills = tuple(sorted({s for step in steps for s in step.skills}))
    rows = [_row(m, enrollments.get(m.user_id) if m.user_id else None, progress, steps,
                 skills, assignment, now) for m in roster]
    rows.sort(key=lambda r: (ATTENTION_ORDER[r.status], (r.member.name or "").casefold(),
                             r.member.subject))
    return ClassView(version=version, steps=steps, skills=skills, rows=tuple(rows))


def _progress_by_enrollment(session: Session, assignment_id: int) -> dict[int, _Progress]:
    query = select(events.ProgressEvent.enrollment_id, events.ProgressEvent.kind,
                   events.ProgressEvent.step_key, events.ProgressEvent.payload,
                   events.ProgressEvent.at).join(Enrollment).where(
        Enrollment.assignment_id == assignment_id).order_by(
        events.ProgressEvent.at, events.ProgressEvent.id)
    by_enrollment: dict[int, _Progress] = defaultdict(_Progress)
    for enrollment_id, kind, key, payload, at in session.execute(query):
        state = by_enrollment[enrollment_id]
        state.last_activity = at
        if kind in (events.COMPLETED, events.TESTED_OUT):
            state.finished.add(key)
            if kind == events.TESTED_OUT:
                state.tested_out.add(key)
        elif kind == events.CHECKPOINT:
            passed = bool(payload.get("passed"))
            state.attempts.setdefault(key, []).append((passed, list(payload.get("correct", []))))
            if passed:
                state.finished.add(key)
    return by_enrollment


def _row(member: RosterMember, enrollment: Enrollment | None,
         progress: dict[int, _Progress], steps: tuple[Step, ...], skills: tuple[str, ...],
         assignment: Assignment, now: datetime) -> LearnerRow:
    state = progress.get(enrollment.id) if enrollment else None
    state = state or _Progress()
    required = [s for s in steps if is_required(s)]
    finished_required = sum(1 for s in required if s.key in state.finished)
    percent = round(100 * finished_required / len(required)) if required else 100
    failed = tuple(k for k, tries in state.attempts.items()
                   if tries and not tries[-1][0] and k not in state.finished)
    minutes = sum(s.minutes for s in steps if s.key in state.finished - state.tested_out)
    status = _status(state, percent, len(required) == finished_required, assignment,
                     enrollment, now)
    return LearnerRow(
        member=member, enrollment_id=enrollment.id if enrollment else None, status=status,
        percent=percent, minutes_spent=minutes, last_activity=state.last_activity,
        cells=tuple(_cell(s.key, state, failed) for s in steps),
        skills=_skill_scores(steps, skills, state), failed_checkpoints=failed)


def _status(state: _Progress, percent: int, all_done: bool, assignment: Assignment,
            enrollment: Enrollment | None, now: datetime) -> str:
    if state.last_activity is None:
        return NOT_STARTED
    if all_done:
        return DONE
    if any(len(t) >= 2 and not t[-1][0] and not t[-2][0] for k, t in state.attempts.items()
           if k not in state.finished):
        return STUCK
    if now - state.last_activity > INACTIVE_AFTER:
        return BEHIND
    expected = _expected_percent(assignment, enrollment, now)
    if expected is not None and percent < expected - 10:
        return BEHIND
    return ON_TRACK


def _expected_percent(assignment: Assignment, enrollment: Enrollment | None,
                      now: datetime) -> float | None:
    if assignment.due_at is None or enrollment is None:
        return None
    start = min(assignment.created_at, enrollment.created_at)
    total = (assignment.due_at - start).total_seconds()
    if total <= 0:
        return 100.0
    return max(0.0, min(100.0, 100 * (now - start).total_seconds() / total))


def _cell(key: str, state: _Progress, failed: tuple[str, ...]) -> str:
    if key in state.tested_out:
        return CELL_TESTED_OUT
    if key in state.finished:
        return CELL_DONE
    return CELL_FAILED if key in failed else CELL_TODO


def _skill_scores(steps: tuple[Step, ...], skills: tuple[str, ...],
                  state: _Progress) -> dict[str, float | None]:
    """Per skill, the share of checkpoint questions right in each checkpoint's latest
    attempt; a skill the learner tested out of counts as mastered."""
    right: dict[str, int] = defaultdict(int)
    asked: dict[str, int] = defaultdict(int)
    for step in steps:
        tries = state.attempts.get(step.key)
        if not step.is_checkpoint or not tries:
            continue
        for question, correct in zip(step.questions, tries[-1][1], strict=False):
            skill = question.skill or (step.skills[0] if step.skills else None)
            if skill:
                asked[skill] += 1
                right[skill] += int(bool(correct))
    tested = {s for step in steps if step.key in state.tested_out for s in step.skills}
    return {skill: (right[skill] / asked[skill] if asked[skill] else
                    (1.0 if skill in tested else None)) for skill in skills}
