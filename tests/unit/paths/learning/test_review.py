from datetime import UTC, datetime, timedelta

import pytest
from fsrs import Card, Rating, Scheduler, State

from paths.learning.review import (
    Grade,
    ReviewCard,
    due_reviews,
    effective_days,
    grade_for_score,
    new_card,
    retrievability,
    review,
)

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
PLAIN = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


def mastered_at(at: datetime = T0) -> ReviewCard:
    return review(new_card("cp1", at), Grade.GOOD, at)


def package_review(card: ReviewCard, grade: Grade, at: datetime) -> Card:
    fsrs_card = Card(
        card_id=1,
        state=State.Review,
        step=None,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due,
        last_review=card.last_review,
    )
    return PLAIN.review_card(fsrs_card, Rating(int(grade)), at)[0]


def test_mastering_a_checkpoint_schedules_its_first_review_days_ahead():
    card = mastered_at()
    assert card.due - T0 >= timedelta(days=1)
    assert card.reviews == 1 and card.last_review == T0


def test_a_review_hours_later_is_a_same_day_review_not_a_day_of_spacing():
    card = mastered_at()
    hours_later = review(card, Grade.GOOD, T0 + timedelta(hours=5))
    a_day_later = review(card, Grade.GOOD, T0 + timedelta(days=1))
    # same-day: FSRS's short-term stability, far below what a day of spacing earns
    assert hours_later.stability < a_day_later.stability
    assert hours_later.stability == pytest.approx(
        package_review(card, Grade.GOOD, T0 + timedelta(hours=5)).stability
    )
    # ... and the next review is counted from the moment of the review
    assert hours_later.last_review == T0 + timedelta(hours=5)
    assert (hours_later.due - hours_later.last_review) % timedelta(days=1) == timedelta(0)


def test_a_gap_of_one_day_and_most_of_another_counts_as_two_days_not_one():
    card = mastered_at()
    at = T0 + timedelta(days=1, hours=20)
    ours = review(card, Grade.GOOD, at)
    two_days = package_review(card, Grade.GOOD, T0 + timedelta(days=2))
    floored = package_review(card, Grade.GOOD, at)  # the package alone: 1 day
    assert ours.stability == pytest.approx(two_days.stability)
    assert ours.stability != pytest.approx(floored.stability)
    assert ours.due == at + (two_days.due - (T0 + timedelta(days=2)))


@pytest.mark.parametrize(
    ("elapsed", "days"),
    [
        (timedelta(hours=3), 0),
        (timedelta(hours=23, minutes=59), 0),
        (timedelta(days=1), 1),
        (timedelta(days=1, hours=11), 1),
        (timedelta(days=1, hours=13), 2),
        (timedelta(days=9, hours=12), 10),
    ],
)
def test_effective_days(elapsed, days):
    assert effective_days(elapsed) == days


def test_retrievability_decays_within_the_first_day():
    card = mastered_at()
    assert retrievability(card, T0) == pytest.approx(1.0)
    after_hours = retrievability(card, T0 + timedelta(hours=6))
    after_day = retrievability(card, T0 + timedelta(days=1))
    assert after_day < after_hours < 1.0
    assert retrievability(new_card("x", T0), T0) == 0.0


def test_a_failed_review_comes_back_sooner_and_counts_a_lapse():
    card = review(mastered_at(), Grade.GOOD, T0 + timedelta(days=3))
    at = T0 + timedelta(days=10)
    failed = review(card, Grade.AGAIN, at)
    passed = review(card, Grade.GOOD, at)
    assert failed.due < passed.due and failed.due - at >= timedelta(days=1)
    assert failed.lapses == 1 and passed.lapses == 0


def test_reviews_refuse_naive_or_backwards_times():
    with pytest.raises(ValueError):
        review(mastered_at(), Grade.GOOD, datetime(2025, 3, 4))
    with pytest.raises(ValueError):
        review(mastered_at(), Grade.GOOD, T0 - timedelta(hours=1))


def test_due_reviews_lists_due_cards_most_overdue_first():
    cards = [
        ReviewCard("b", T0),
        ReviewCard("a", T0),
        ReviewCard("c", T0 - timedelta(days=2)),
        ReviewCard("later", T0 + timedelta(minutes=1)),
    ]
    assert [c.key for c in due_reviews(cards, T0)] == ["c", "a", "b"]


@pytest.mark.parametrize(
    ("score", "grade"),
    [(0.5, Grade.AGAIN), (0.82, Grade.HARD), (0.9, Grade.GOOD), (1.0, Grade.EASY)],
)
def test_grade_for_score(score, grade):
    assert grade_for_score(score, 0.8) == grade
