"""The pace behind a learner's goal summary: minutes this week, minutes a week needed."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from paths.progress import Attempt, LearnerProgress
from paths.study.goals import minutes_per_week_needed, minutes_studied_since, week_start

WEDNESDAY = datetime(2026, 12, 2, 15, 30, tzinfo=UTC)
MINUTES = {"read": 10, "watch": 25, "check": 15, "old": 40}


def test_the_week_starts_on_monday_at_midnight():
    assert week_start(WEDNESDAY) == datetime(2026, 11, 30, tzinfo=UTC)
    monday = datetime(2026, 11, 30, 0, 0, tzinfo=UTC)
    assert week_start(monday) == monday


def test_minutes_count_the_steps_finished_this_week_once():
    since = week_start(WEDNESDAY)
    progress = LearnerProgress(
        studied_at={
            "read": since + timedelta(hours=1),
            "watch": since + timedelta(days=1),
            "old": since - timedelta(seconds=1),
        },
        attempts={
            "check": [
                Attempt(since - timedelta(days=3), 0.2, False, [False]),
                Attempt(since + timedelta(days=2), 1.0, True, [True]),
            ],
            "watch": [Attempt(since + timedelta(days=1), 1.0, True, [True])],
        },
    )
    assert minutes_studied_since(progress, MINUTES, since) == 10 + 25 + 15


def test_nothing_studied_this_week_is_zero_minutes():
    progress = LearnerProgress(
        studied_at={"old": WEDNESDAY - timedelta(days=10)},
        attempts={"check": [Attempt(WEDNESDAY - timedelta(days=9), 1.0, True, [True])]},
    )
    assert minutes_studied_since(progress, MINUTES, week_start(WEDNESDAY)) == 0


def test_a_step_no_longer_in_the_path_counts_no_minutes():
    progress = LearnerProgress(studied_at={"gone": WEDNESDAY})
    assert minutes_studied_since(progress, MINUTES, week_start(WEDNESDAY)) == 0


@pytest.mark.parametrize(
    ("left", "finish_by", "needed"),
    [
        (140, date(2026, 12, 29), 35),  # 28 days, today included: 35 a week
        (130, date(2026, 12, 15), 65),  # 14 days: 65 a week
        (125, date(2026, 12, 15), 65),  # 62.5 a week, rounded up to 5
        (100, date(2026, 12, 4), 100),  # under a week left: all of it this week
        (100, date(2026, 12, 2), 100),  # the date is today
        (0, date(2026, 12, 29), 0),  # nothing left
        (1, date(2027, 12, 29), 5),  # a little, a long way off: at least 5
    ],
)
def test_minutes_a_week_needed_to_finish_by_the_date(left, finish_by, needed):
    assert minutes_per_week_needed(left, WEDNESDAY, finish_by) == needed


def test_no_pace_once_the_date_is_past():
    assert minutes_per_week_needed(60, WEDNESDAY, date(2026, 12, 1)) is None
