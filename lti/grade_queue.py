"""The grade-sync queue in the database: claim scores the LMS has not acknowledged, and
record what became of each send. Any number of workers share it: on PostgreSQL a claim
skips rows another worker holds (FOR UPDATE SKIP LOCKED), and a claim is a lease, so
the scores of a worker that died are taken up again when the lease runs out. What became
of each score is kept in `lti_score_deliveries`, a row made when a worker first claims it."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Integer,
    Select,
    String,
    Table,
    bindparam,
    case,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lti.ags_token import PlatformAuth
from lti.models import AgsEndpoint, Platform, ScoreDelivery
from paths.db import UtcDateTime
from paths.enrollment import Assignment, Enrollment
from paths.people import Activity, User
from paths.scores import Score


@dataclass(frozen=True)
class PendingScore:
    """One score to send, as it was when claimed."""

    score_id: int
    version: int
    attempts: int
    user_id: str  # the learner's LMS user id (`sub`)
    given: float
    maximum: float
    activity_progress: str
    grading_progress: str
    changed_at: datetime
    endpoint_id: int
    lineitem_url: str | None
    lineitems_url: str | None
    scopes: tuple[str, ...]
    resource_link_id: str
    label: str
    platform: PlatformAuth


def acknowledged_version() -> ColumnElement[int]:
    """The version the LMS acknowledged, for a score outer-joined to its delivery."""
    return func.coalesce(ScoreDelivery.acknowledged_version, 0)


def _due(now: datetime, paused: Collection[int]) -> Select[tuple[int]]:
    delivery = ScoreDelivery
    query = (
        select(Score.id)
        .join(Enrollment, Enrollment.id == Score.enrollment_id)
        .join(Assignment, Assignment.id == Enrollment.assignment_id)
        .join(AgsEndpoint, AgsEndpoint.activity_id == Assignment.activity_id)
        .join(Platform, Platform.id == AgsEndpoint.platform_id)
        .outerjoin(delivery, delivery.score_id == Score.id)
        .where(
            Score.version > acknowledged_version(),
            delivery.failed_at.is_(None),
            or_(delivery.next_attempt_at.is_(None), delivery.next_attempt_at <= now),
            or_(delivery.claimed_until.is_(None), delivery.claimed_until < now),
            Platform.enabled.is_(True),
        )
        .order_by(Score.changed_at, Score.id)
    )
    if paused:
        query = query.where(AgsEndpoint.platform_id.not_in(list(paused)))
    return query


def claim(
    session: Session,
    *,
    worker: str,
    now: datetime,
    lease_seconds: float,
    limit: int,
    paused: Collection[int] = (),
) -> list[PendingScore]:
    """Lease up to `limit` due scores to this worker and commit the claim."""
    query = _due(now, paused).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Score, skip_locked=True)
    ids = list(session.scalars(query))
    if not ids:
        session.commit()
        return []
    track(session, ids)
    claimed = list(
        session.scalars(
            update(ScoreDelivery)
            .where(
                ScoreDelivery.score_id.in_(ids),
                or_(ScoreDelivery.claimed_until.is_(None), ScoreDelivery.claimed_until < now),
            )
            .values(claimed_until=now + timedelta(seconds=lease_seconds), claimed_by=worker)
            .returning(ScoreDelivery.score_id)
        )
    )
    pending = _details(session, claimed)
    session.commit()
    return pending


def track(session: Session, score_ids: list[int]) -> None:
    """Give these scores a delivery row each, unless they have one (one statement)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(ScoreDelivery)
        .values([{"score_id": i, "acknowledged_version": 0, "attempts": 0} for i in score_ids])
        .on_conflict_do_nothing(index_elements=["score_id"])
    )


def _details(session: Session, ids: list[int]) -> list[PendingScore]:
    if not ids:
        return []
    rows = session.execute(
        select(Score, ScoreDelivery.attempts, User.subject, Activity, AgsEndpoint, Platform)
        .join(ScoreDelivery, ScoreDelivery.score_id == Score.id)
        .join(Enrollment, Enrollment.id == Score.enrollment_id)
        .join(User, User.id == Enrollment.user_id)
        .join(Assignment, Assignment.id == Enrollment.assignment_id)
        .join(Activity, Activity.id == Assignment.activity_id)
        .join(AgsEndpoint, AgsEndpoint.activity_id == Activity.id)
        .join(Platform, Platform.id == AgsEndpoint.platform_id)
        .where(Score.id.in_(ids))
        .order_by(Score.changed_at, Score.id)
        .execution_options(populate_existing=True)
    )
    return [_pending(*row) for row in rows]


def _pending(
    score: Score,
    attempts: int,
    subject: str,
    activity: Activity,
    endpoint: AgsEndpoint,
    platform: Platform,
) -> PendingScore:
    return PendingScore(
        score_id=score.id,
        version=score.version,
        attempts=attempts,
        user_id=subject,
        given=score.score_given,
        maximum=score.score_maximum,
        activity_progress=score.activity_progress,
        grading_progress=score.grading_progress,
        changed_at=score.changed_at,
        endpoint_id=endpoint.id,
        lineitem_url=endpoint.lineitem_url,
        lineitems_url=endpoint.lineitems_url,
        scopes=tuple(endpoint.scopes or ()),
        resource_link_id=activity.resource_link_id,
        label=activity.title or "Selfpath",
        platform=platform_auth(platform),
    )


def platform_auth(platform: Platform) -> PlatformAuth:
    return PlatformAuth(
        id=platform.id,
        issuer=platform.issuer,
        client_id=platform.client_id,
        token_url=platform.auth_token_url,
        audience=platform.auth_audience,
    )


DELIVERIES = cast(Table, ScoreDelivery.__table__)


def _release(worker: Any) -> dict[str, object]:
    """The claim given up if `worker` (a name, or a parameter standing for one) holds it.
    Written on the table's columns, so a statement on the table stays a plain one."""
    mine = DELIVERIES.c.claimed_by == worker
    return {
        "claimed_until": case((mine, None), else_=DELIVERIES.c.claimed_until),
        "claimed_by": case((mine, None), else_=DELIVERIES.c.claimed_by),
    }


def _of(item: PendingScore) -> Any:
    return update(ScoreDelivery).where(ScoreDelivery.score_id == item.score_id)


def acknowledged(session: Session, item: PendingScore, *, worker: str, now: datetime) -> None:
    """The LMS accepted this version (a newer one may be waiting already)."""
    session.execute(
        _ACKNOWLEDGED,
        {
            "acknowledged_score": item.score_id,
            "sent_version": item.version,
            "at": now,
            "by": worker,
        },
    )


def _acknowledged() -> Any:
    """Built once and run with the score's values, on the table (no ORM rows to keep in
    step): a worker sends hundreds of scores a minute, and building the statement each
    time cost about as much as running it."""
    table = DELIVERIES
    sent = bindparam("sent_version", type_=Integer())
    return (
        update(table)
        .where(table.c.score_id == bindparam("acknowledged_score", type_=Integer()))
        .values(
            acknowledged_version=case(
                (table.c.acknowledged_version < sent, sent),
                else_=table.c.acknowledged_version,
            ),
            acknowledged_at=bindparam("at", type_=UtcDateTime()),
            attempts=0,
            next_attempt_at=None,
            last_error=None,
            last_error_at=None,
            **_release(bindparam("by", type_=String())),
        )
    )


_ACKNOWLEDGED = _acknowledged()


def retry_later(
    session: Session,
    item: PendingScore,
    *,
    worker: str,
    now: datetime,
    delay: float,
    reason: str | None,
    counted: bool = True,
) -> None:
    """Send again after `delay` seconds; `reason` is kept to show while it waits."""
    values: dict[str, object] = {
        "next_attempt_at": now + timedelta(seconds=delay),
        **_release(worker),
    }
    if counted:
        values.update(attempts=ScoreDelivery.attempts + 1, last_error=reason, last_error_at=now)
    session.execute(_of(item).values(**values))


def refused(
    session: Session, item: PendingScore, *, worker: str, now: datetime, reason: str
) -> None:
    """Hold the score with the reason until someone asks for a resync."""
    session.execute(
        _of(item).values(
            failed_at=now,
            last_error=reason[:2000],
            last_error_at=now,
            attempts=ScoreDelivery.attempts + 1,
            next_attempt_at=None,
            **_release(worker),
        )
    )


def lock_endpoint(session: Session, endpoint_id: int) -> AgsEndpoint:
    """The endpoint, locked so two workers do not both create its gradebook column."""
    return session.scalars(
        select(AgsEndpoint)
        .where(AgsEndpoint.id == endpoint_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one()
