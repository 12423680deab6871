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

from sqlalchemy import false, func, select
from sqlalchemy.orm import Session, selectinload

from paths import progress as events
from paths.catalog import PathVersion, Step
from paths.db import as_utc
from paths.enrollment import Assignment, Enrollment
from paths.people import LEARNER, Membership, User
from paths.recommend import is_required

DONE, NOT_STARTED, STUCK, BEHIND, ON_TRACK = "done", "not_started", "stuck", "behind", \
    "on_track"
ATTENTION_ORDER = {STUCK: 0, BEHIND: 1, NOT_STARTED: 2, ON_TRACK: 3, DONE: 4}
INACTIVE_AFTER = timedelta(days=7)
# One symbol per step in the heat map: done, tested out, checkpoint not passed, to do.
CELL_DONE, CELL_TESTED_OUT, CELL_FAILED, CELL_TODO = "■", "□", "✗", "·"


@dataclass(frozen=True)
class RosterMember:
    """A person of the class: known to Selfpath (user_id) or only to the LMS roster."""

    subject: str
    name: str | None
    user_id: int | None = None
    lms_status: str = "Active"


@dataclass(frozen=True)
class _Enrolled:
    id: int
    created_at: datetime


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
    skills: dict[str, float | None]
    failed_checkpoints: tuple[str, ...]
    progress: _Progress = field(repr=False, compare=False)
    keys: tuple[str, ...] = field(repr=False, compare=False)

    @property
    def cells(self) -> str:
        """The heat map row, one symbol per step (computed only for rows shown)."""
        return _cells(self.keys, self.progress, set(self.failed_checkpoints))


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
    enrolled = select(Enrollment.user_id).where(Enrollment.assignment_id == assignment.id)
    in_course = select(Membership.user_id).where(Membership.course_id == course_id,
                                                 Membership.role == LEARNER)
    people = select(User.id, User.subject, User.name).where(
        User.id.in_(enrolled) | (User.id.in_(in_course) if course_id is not None
                                 else false()))
    return [RosterMember(subject, name, user_id)
            for user_id, subject, name in session.execute(people)]


def class_view(session: Session, assignment: Assignment, roster: Sequence[RosterMember],
               now: datetime) -> ClassView:
    version = session.scalars(select(PathVersion).where(
        PathVersion.id == assignment.path_version_id).options(
        selectinload(PathVersion.steps).selectinload(Step.questions))).one()
    steps = tuple(version.steps)
    enrollments = {user_id: _Enrolled(enrollment_id, as_utc(created) or assignment.created_at)
                   for enrollment_id, user_id, created in session.execute(
                       select(Enrollment.id, Enrollment.user_id, Enrollment.created_at).where(
                           Enrollment.assignment_id == assignment.id))}
    progress = _progress_by_enrollment(session, assignment.id)
    skills = tuple(sorted({s for step in steps for s in step.skills}))
    facts = _PathFacts.of(steps)
    rows = [_row(m, enrollments.get(m.user_id) if m.user_id else None, progress, facts,
                 skills, assignment, now) for m in roster]
    rows.sort(key=lambda r: (ATTENTION_ORDER[r.status], (r.member.name or "").casefold(),
                             r.member.subject))
    return ClassView(version=version, steps=steps, skills=skills, rows=tuple(rows))


def _progress_by_enrollment(session: Session, assignment_id: int) -> dict[int, _Progress]:
    """Three grouped queries: finished keys as one string per learner and kind, the last
    activity per learner, and checkpoint attempts (the only payloads read)."""
    event = events.ProgressEvent
    mine = select(Enrollment.id).where(Enrollment.assignment_id == assignment_id)
    by_enrollment: dict[int, _Progress] = defaultdict(_Progress)
    finished = select(event.enrollment_id, event.kind,
                      func.aggregate_strings(event.step_key, "\n")).where(
        event.enrollment_id.in_(mine),
        event.kind.in_((events.COMPLETED, events.TESTED_OUT))).group_by(
        event.enrollment_id, event.kind)
    for enrollment_id, kind, keys in session.execute(finished):
        state = by_enrollment[enrollment_id]
        state.finished.update(keys.split("\n"))
        if kind == events.TESTED_OUT:
            state.tested_out.update(keys.split("\n"))
    last = select(event.enrollment_id, func.max(event.at)).where(
        event.enrollment_id.in_(mine)).group_by(event.enrollment_id)
    for enrollment_id, at in session.execute(last):
        by_enrollment[enrollment_id].last_activity = as_utc(at)
    attempts = select(event.enrollment_id, event.step_key, event.payload).where(
        event.enrollment_id.in_(mine), event.kind == events.CHECKPOINT).order_by(
        event.at, event.id)
    for enrollment_id, key, payload in session.execute(attempts):
        state = by_enrollment[enrollment_id]
        passed = bool(payload.get("passed"))
        state.attempts.setdefault(key, []).append((passed, list(payload.get("correct", []))))
        if passed:
            state.finished.add(key)
    return by_enrollment


@dataclass(frozen=True)
class _PathFacts:
    """What every learner's row needs from the path, read from the ORM once."""

    keys: tuple[str, ...]
    required: frozenset[str]
    minutes: dict[str, int]
    skills_of: dict[str, tuple[str, ...]]
    question_skills: dict[str, tuple[str | None, ...]]  # checkpoint key -> skill per question

    @classmethod
    def of(cls, steps: tuple[Step, ...]) -> _PathFacts:
        return cls(
            keys=tuple(s.key for s in steps),
            required=frozenset(s.key for s in steps if is_required(s)),
            minutes={s.key: s.minutes for s in steps},
            skills_of={s.key: tuple(s.skills) for s in steps},
            question_skills={s.key: tuple(q.skill or (s.skills[0] if s.skills else None)
                                          for q in s.questions)
                             for s in steps if s.is_checkpoint})


def _row(member: RosterMember, enrollment: _Enrolled | None,
         progress: dict[int, _Progress], facts: _PathFacts, skills: tuple[str, ...],
         assignment: Assignment, now: datetime) -> LearnerRow:
    state = progress.get(enrollment.id) if enrollment else None
    state = state or _Progress()
    finished_required = len(facts.required & state.finished)
    percent = round(100 * finished_required / len(facts.required)) if facts.required else 100
    failed = tuple(k for k, tries in state.attempts.items()
                   if tries and not tries[-1][0] and k not in state.finished)
    minutes = sum(facts.minutes.get(k, 0) for k in state.finished - state.tested_out)
    status = _status(state, percent, finished_required == len(facts.required), assignment,
                     enrollment, now)
    return LearnerRow(
        member=member, enrollment_id=enrollment.id if enrollment else None, status=status,
        percent=percent, minutes_spent=minutes, last_activity=state.last_activity,
        skills=_skill_scores(facts, skills, state), failed_checkpoints=failed,
        progress=state, keys=facts.keys)


def _status(state: _Progress, percent: int, all_done: bool, assignment: Assignment,
            enrollment: _Enrolled | None, now: datetime) -> str:
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


def _expected_percent(assignment: Assignment, enrollment: _Enrolled | None,
                      now: datetime) -> float | None:
    if assignment.due_at is None or enrollment is None:
        return None
    start = min(assignment.created_at, enrollment.created_at)
    total = (assignment.due_at - start).total_seconds()
    if total <= 0:
        return 100.0
    return max(0.0, min(100.0, 100 * (now - start).total_seconds() / total))


def _cells(keys: tuple[str, ...], state: _Progress, failed: set[str]) -> str:
    if not state.finished and not failed:
        return CELL_TODO * len(keys)
    done, tested = state.finished, state.tested_out
    return "".join([CELL_TESTED_OUT if k in tested else CELL_DONE if k in done
                    else CELL_FAILED if k in failed else CELL_TODO for k in keys])


def _skill_scores(facts: _PathFacts, skills: tuple[str, ...],
                  state: _Progress) -> dict[str, float | None]:
    """Per skill, the share of checkpoint questions right in each checkpoint's latest
    attempt; a skill the learner tested out of counts as mastered."""
    right: dict[str, int] = defaultdict(int)
    asked: dict[str, int] = defaultdict(int)
    for key, tries in state.attempts.items():
        for skill, correct in zip(facts.question_skills.get(key, ()), tries[-1][1],
                                  strict=False):
            if skill:
                asked[skill] += 1
                right[skill] += int(bool(correct))
    tested = {s for key in state.tested_out for s in facts.skills_of.get(key, ())}
    return {skill: (right[skill] / asked[skill] if asked[skill] else
                    (1.0 if skill in tested else None)) for skill in skills}
