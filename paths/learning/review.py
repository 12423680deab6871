"""Spaced review of mastered checkpoints with FSRS (the `fsrs` package).

Elapsed time. The package counts the time since the last review in whole days, floored
(`timedelta.days`): 1 day 23 hours counts as 1 day, and its retrievability stays exactly 1.0
for the first 24 hours. Selfpath measures elapsed time exactly and decides as follows:
- under one day since the last review is a same-day review: FSRS's short-term stability
  update applies (FSRS-6 models same-day reviews that way); it never counts as a day of spacing;
- from one day on, the long-term update uses the elapsed time rounded to the nearest whole day
  (1 day 23 hours counts as 2 days, 1 day 5 hours as 1), halving the package's worst error;
- the next due time is measured from the moment of the review, not from a day boundary;
- `retrievability` uses the exact elapsed time on FSRS's forgetting curve, so forgetting starts
  right after a review instead of after the first full day.
Checkpoints have no minute-long learning steps and no fuzz: the first review (the mastery
itself) schedules days ahead, a failed review comes back after at least a day, and the same
history always gives the same schedule."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum

from fsrs import Card, Rating, Scheduler, State

_SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)
_DECAY = -_SCHEDULER.parameters[20]
_FACTOR = 0.9 ** (1.0 / _DECAY) - 1.0


class Grade(IntEnum):
    """FSRS ratings: how a review went."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4


@dataclass(frozen=True, slots=True)
class ReviewCard:
    """The review schedule of one mastered checkpoint (store these fields as they are)."""

    key: str
    due: datetime
    last_review: datetime | None = None
    stability: float | None = None
    difficulty: float | None = None
    reviews: int = 0
    lapses: int = 0


def new_card(key: str, at: datetime) -> ReviewCard:
    """A checkpoint that has not been scheduled yet (due at once: review it with the grade of
    the attempt that mastered it)."""
    return ReviewCard(key, _utc(at))


def grade_for_score(score: float, threshold: float) -> Grade:
    """A checkpoint score (0..1) as a review grade: below the mastery threshold AGAIN, a pass
    within 10 points of it HARD, a full score EASY, otherwise GOOD."""
    if score < threshold:
        return Grade.AGAIN
    if score >= 1.0:
        return Grade.EASY
    return Grade.HARD if score < threshold + 0.1 else Grade.GOOD


def effective_days(elapsed: timedelta) -> int:
    """Whole days FSRS should see for an exact elapsed time (see the module docstring)."""
    days = elapsed.total_seconds() / 86400.0
    return 0 if days < 1.0 else math.floor(days + 0.5)


def review(card: ReviewCard, grade: Grade | int, at: datetime) -> ReviewCard:
    """The card after a review with `grade` at `at` (timezone-aware)."""
    at = _utc(at)
    grade = Grade(grade)
    fsrs_card = Card(
        card_id=1,
        state=State.Learning if card.stability is None else State.Review,
        step=0 if card.stability is None else None,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )
    seen_at = at
    if card.last_review is not None:
        if at < card.last_review:
            raise ValueError("a review cannot be earlier than the previous one")
        seen_at = card.last_review + timedelta(days=effective_days(at - card.last_review))
    reviewed, _log = _SCHEDULER.review_card(fsrs_card, Rating(int(grade)), seen_at)
    return ReviewCard(
        card.key,
        at + (reviewed.due - seen_at),
        at,
        reviewed.stability,
        reviewed.difficulty,
        card.reviews + 1,
        card.lapses + (grade == Grade.AGAIN),
    )


def retrievability(card: ReviewCard, at: datetime) -> float:
    """Probability of recalling the checkpoint at `at`, from exact elapsed time."""
    if card.last_review is None or card.stability is None:
        return 0.0
    days = max(0.0, (_utc(at) - card.last_review).total_seconds() / 86400.0)
    return (1.0 + _FACTOR * days / card.stability) ** _DECAY


def due_reviews(cards: Iterable[ReviewCard], now: datetime) -> list[ReviewCard]:
    """Cards due at `now`, most overdue first (ties by key)."""
    now = _utc(now)
    return sorted((c for c in cards if c.due <= now), key=lambda c: (c.due, c.key))


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("review times must be timezone-aware")
    return at.astimezone(UTC)
