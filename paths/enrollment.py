"""Assignments (a path version placed on an LMS activity) and learners' enrollments."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, Protocol, cast

from sqlalchemy import (
    Date,
    ForeignKey,
    Integer,
    Select,
    String,
    Table,
    UniqueConstraint,
    and_,
    bindparam,
    func,
    select,
)
from sqlalchemy.orm import Mapped, Session, joinedload, mapped_column, relationship

from paths import learner_state
from paths.catalog import LearningPath, PathVersion
from paths.db import Base, UtcDateTime, insert_if_absent, insert_or_get, utcnow
from paths.people import Activity, User

COMPLETION = "completion"
MASTERY = "mastery"


class Assignment(Base):
    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), unique=True
    )
    path_version_id: Mapped[int] = mapped_column(ForeignKey("path_versions.id"))
    grading: Mapped[str] = mapped_column(String(16), default=COMPLETION)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    pacing_minutes_per_week: Mapped[int | None] = mapped_column(Integer)
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    version: Mapped[PathVersion] = relationship()


class Enrollment(Base):
    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("assignment_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    goal_minutes_per_week: Mapped[int | None] = mapped_column(Integer)
    goal_target_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)

    assignment: Mapped[Assignment] = relationship()


def assignment_for_activity(session: Session, activity_id: int) -> Assignment | None:
    return session.scalars(select(Assignment).where(Assignment.activity_id == activity_id)).first()


# -- what a learner's requests read: the rows as values ------------------------------------


class VersionFacts(Protocol):
    """A published path version as a learner's requests read it: a mapped `PathVersion` or
    its values (`VersionValues`)."""

    @property
    def id(self) -> int: ...
    @property
    def path_id(self) -> int: ...
    @property
    def title(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def skill_labels(self) -> list[dict[str, str]]: ...
    @property
    def published_at(self) -> datetime: ...


class AssignmentFacts(Protocol):
    """An assignment with its path version: a mapped `Assignment` or `AssignmentValues`."""

    @property
    def id(self) -> int: ...
    @property
    def activity_id(self) -> int: ...
    @property
    def path_version_id(self) -> int: ...
    @property
    def grading(self) -> str: ...
    @property
    def due_at(self) -> datetime | None: ...
    @property
    def pacing_minutes_per_week(self) -> int | None: ...
    @property
    def version(self) -> VersionFacts: ...


class EnrollmentFacts(Protocol):
    """A learner's enrollment with its assignment: a mapped `Enrollment` (the one a first
    visit creates) or `EnrollmentValues` (what every later request reads)."""

    @property
    def id(self) -> int: ...
    @property
    def assignment_id(self) -> int: ...
    @property
    def user_id(self) -> int: ...
    @property
    def goal_minutes_per_week(self) -> int | None: ...
    @property
    def goal_target_date(self) -> date | None: ...
    @property
    def created_at(self) -> datetime: ...
    @property
    def assignment(self) -> AssignmentFacts: ...


@dataclass(frozen=True, slots=True, eq=False)
class VersionValues:
    """A `path_versions` row's columns (a published version never changes)."""

    id: int
    path_id: int
    number: int
    title: str
    description: str
    language: str
    subject: str | None
    level: str | None
    skill_labels: list[dict[str, str]]
    published_at: datetime


@dataclass(frozen=True, slots=True, eq=False)
class AssignmentValues:
    """An `assignments` row's columns, with its path version."""

    id: int
    activity_id: int
    path_version_id: int
    grading: str
    due_at: datetime | None
    pacing_minutes_per_week: int | None
    assigned_by: int | None
    created_at: datetime
    version: VersionValues


@dataclass(frozen=True, slots=True, eq=False)
class EnrollmentValues:
    """An `enrollments` row's columns, with its assignment. Read-only: a change to the
    enrollment is an UPDATE of its row (`set_goal`)."""

    id: int
    assignment_id: int
    user_id: int
    goal_minutes_per_week: int | None
    goal_target_date: date | None
    created_at: datetime
    assignment: AssignmentValues


@dataclass(frozen=True)
class LearnerOnActivity:
    """What every learner request starts from; None where a row does not exist (yet)."""

    user_id: int | None
    activity_id: int | None
    assignment: AssignmentValues | None  # with its path version
    enrollment: EnrollmentValues | None


VERSIONS = cast(Table, PathVersion.__table__)
ASSIGNMENTS = cast(Table, Assignment.__table__)
ENROLLMENTS = cast(Table, Enrollment.__table__)


def learner_on_activity(
    session: Session, user_id: int, activity_id: int | None
) -> LearnerOnActivity:
    """The learner and the activity they launched (their ids: whether they exist), its
    assignment with its path version and their enrollment, as values, in one statement of
    columns run on the session's connection (no ORM objects, nor the ORM's handling of a
    result: what the session holds unflushed is not seen), which also reads the learner's
    stored state: held for the unit of work when current (paths/learner_state.py), the
    state needs no statement of its own."""
    row = (
        session.connection()
        .execute(_learner_on_activity(), {"user_id": user_id, "activity_id": activity_id})
        .first()
    )
    if row is None:
        return LearnerOnActivity(None, None, None, None)
    values = iter(row[2:])
    assignment = _assignment(_columns(ASSIGNMENTS, values), values)
    columns = _columns(ENROLLMENTS, values)
    enrollment = (
        EnrollmentValues(**columns, assignment=assignment)
        if assignment is not None and columns["id"] is not None
        else None
    )
    if enrollment is not None and assignment is not None:
        learner_state.hold_if_current(session, enrollment.id, assignment.version.id, list(values))
    return LearnerOnActivity(row[0], row[1], assignment, enrollment)


def _assignment(columns: dict[str, Any], rest: Iterator[Any]) -> AssignmentValues | None:
    version = _columns(VERSIONS, rest)  # read past either way: the enrollment's come next
    if columns["id"] is None:
        return None
    return AssignmentValues(**columns, version=VersionValues(**version))


def _columns(table: Table, values: Iterator[Any]) -> dict[str, Any]:
    """The next values of a row, named by `table`'s columns in order."""
    return {column.key: next(values) for column in table.c}


@cache
def _learner_on_activity() -> Select[Any]:
    """Built once, on first use, and executed with the session's two ids. Its columns, in
    order: the user's and activity's ids, every column of the assignment, of its path
    version and of the enrollment (in their tables' order, which the value classes follow),
    then the stored state's."""
    return (
        select(
            User.id,
            Activity.id,
            *ASSIGNMENTS.c,
            *VERSIONS.c,
            *ENROLLMENTS.c,
            *learner_state.stored_columns(Enrollment.id),
        )
        .select_from(User)
        .outerjoin(Activity, Activity.id == bindparam("activity_id"))
        .outerjoin(Assignment, Assignment.activity_id == Activity.id)
        .outerjoin(PathVersion, PathVersion.id == Assignment.path_version_id)
        .outerjoin(
            Enrollment,
            and_(Enrollment.assignment_id == Assignment.id, Enrollment.user_id == User.id),
        )
        .outerjoin(learner_state.TABLE, learner_state.TABLE.c.enrollment_id == Enrollment.id)
        .where(User.id == bindparam("user_id"))
    )


def assignment_with_versions(session: Session, activity_id: int) -> Assignment | None:
    """The activity's assignment with its path version, that version's path and all the
    path's versions loaded (two statements), for the teacher's activity page."""
    return session.scalars(
        select(Assignment)
        .where(Assignment.activity_id == activity_id)
        .options(
            joinedload(Assignment.version)
            .joinedload(PathVersion.path)
            .selectinload(LearningPath.versions)
        )
    ).first()


def assign(
    session: Session,
    activity_id: int,
    version: PathVersion,
    *,
    assigned_by: int | None,
    grading: str = COMPLETION,
    now: datetime,
) -> Assignment:
    """Place a path version on an activity (replacing the path it had, if any). Two first
    launches of a deep-linked activity may both place its path: it is placed once."""
    assignment = assignment_for_activity(session, activity_id)
    if assignment is None:
        assignment = insert_or_get(
            session,
            Assignment,
            {
                "activity_id": activity_id,
                "path_version_id": version.id,
                "grading": grading,
                "assigned_by": assigned_by,
                "created_at": now,
            },
            ["activity_id"],
        )
    assignment.path_version_id = version.id
    assignment.grading = grading
    assignment.assigned_by = assigned_by
    session.flush()
    return assignment


def learners_started(session: Session, assignment: Assignment) -> int:
    """How many learners have opened the activity (each has an enrollment)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Enrollment)
            .where(Enrollment.assignment_id == assignment.id)
        )
        or 0
    )


def enroll(
    session: Session, assignment: AssignmentFacts, user_id: int, now: datetime
) -> Enrollment:
    """The learner's enrollment, created on first use (safe when two requests race).
    Read first: every page of a learner needs it, and only their first page creates it."""
    mine = select(Enrollment).where(
        Enrollment.assignment_id == assignment.id, Enrollment.user_id == user_id
    )
    found = session.scalars(mine).first()
    if found is not None:
        return found
    insert_if_absent(
        session,
        Enrollment,
        {"assignment_id": assignment.id, "user_id": user_id, "created_at": now},
        ["assignment_id", "user_id"],
    )
    return session.scalars(mine).one()
