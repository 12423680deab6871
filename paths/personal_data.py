"""Everything Selfpath holds about one person, for them to download."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from paths.catalog import PathVersion
from paths.enrollment import Assignment, Enrollment
from paths.people import Course, Membership, User
from paths.progress import events_of


def personal_data(session: Session, user_id: int) -> dict[str, Any]:
    user = session.get(User, user_id)
    if user is None:
        return {}
    enrollments = list(session.scalars(select(Enrollment).where(Enrollment.user_id == user_id)))
    events = events_of(session, [e.id for e in enrollments])
    return {
        "person": {
            "name": user.name,
            "email": user.email,
            "locale": user.locale,
            "lms": user.issuer,
            "lms_user_id": user.subject,
            "first_seen": user.created_at.isoformat(),
            "last_seen": user.last_seen_at.isoformat(),
        },
        "courses": [
            _membership(session, m)
            for m in session.scalars(select(Membership).where(Membership.user_id == user_id))
        ],
        "paths": [
            _enrollment(session, e, [ev for ev in events if ev.enrollment_id == e.id])
            for e in enrollments
        ],
    }


def _membership(session: Session, membership: Membership) -> dict[str, Any]:
    course = session.get(Course, membership.course_id)
    return {
        "course": course.title if course else None,
        "role": membership.role,
        "last_launch": membership.last_launch_at.isoformat(),
    }


def _enrollment(session: Session, enrollment: Enrollment, events: list[Any]) -> dict[str, Any]:
    assignment = session.get(Assignment, enrollment.assignment_id)
    version = session.get(PathVersion, assignment.path_version_id) if assignment else None
    return {
        "path": version.title if version else None,
        "goal": {
            "minutes_per_week": enrollment.goal_minutes_per_week,
            "target_date": enrollment.goal_target_date.isoformat()
            if enrollment.goal_target_date
            else None,
        },
        "events": [
            {"at": e.at.isoformat(), "kind": e.kind, "step": e.step_key, "details": e.payload}
            for e in events
        ],
    }
