"""The class dashboard's read model: every learner's status on one assignment.

It reads a fixed number of queries whatever the class size: a few columns of the path, the
roster, and each learner's progress summary, stored with their learner state at the commit of
each of their events (paths/class_progress.py), in one query that also counts their events.
A learner whose summary is missing or out of date is read from their events instead (two
more queries: finished steps and last activity grouped per learner, then the checkpoint
attempts' two JSON fields). Each learner's state is derived from that in memory.

Status rules, in the order they are checked (the page shows them to teachers):
- done: every required step is finished;
- not started: no progress yet;
- stuck: the latest two or more attempts at a checkpoint failed, with no pass since;
- behind: no activity for 7 days, or progress is more than 10 points below the pace
  the due date or the weekly pacing target asks for;
- on track: otherwise.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cached_property
from itertools import repeat
from types import MappingProxyType
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Select, case, false, func, select
from sqlalchemy.orm import Session

from paths import learner_state
from paths import progress as events
from paths.catalog import CHECKPOINT_KIND, PathVersion
from paths.class_progress import ClassProgress, LatestAttempt, read_summary
from paths.competencies.models import Competency, CompetencyAlignment, Framework
from paths.db import as_utc
from paths.enrollment import Assignment, Enrollment
from paths.people import LEARNER, Membership, User
from paths.published import PublishedStep, published_steps
from paths.skill_names import SkillNames, skill_names
from paths.study.up_next import is_required
from paths.version_cache import caches_of, version_key

DONE, NOT_STARTED, STUCK, BEHIND, ON_TRACK = "done", "not_started", "stuck", "behind", "on_track"
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


class _Enrolled(NamedTuple):
    id: int
    created_at: datetime


class _Answers(dict[str | None, tuple[bool, ...]]):
    """Right or wrong per question by the JSON text of an attempt's answers: a class's
    attempts repeat the same few texts, so each is parsed once per page."""

    def __missing__(self, text: str | None) -> tuple[bool, ...]:
        value = self[text] = tuple(json.loads(text)) if text else ()
        return value


@dataclass(frozen=True)
class LearnerRow:
    """A learner's line of the dashboard. What every learner needs (status, progress) is
    worked out for the whole class; the rest only for the rows a page shows or the CSV
    writes, when first read."""

    member: RosterMember
    enrollment_id: int | None
    status: str
    percent: int
    last_activity: datetime | None
    failed_checkpoints: tuple[str, ...]
    progress: StepMarks = field(repr=False, compare=False)
    facts: PathFacts = field(repr=False, compare=False)

    @cached_property
    def minutes_spent(self) -> int:
        """The estimated minutes of the steps studied (not those tested out of)."""
        studied = self.progress.finished & ~self.progress.tested_out
        return sum(self.facts.minutes[key] for key in self.facts.keys_in(studied))

    @cached_property
    def skills(self) -> dict[str, float | None]:
        return _skill_scores(self.facts, self.progress)

    @property
    def skill_percents(self) -> tuple[int | None, ...]:
        """The skill results as whole percentages, in the order of the class's skills."""
        return tuple(
            None if share is None else round(share * 100) for share in self.skills.values()
        )

    @property
    def cells(self) -> str:
        """The heat map row, one symbol per step (computed only for rows shown)."""
        return _cells(self.facts, self.progress, self.failed_checkpoints)


class StepMarks(NamedTuple):
    """A learner's progress as the dashboard holds it for the whole class: the path's steps
    finished and tested out as bits (bit i is the path's step i: a few integers per learner
    instead of sets of keys, and a count of finished required steps is one `&`), the latest
    attempt at each of the path's checkpoints, first attempted first, the checkpoints not
    passed in that order, whether one of them failed twice running, and the last activity.
    Steps and checkpoints the path no longer has (it was changed) say nothing now."""

    finished: int = 0
    tested_out: int = 0
    checkpoints: Mapping[str, LatestAttempt] = MappingProxyType({})
    last_activity: datetime | None = None
    failed: tuple[str, ...] = ()  # checkpoints whose latest attempt failed, never finished
    failed_twice: bool = False  # one of them failed twice running: the learner is stuck


@dataclass(frozen=True)
class CompetencyColumn:
    """A competency the path's skills are aligned to; its mastery is derived from theirs."""

    competency_id: int
    code: str | None
    statement: str
    framework: str
    skills: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.code or self.statement

    def mastery(self, row: LearnerRow) -> float | None:
        """The mean of the learner's results on the aligned skills they have a result in;
        None while they have none."""
        known = [row.skills[s] for s in self.skills if row.skills.get(s) is not None]
        return sum(known) / len(known) if known else None  # type: ignore[arg-type]

    def percent(self, row: LearnerRow) -> int | None:
        share = self.mastery(row)
        return None if share is None else round(share * 100)


class StepColumn(NamedTuple):
    """A step as the heat map's column header names it: its number and its title."""

    number: int
    key: str
    title: str
    kind: str


@dataclass(frozen=True)
class ClassView:
    keys: tuple[str, ...]  # the path's steps, in order
    skills: tuple[str, ...]
    rows: tuple[LearnerRow, ...]
    competencies: tuple[CompetencyColumn, ...] = ()
    steps: tuple[StepColumn, ...] = ()
    # checkpoint key -> each question's prompt, in order
    questions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    titles: Mapping[str, str] = field(default_factory=dict)  # step key -> title
    skill_names: SkillNames = field(default_factory=SkillNames)  # skill key -> label

    def failed_titles(self, row: LearnerRow) -> tuple[str, ...]:
        """The checkpoints a learner has not passed, by the titles the teacher gave them."""
        return tuple(self.titles.get(k, k) for k in row.failed_checkpoints)

    @cached_property
    def attention(self) -> tuple[LearnerRow, ...]:
        return tuple(r for r in self.rows if r.status in (STUCK, BEHIND))

    @cached_property
    def counts(self) -> Counter[str]:
        """Learners per status, counted once for the page."""
        return Counter(r.status for r in self.rows)

    def count(self, status: str) -> int:
        return self.counts[status]


def class_roster(
    session: Session, course_id: int | None, assignment: Assignment
) -> list[RosterMember]:
    """Learners of the course who launched Selfpath, and anyone enrolled on the assignment."""
    enrolled = select(Enrollment.user_id).where(Enrollment.assignment_id == assignment.id)
    in_course = select(Membership.user_id).where(
        Membership.course_id == course_id, Membership.role == LEARNER
    )
    people = select(User.id, User.subject, User.name).where(
        User.id.in_(enrolled) | (User.id.in_(in_course) if course_id is not None else false())
    )
    return [
        RosterMember(subject, name, user_id) for user_id, subject, name in session.execute(people)
    ]


def class_view(
    session: Session, assignment: Assignment, roster: Sequence[RosterMember], now: datetime
) -> ClassView:
    facts = PathFacts.of(session, assignment.version)
    enrollments = {
        user_id: _Enrolled(enrollment_id, as_utc(created) or assignment.created_at)
        for enrollment_id, user_id, created in session.execute(
            select(Enrollment.id, Enrollment.user_id, Enrollment.created_at).where(
                Enrollment.assignment_id == assignment.id
            )
        )
    }
    enrolled = {e.id for e in enrollments.values()}
    progress = _progress_by_enrollment(session, assignment.id, enrolled, facts)
    rows = [
        _row(
            m,
            enrollments.get(m.user_id) if m.user_id else None,
            progress,
            facts,
            assignment,
            now,
        )
        for m in roster
    ]
    rows.sort(
        key=lambda r: (
            ATTENTION_ORDER[r.status],
            (r.member.name or "").casefold(),
            r.member.subject,
        )
    )
    return ClassView(
        keys=facts.keys,
        skills=facts.skills,
        rows=tuple(rows),
        competencies=_competency_columns(
            session.execute(_alignments(assignment.path_version_id)).all()
        ),
        steps=facts.columns,
        questions=facts.prompts,
        titles=facts.titles,
        skill_names=skill_names(session, assignment.version),
    )


def _competency_columns(rows: Sequence[Any]) -> tuple[CompetencyColumn, ...]:
    """One column per aligned competency, in the author's order."""
    columns: dict[int, CompetencyColumn] = {}
    for skill, competency_id, code, statement, framework in rows:
        column = columns.get(competency_id)
        skills = (*column.skills, skill) if column else (skill,)
        columns[competency_id] = CompetencyColumn(
            competency_id, code, statement, framework, tuple(dict.fromkeys(skills))
        )
    return tuple(columns.values())


def _alignments(version_id: int) -> Select[Any]:
    """The version's alignments with their competency, in the author's order: read on every
    page, since a framework's import can reword its competencies."""
    return (
        select(
            CompetencyAlignment.skill,
            Competency.id,
            Competency.code,
            Competency.statement,
            Framework.title,
        )
        .join(Competency, Competency.id == CompetencyAlignment.competency_id)
        .join(Framework, Framework.id == Competency.framework_id)
        .where(CompetencyAlignment.version_id == version_id)
        .order_by(CompetencyAlignment.position, CompetencyAlignment.id)
    )


def _progress_by_enrollment(
    session: Session, assignment_id: int, enrolled: set[int], facts: PathFacts
) -> dict[int, StepMarks]:
    """Each learner's progress from the summary stored with their state (one query); the
    learners without a current one, from the class's events (two more)."""
    by_enrollment = _stored_summaries(session, assignment_id, facts)
    missing = enrolled - by_enrollment.keys()
    if missing:
        listed = missing if len(missing) <= LISTED_AT_MOST else None
        from_events = _progress_from_events(session, assignment_id, listed)
        by_enrollment.update((e, facts.marks(p)) for e, p in from_events.items())
    return by_enrollment


LISTED_AT_MOST = 500  # learners read from their events by id; more, and the whole class
_STATES = learner_state.TABLE
_EVENT_COUNT = (
    select(func.count())
    .select_from(events.EVENTS)
    .where(events.EVENTS.c.enrollment_id == _STATES.c.enrollment_id)
    .scalar_subquery()
)


def _stored_summaries(
    session: Session, assignment_id: int, facts: PathFacts
) -> dict[int, StepMarks]:
    """The summaries that account for every event of their learner and whose checksum
    holds, each read into marks on the path at once: a stale or damaged one is left out,
    and read from the events instead."""
    found = {}
    rows = session.execute(
        select(
            _STATES.c.enrollment_id,
            _STATES.c.events,
            _STATES.c.summary,
            _STATES.c.summary_checksum,
            _EVENT_COUNT,
        )
        .join(Enrollment, Enrollment.id == _STATES.c.enrollment_id)
        .where(Enrollment.assignment_id == assignment_id, _STATES.c.summary.is_not(None))
    )
    for enrollment_id, counted, text, checksum, actual in rows:
        if counted == actual and (summary := read_summary(counted, text, checksum)):
            found[enrollment_id] = facts.marks(summary)
    return found


def _progress_from_events(
    session: Session, assignment_id: int, only: set[int] | None
) -> dict[int, ClassProgress]:
    """Two queries over the events of the class (or of the learners `only`): per learner,
    the last activity and the finished and tested-out keys (one string each); then every
    checkpoint attempt, each learner's in the order they happened, folded into the latest
    attempt per checkpoint."""
    by_enrollment: dict[int, ClassProgress] = defaultdict(ClassProgress)
    for enrollment_id, last, completed, tested_out in session.execute(
        _of_learners(_summaries(assignment_id), only)
    ):
        state = by_enrollment[enrollment_id]
        state.last_activity = as_utc(last)
        if completed:
            state.finished.update(completed.split("\n"))
        if tested_out:
            state.tested_out.update(tested_out.split("\n"))
            state.finished |= state.tested_out
    latest: dict[int, dict[str, tuple[bool, bool, str | None]]] = defaultdict(dict)
    for enrollment_id, key, passed, answers in session.execute(
        _of_learners(_attempts(assignment_id), only)
    ):
        tries = latest[enrollment_id]
        before = tries.get(key)  # replacing it keeps its place: first attempted
        tries[key] = (bool(passed), not passed and before is not None and not before[0], answers)
        if passed:
            by_enrollment[enrollment_id].finished.add(key)
    parsed = _Answers()  # only each latest attempt's answers are read
    for enrollment_id, tries in latest.items():
        by_enrollment[enrollment_id].checkpoints = {
            key: LatestAttempt(passed, twice, parsed[answers])
            for key, (passed, twice, answers) in tries.items()
        }
    return by_enrollment


def _of_learners(statement: Select[Any], only: set[int] | None) -> Select[Any]:
    if only is None:
        return statement
    return statement.where(events.ProgressEvent.enrollment_id.in_(sorted(only)))


def _summaries(assignment_id: int) -> Select[Any]:
    event = events.ProgressEvent

    def keys_of(kind: str) -> ColumnElement[str]:
        return func.aggregate_strings(case((event.kind == kind, event.step_key)), "\n")

    return (
        select(
            event.enrollment_id,
            func.max(event.at),
            keys_of(events.COMPLETED),
            keys_of(events.TESTED_OUT),
        )
        .join(Enrollment, Enrollment.id == event.enrollment_id)
        .where(Enrollment.assignment_id == assignment_id)
        .group_by(event.enrollment_id)
    )


def _attempts(assignment_id: int) -> Select[Any]:
    """The class's checkpoint attempts, each learner's oldest first: passed (1 or 0) and the
    answers as JSON text, the only payload fields read. (Measured faster on PostgreSQL and
    SQLite than ranking the attempts with window functions, and its plan stays a merge
    join without table statistics.)"""
    event = events.ProgressEvent
    return (
        select(
            event.enrollment_id,
            event.step_key,
            case((event.payload["passed"].as_boolean(), 1), else_=0),
            event.payload["correct"].as_string(),
        )
        .join(Enrollment, Enrollment.id == event.enrollment_id)
        .where(Enrollment.assignment_id == assignment_id, event.kind == events.CHECKPOINT)
        .order_by(event.enrollment_id, event.at, event.id)
    )


@dataclass(frozen=True)
class PathFacts:
    """What every learner's row needs from the path: a few columns of its steps and of its
    checkpoints' questions, not the ORM entities. A published version never changes, so
    they are worked out once per application (paths/version_cache.py)."""

    keys: tuple[str, ...]
    titles: dict[str, str]
    required: frozenset[str]
    minutes: dict[str, int]
    skills_of: dict[str, tuple[str, ...]]
    question_skills: dict[str, tuple[str | None, ...]]  # checkpoint key -> skill per question
    columns: tuple[StepColumn, ...] = ()
    prompts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    skills: tuple[str, ...] = ()  # every skill of the path, sorted

    @cached_property
    def bits(self) -> dict[str, int]:
        """Each step's bit in a learner's marks, in the path's order."""
        return {key: 1 << number for number, key in enumerate(self.keys)}

    @cached_property
    def required_bits(self) -> int:
        return sum(self.bits[key] for key in self.required)

    def marks(self, progress: ClassProgress) -> StepMarks:
        bits, asked = self.bits, self.question_skills
        finished = sum(map(bits.get, progress.finished, repeat(0)))
        checkpoints = {k: a for k, a in progress.checkpoints.items() if k in asked}
        failed = [k for k, a in checkpoints.items() if not a.passed and not finished & bits[k]]
        return StepMarks(
            finished,
            sum(map(bits.get, progress.tested_out, repeat(0))),
            checkpoints,
            progress.last_activity,
            tuple(failed),
            bool(failed) and any(checkpoints[k].failed_twice for k in failed),
        )

    def keys_in(self, marks: int) -> Iterator[str]:
        """The path's steps whose bits `marks` has, in order."""
        return (key for key, bit in self.bits.items() if marks & bit)

    @classmethod
    def of(cls, session: Session, version: PathVersion) -> PathFacts:
        return caches_of(session).dashboards.get(
            version_key(version), lambda: cls.build(published_steps(session, version))
        )

    @classmethod
    def build(cls, steps: Sequence[PublishedStep]) -> PathFacts:
        skills_of = {s.key: tuple(s.skills) for s in steps}
        checkpoints = [s for s in steps if s.kind == CHECKPOINT_KIND]
        return cls(
            keys=tuple(s.key for s in steps),
            titles={s.key: s.title for s in steps},
            required=frozenset(s.key for s in steps if is_required(s)),
            minutes={s.key: s.minutes for s in steps},
            skills_of=skills_of,
            question_skills={
                s.key: tuple(q.skill or next(iter(skills_of[s.key]), None) for q in s.questions)
                for s in checkpoints
            },
            columns=tuple(
                StepColumn(n, s.key, s.title, s.kind) for n, s in enumerate(steps, start=1)
            ),
            prompts={s.key: tuple(q.prompt or "" for q in s.questions) for s in checkpoints},
            skills=tuple(sorted({skill for s in steps for skill in s.skills})),
        )


def _row(
    member: RosterMember,
    enrollment: _Enrolled | None,
    progress: dict[int, StepMarks],
    facts: PathFacts,
    assignment: Assignment,
    now: datetime,
) -> LearnerRow:
    marks = (progress.get(enrollment.id) if enrollment else None) or NO_MARKS
    finished_required = (facts.required_bits & marks.finished).bit_count()
    percent = round(100 * finished_required / len(facts.required)) if facts.required else 100
    all_done = finished_required == len(facts.required)
    status = _status(marks, percent, all_done, assignment, enrollment, now)
    return LearnerRow(
        member=member,
        enrollment_id=enrollment.id if enrollment else None,
        status=status,
        percent=percent,
        last_activity=marks.last_activity,
        failed_checkpoints=marks.failed,
        progress=marks,
        facts=facts,
    )


NO_MARKS = StepMarks()


def _status(
    marks: StepMarks,
    percent: int,
    all_done: bool,
    assignment: Assignment,
    enrollment: _Enrolled | None,
    now: datetime,
) -> str:
    if marks.last_activity is None:
        return NOT_STARTED
    if all_done:
        return DONE
    if marks.failed_twice:
        return STUCK
    if now - marks.last_activity > INACTIVE_AFTER:
        return BEHIND
    expected = _expected_percent(assignment, enrollment, now)
    if expected is not None and percent < expected - 10:
        return BEHIND
    return ON_TRACK


def _expected_percent(
    assignment: Assignment, enrollment: _Enrolled | None, now: datetime
) -> float | None:
    if assignment.due_at is None or enrollment is None:
        return None
    start = min(assignment.created_at, enrollment.created_at)
    total = (assignment.due_at - start).total_seconds()
    if total <= 0:
        return 100.0
    return max(0.0, min(100.0, 100 * (now - start).total_seconds() / total))


def _cells(facts: PathFacts, marks: StepMarks, failed: tuple[str, ...]) -> str:
    if not marks.finished and not failed:
        return CELL_TODO * len(facts.keys)
    return "".join(
        CELL_TESTED_OUT
        if marks.tested_out & bit
        else CELL_DONE
        if marks.finished & bit
        else CELL_FAILED
        if key in failed
        else CELL_TODO
        for key, bit in facts.bits.items()
    )


def _skill_scores(facts: PathFacts, state: StepMarks) -> dict[str, float | None]:
    """Per skill, the share of checkpoint questions right in each checkpoint's latest
    attempt; a skill the learner tested out of counts as mastered."""
    right: dict[str, int] = defaultdict(int)
    asked: dict[str, int] = defaultdict(int)
    for key, checkpoint in state.checkpoints.items():
        for skill, correct in zip(
            facts.question_skills.get(key, ()), checkpoint.correct, strict=False
        ):
            if skill:
                asked[skill] += 1
                right[skill] += int(bool(correct))
    tested = {s for key in facts.keys_in(state.tested_out) for s in facts.skills_of[key]}
    return {
        skill: (right[skill] / asked[skill] if asked[skill] else (1.0 if skill in tested else None))
        for skill in facts.skills
    }
