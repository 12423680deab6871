"""Shared set-up for grade-sync tests: learners with scores on an activity linked to a
fake LMS gradebook, and a worker tuned to retry quickly."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti.ags_endpoint import store_endpoint
from lti.grade_queue import acknowledged_version
from lti.grade_status import sync_status_for
from lti.grade_worker import BatchReport, GradeWorker, WorkerSettings
from lti.models import Deployment, ScoreDelivery
from paths.authoring import create_path
from paths.db import utcnow
from paths.enrollment import Enrollment, assign, enroll
from paths.people import Activity, Course, User
from paths.scores import Score
from paths.study import checkpoints, completion
from service.path_json import load_path
from tests.clocks import MovingClock
from tests.fake_lms import FakeGradebook
from tests.platform import TestPlatform

DEMO = Path(__file__).resolve().parent.parent / "service/demo/content/digital_skills.en.json"
FIRST_STEPS = ("search-basics", "search-queries", "check-search")
DRAIN_STEP_SECONDS = 0.02  # how far drain moves the worker's clock between batches


def quick_worker(**changes: Any) -> GradeWorker:
    values: dict[str, Any] = {
        "batch": 20,
        "threads": 4,
        "lease_seconds": 10.0,
        "retry_base_seconds": 0.05,
        "retry_max_seconds": 0.3,
        "timeout": 2.0,
    }
    values.update(changes)
    return GradeWorker(WorkerSettings(**values), clock=MovingClock())


def linked_activity(
    session: Session,
    platform: TestPlatform,
    claim: dict[str, Any] | None,
    *,
    link: str = "link-1",
    grading: str = "completion",
) -> Activity:
    """An activity with the demo path assigned and, when `claim` is given, its AGS claim."""
    tenant_id = session.scalars(
        select(Deployment.tenant_id).where(Deployment.platform_id == platform.platform_id)
    ).first()
    assert tenant_id is not None
    course = session.scalars(select(Course).where(Course.tenant_id == tenant_id)).first()
    if course is None:
        course = Course(tenant_id=tenant_id, context_id="course-1", title="Biology 10A")
        session.add(course)
        session.flush()
    activity = Activity(
        tenant_id=tenant_id, course_id=course.id, resource_link_id=link, title="Cells path"
    )
    session.add(activity)
    session.flush()
    version = create_path(
        session, load_path(json.loads(DEMO.read_text())), now=utcnow(), tenant_id=tenant_id
    )
    assign(session, activity.id, version, assigned_by=None, grading=grading, now=utcnow())
    if claim is not None:
        store_endpoint(session, activity.id, platform.platform_id, claim, utcnow())
    session.commit()
    return activity


def learners(
    session: Session, platform: TestPlatform, activity: Activity, count: int, steps: int = 1
) -> list[Enrollment]:
    """`count` learners who each finished the first `steps` steps (so each has a score)."""
    from paths.enrollment import assignment_for_activity

    assignment = assignment_for_activity(session, activity.id)
    assert assignment is not None
    rows = []
    for number in range(count):
        user = User(issuer=platform.issuer, subject=f"{activity.resource_link_id}-u{number}")
        session.add(user)
        session.flush()
        enrollment = enroll(session, assignment, user.id, utcnow())
        for key in FIRST_STEPS[:steps]:
            finish(session, enrollment, key)
        rows.append(enrollment)
    session.commit()
    return rows


def finish(session: Session, enrollment: Enrollment, key: str) -> None:
    if key == "check-search":
        checkpoints.submit_checkpoint(
            session, enrollment, key, {0: "1", 1: "0", 2: "SERP"}, now=utcnow()
        )
    else:
        completion.complete_step(session, enrollment, key, now=utcnow())


def drain(
    worker: GradeWorker,
    session: Session,
    *,
    seconds: float = 10.0,
    until: Callable[[], bool] | None = None,
) -> BatchReport:
    """Run batches until nothing is left to send (or `until` holds), within `seconds` on
    the worker's clock (a quick_worker's MovingClock), moved on between batches so that
    retries and paused platforms come due without waiting."""
    clock = worker.clock
    assert isinstance(clock, MovingClock), "drain a quick_worker()"
    total = BatchReport()
    for _ in range(round(seconds / DRAIN_STEP_SECONDS)):
        total.add(worker.run_batch(session))
        if until() if until else not unsent(session):
            return total
        clock.advance(DRAIN_STEP_SECONDS)
    raise AssertionError(f"scores still unsent after {seconds} s: {unsent(session)}")


def unsent(session: Session) -> list[int]:
    session.expire_all()
    return list(
        session.scalars(
            select(Score.id)
            .outerjoin(ScoreDelivery, ScoreDelivery.score_id == Score.id)
            .where(Score.version > acknowledged_version(), ScoreDelivery.failed_at.is_(None))
        )
    )


def states(session: Session, enrollments: list[Enrollment]) -> list[str]:
    statuses = sync_status_for(session, [e.id for e in enrollments])
    return [statuses[e.id].state for e in enrollments]


def score_of(session: Session, enrollment: Enrollment) -> Score:
    session.expire_all()
    return session.scalars(select(Score).where(Score.enrollment_id == enrollment.id)).one()


def delivery_of(session: Session, enrollment: Enrollment) -> ScoreDelivery:
    """Where sending the enrollment's score stands (blank before a worker first claims it)."""
    session.expire_all()
    score_id, delivery = session.execute(
        select(Score.id, ScoreDelivery)
        .outerjoin(ScoreDelivery, ScoreDelivery.score_id == Score.id)
        .where(Score.enrollment_id == enrollment.id)
    ).one()
    return delivery or ScoreDelivery(score_id=score_id, acknowledged_version=0, attempts=0)


def gradebook_for(platform: TestPlatform, database_url: str, **options: Any) -> FakeGradebook:
    from tests.fake_lms import tool_key_set

    return FakeGradebook(platform, tool_key_set(database_url), **options)
