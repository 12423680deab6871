"""A learner's goal: minutes a week and a target date, which the path view weighs against
the work left, and the pace: minutes studied this week, minutes a week still needed.
Never commits: the web edge owns the unit of work."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime, time, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from paths import progress as events
from paths.enrollment import Enrollment, EnrollmentFacts
from paths.errors import DomainError
from paths.progress import LearnerProgress


def set_goal(
    session: Session,
    enrollment: EnrollmentFacts,
    *,
    minutes_per_week: int | None,
    target_date: date | None,
    now: datetime,
) -> None:
    if minutes_per_week is not None and not 10 <= minutes_per_week <= 3000:
        raise DomainError("Choose between 10 and 3000 minutes a week.", code="bad_goal")
    if target_date is not None and target_date < now.date():
        raise DomainError("The target date cannot be in the past.", code="bad_goal")
    # an UPDATE of the row (the request holds its values, read-only); an object the
    # session holds for it is given the new values too (the ORM's synchronize_session)
    session.execute(
        update(Enrollment)
        .where(Enrollment.id == enrollment.id)
        .values(goal_minutes_per_week=minutes_per_week, goal_target_date=target_date)
    )
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


def week_start(now: datetime) -> datetime:
    """Monday 00:00 of `now`'s week, in `now`'s time zone: when "this week" began."""
    monday = now.date() - timedelta(days=now.weekday())
    return datetime.combine(monday, time.min, tzinfo=now.tzinfo)


def minutes_studied_since(
    progress: LearnerProgress, minutes: Mapping[str, int], since: datetime
) -> int:
    """The minutes of the steps finished since `since`: completed (latest completion) or a
    checkpoint attempted, each step counted once."""
    keys = {key for key, at in progress.studied_at.items() if at >= since}
    keys |= {key for key, tries in progress.attempts.items() if any(t.at >= since for t in tries)}
    return sum(minutes.get(key, 0) for key in keys)


def minutes_per_week_needed(minutes_left: int, now: datetime, finish_by: date) -> int | None:
    """The weekly minutes that finish `minutes_left` by the end of `finish_by`, rounded up
    to 5; None once the date is past."""
    days = (finish_by - now.date()).days + 1
    if days <= 0:
        return None
    if minutes_left <= 0:
        return 0
    weekly = minutes_left * 7 / max(days, 7)
    return 5 * math.ceil(weekly / 5)
