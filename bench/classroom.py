"""A large class for the dashboard benchmark: one path of N steps, M learners with
varied progress, written straight through the domain's own tables, and each learner's
stored state derived from their events."""

from __future__ import annotations

import random
from datetime import timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from lti.registrations import PlatformDetails, add_deployment, add_platform
from paths.authoring import PathDraft, QuestionDraft, StepDraft, create_path
from paths.db import utcnow
from paths.enrollment import Enrollment, assign
from paths.people import Activity, Course, Membership, User
from paths.progress import ProgressEvent
from paths.study import state

SKILLS = tuple(f"skill-{n}" for n in range(10))


def big_path(steps: int) -> PathDraft:
    drafts = []
    for n in range(steps):
        checkpoint = n % 10 == 9
        drafts.append(
            StepDraft(
                key=f"s{n}",
                kind="checkpoint" if checkpoint else "read",
                title=f"Step {n}",
                minutes=10,
                skills=(SKILLS[n % len(SKILLS)],),
                prerequisites=(f"s{n - 1}",) if n else (),
                mastery_threshold=0.5 if checkpoint else None,
                questions=(QuestionDraft(kind="choice", prompt="?", answer=0, choices=("a", "b")),)
                * 2
                if checkpoint
                else (),
            )
        )
    return PathDraft(title=f"Benchmark path ({steps} steps)", steps=tuple(drafts))


def seed_class(
    session: Session,
    learners: int = 500,
    steps: int = 200,
    seed: int = 7,
    *,
    tenant: tuple[int, str] | None = None,
    name: str = "bench",
) -> tuple[int, int]:
    """Create the class; returns (tenant id, activity id). Commits.

    `tenant` is (deployment id, issuer) of a registered platform; without it a platform
    of its own is registered. The course's context id and activity's resource link id
    are both `name`."""
    rng = random.Random(seed)
    now = utcnow()
    tenant_id, issuer = tenant or _bench_tenant(session)
    course = Course(tenant_id=tenant_id, context_id=name, title=f"Benchmark {name}")
    session.add(course)
    session.flush()
    activity = Activity(
        tenant_id=tenant_id, course_id=course.id, resource_link_id=name, title=f"Benchmark {name}"
    )
    session.add(activity)
    session.flush()
    version = create_path(session, big_path(steps), now=now, tenant_id=tenant_id)
    assignment = assign(session, activity.id, version, assigned_by=None, now=now)
    users = [
        {
            "issuer": issuer,
            "subject": f"{name}-learner-{n}",
            "name": f"Learner {n}",
            "created_at": now,
            "last_seen_at": now,
        }
        for n in range(learners)
    ]
    user_ids = session.scalars(insert(User).returning(User.id), users).all()
    session.execute(
        insert(Membership),
        [
            {"user_id": u, "course_id": course.id, "role": "learner", "last_launch_at": now}
            for u in user_ids
        ],
    )
    enrollment_ids = session.scalars(
        insert(Enrollment).returning(Enrollment.id),
        [{"assignment_id": assignment.id, "user_id": u, "created_at": now} for u in user_ids],
    ).all()
    session.execute(insert(ProgressEvent), list(_events(enrollment_ids, steps, rng, now)))
    # each learner's state as their own requests would have stored it, event by event
    state.rebuild(
        session, session.scalars(select(Enrollment).where(Enrollment.id.in_(enrollment_ids)))
    )
    session.commit()
    return tenant_id, activity.id


def _bench_tenant(session: Session) -> tuple[int, str]:
    platform = add_platform(
        session,
        PlatformDetails(
            name="Benchmark LMS",
            issuer="https://bench.lms.invalid",
            client_id="bench",
            auth_login_url="https://bench.lms.invalid/auth",
            auth_token_url="https://bench.lms.invalid/token",
            key_set_url="https://bench.lms.invalid/jwks",
        ),
    )
    return add_deployment(session, platform.id, "bench-1").id, platform.issuer


def _events(enrollment_ids, steps, rng, now):  # type: ignore[no-untyped-def]
    for enrollment_id in enrollment_ids:
        reached = rng.randint(0, steps)
        at = now - timedelta(days=rng.randint(0, 20))
        for n in range(reached):
            key = f"s{n}"
            if n % 10 == 9:
                passed = rng.random() < 0.8
                yield {
                    "enrollment_id": enrollment_id,
                    "kind": "checkpoint",
                    "step_key": key,
                    "payload": {
                        "score": 1.0 if passed else 0.0,
                        "passed": passed,
                        "correct": [passed, passed],
                    },
                    "once_key": None,
                    "at": at,
                }
                if not passed:
                    break
            else:
                yield {
                    "enrollment_id": enrollment_id,
                    "kind": "completed",
                    "step_key": key,
                    "payload": {},
                    "once_key": f"completed:{key}",
                    "at": at,
                }
