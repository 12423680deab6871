"""A learner's goal (`paths.study.goals`) and whether it keeps them on track."""

from datetime import timedelta

import pytest

from paths.db import utcnow
from paths.errors import DomainError
from paths.study import goals
from paths.study.path_view import path_view


def test_goal_and_on_track(session, enrollment):

    now = utcnow()
    goals.set_goal(
        session,
        enrollment,
        minutes_per_week=60,
        target_date=(now + timedelta(days=14)).date(),
        now=now,
    )
    assert path_view(session, enrollment, now).on_track is True  # 118 min in 2 weeks at 60
    goals.set_goal(
        session,
        enrollment,
        minutes_per_week=30,
        target_date=(now + timedelta(days=14)).date(),
        now=now,
    )
    assert path_view(session, enrollment, now).on_track is False
    with pytest.raises(DomainError):
        goals.set_goal(session, enrollment, minutes_per_week=5, target_date=None, now=now)


def test_a_target_date_in_the_past_is_refused_and_the_goal_kept(session, enrollment):
    now = utcnow()
    goals.set_goal(
        session,
        enrollment,
        minutes_per_week=60,
        target_date=(now + timedelta(days=14)).date(),
        now=now,
    )
    with pytest.raises(DomainError, match="cannot be in the past") as refused:
        goals.set_goal(
            session,
            enrollment,
            minutes_per_week=90,
            target_date=(now - timedelta(days=1)).date(),
            now=now,
        )
    assert refused.value.code == "bad_goal"
    assert enrollment.goal_minutes_per_week == 60
    assert enrollment.goal_target_date == (now + timedelta(days=14)).date()
