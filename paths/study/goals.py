"""A learner's goal: minutes a week and a target date, which the path view weighs against
the work left. Never commits: the web edge owns the unit of work."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from paths import progress as events
from paths.enrollment import Enrollment
from paths.errors import DomainError


def set_goal(
    session: Session,
    enrollment: Enrollment,
    *,
    minutes_per_week: int | None,
    target_date: date | None,
    now: datetime,
) -> None:
    if minutes_per_week is not None and not 10 <= minutes_per_week <= 3000:
        raise DomainError("Choose between 10 and 3000 minutes a week.", code="bad_goal")
    if target_date is not None and target_date < now.date():
        raise DomainError("The target date cannot be in the past.", code="bad_goal")
    enrollment.goal_minutes_per_week = minutes_per_week
    enrollment.goal_target_date = target_date
    events.record(
        session,
        enrollment.id,
        events.GOAL,
        now=now,
        payload={
            "minutes_per_week": minutes_per_week,
            "target_date": target_date.isoformat() if target_date else None,
        },
    )
