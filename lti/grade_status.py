"""Where every score stands with the LMS gradebook: per enrollment (for the teacher's
dashboard), per platform (for the admin console), and asking for a resync."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, case, func, or_, select, update
from sqlalchemy.orm import Session

from lti.grade_queue import acknowledged_version
from lti.models import AgsEndpoint, Deployment, Platform, ScoreDelivery
from paths.db import as_utc
from paths.enrollment import Assignment, Enrollment
from paths.people import Activity, Course
from paths.scores import Score

NOTHING_YET = "nothing_yet"  # no progress yet, so no score
SENT = "sent"  # the LMS acknowledged the latest score
PENDING = "pending"  # waiting for a worker
RETRYING = "retrying"  # the LMS was down or busy; a worker will try again
FAILED = "failed"  # the LMS refused; held until someone asks to sync again
NOT_LINKED = "not_linked"  # the LMS gave no gradebook endpoint for this activity


@dataclass(frozen=True)
class SyncStatus:
    state: str
    score_given: float | None = None
    score_maximum: float | None = None
    version: int = 0
    acknowledged_version: int = 0
    acknowledged_at: datetime | None = None
    last_error: str | None = None
    attempts: int = 0
    next_attempt_at: datetime | None = None


@dataclass(frozen=True)
class PlatformQueue:
    platform_id: int
    name: str
    issuer: str
    pending: int
    retrying: int
    failed: int
    sent: int
    not_linked: int
    oldest_pending: datetime | None


def _state(score: Score, delivery: ScoreDelivery, linked: bool) -> str:
    if delivery.failed_at is not None:
        return FAILED
    if score.version == 0:
        return NOTHING_YET
    if score.version <= delivery.acknowledged_version:
        return SENT
    if not linked:
        return NOT_LINKED
    return RETRYING if delivery.attempts else PENDING


def sync_status_for(session: Session, enrollment_ids: Iterable[int]) -> dict[int, SyncStatus]:
    """Grade-sync status of each enrollment (one query, however many are asked for)."""
    ids = list(enrollment_ids)
    statuses = {i: SyncStatus(NOTHING_YET) for i in ids}
    if not ids:
        return statuses
    rows = session.execute(
        select(Score, ScoreDelivery, AgsEndpoint.id)
        .join(Enrollment, Enrollment.id == Score.enrollment_id)
        .join(Assignment, Assignment.id == Enrollment.assignment_id)
        .outerjoin(ScoreDelivery, ScoreDelivery.score_id == Score.id)
        .outerjoin(AgsEndpoint, AgsEndpoint.activity_id == Assignment.activity_id)
        .where(Score.enrollment_id.in_(ids))
    )
    for score, delivery, endpoint_id in rows:
        statuses[score.enrollment_id] = _status(score, delivery, endpoint_id is not None)
    return statuses


def _status(score: Score, delivery: ScoreDelivery | None, linked: bool) -> SyncStatus:
    if delivery is None:  # never tried: nothing acknowledged, nothing failed
        delivery = ScoreDelivery(score_id=score.id, acknowledged_version=0, attempts=0)
    return SyncStatus(
        state=_state(score, delivery, linked),
        score_given=score.score_given,
        score_maximum=score.score_maximum,
        version=score.version,
        acknowledged_version=delivery.acknowledged_version,
        acknowledged_at=delivery.acknowledged_at,
        last_error=delivery.last_error,
        attempts=delivery.attempts,
        next_attempt_at=delivery.next_attempt_at,
    )


def _count(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def queue_health(session: Session) -> list[PlatformQueue]:
    """Pending, retrying, failed, sent and unlinked scores per platform."""
    failed_at, acknowledged = ScoreDelivery.failed_at, acknowledged_version()
    unsent = and_(failed_at.is_(None), Score.version > acknowledged)
    linked = AgsEndpoint.id.is_not(None)
    pending = and_(unsent, linked)
    rows = session.execute(
        select(
            Platform.id,
            Platform.name,
            Platform.issuer,
            _count(pending),
            _count(and_(pending, ScoreDelivery.attempts > 0)),
            _count(failed_at.is_not(None)),
            _count(and_(failed_at.is_(None), Score.version > 0, Score.version <= acknowledged)),
            _count(and_(unsent, AgsEndpoint.id.is_(None))),
            func.min(case((pending, Score.changed_at))),
        )
        .outerjoin(Deployment, Deployment.platform_id == Platform.id)
        .outerjoin(Activity, Activity.tenant_id == Deployment.tenant_id)
        .outerjoin(AgsEndpoint, AgsEndpoint.activity_id == Activity.id)
        .outerjoin(Assignment, Assignment.activity_id == Activity.id)
        .outerjoin(Enrollment, Enrollment.assignment_id == Assignment.id)
        .outerjoin(Score, Score.enrollment_id == Enrollment.id)
        .outerjoin(ScoreDelivery, ScoreDelivery.score_id == Score.id)
        .group_by(Platform.id, Platform.name, Platform.issuer)
        .order_by(Platform.id)
    )
    return [
        PlatformQueue(
            platform_id=r[0],
            name=r[1],
            issuer=r[2],
            pending=int(r[3]),
            retrying=int(r[4]),
            failed=int(r[5]),
            sent=int(r[6]),
            not_linked=int(r[7]),
            oldest_pending=as_utc(r[8]),
        )
        for r in rows
    ]


def resync(session: Session, enrollment_ids: Iterable[int]) -> int:
    """ "Sync again": held and waiting scores of these enrollments are sent at the next
    pass of a worker. Returns how many scores will be sent."""
    ids = list(enrollment_ids)
    if not ids:
        return 0
    unsent = list(
        session.scalars(
            select(Score.id)
            .outerjoin(ScoreDelivery, ScoreDelivery.score_id == Score.id)
            .where(Score.enrollment_id.in_(ids), Score.version > acknowledged_version())
        )
    )
    if unsent:  # a score never tried has no delivery to reset, and is due already
        session.execute(
            update(ScoreDelivery)
            .where(ScoreDelivery.score_id.in_(unsent))
            .values(failed_at=None, attempts=0, next_attempt_at=None)
        )
    return len(unsent)


def resync_course(session: Session, course: str) -> int:
    """Resync every learner of a course, given its id in Selfpath or its LMS context id
    (Moodle's context ids are numbers too, so a number matches either)."""
    match = Course.context_id == course
    if course.isdigit():
        match = or_(match, Course.id == int(course))
    ids = session.scalars(
        select(Enrollment.id)
        .join(Assignment)
        .join(Activity, Activity.id == Assignment.activity_id)
        .join(Course, Course.id == Activity.course_id)
        .where(match)
    )
    return resync(session, ids)
