"""Spaced review of mastered checkpoints: one FSRS card per enrollment and checkpoint.

A card is made when a checkpoint is first passed (that attempt is its first review); every
later attempt of the checkpoint is a review, graded by its score against the threshold.
Cards are a cache of the checkpoint events and can be rebuilt from them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    delete,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from paths import learner_state
from paths import progress as events
from paths.db import Base, PerDatabase, UtcDateTime, dialect_insert
from paths.grading import DEFAULT_THRESHOLD
from paths.learning.review import ReviewCard, due_reviews, grade_for_score, new_card, review


class ReviewCardRow(Base):
    __tablename__ = "review_cards"
    __table_args__ = (UniqueConstraint("enrollment_id", "step_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), index=True
    )
    step_key: Mapped[str] = mapped_column(String(40))
    due: Mapped[datetime] = mapped_column(UtcDateTime())
    last_review: Mapped[datetime | None] = mapped_column(UtcDateTime())
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    reviews: Mapped[int] = mapped_column(Integer, default=0)
    lapses: Mapped[int] = mapped_column(Integer, default=0)

    def card(self) -> ReviewCard:
        # Drivers return their own UTC tzinfo objects; FSRS accepts only datetime.UTC.
        last = self.last_review.astimezone(UTC) if self.last_review else None
        return ReviewCard(
            self.step_key,
            self.due.astimezone(UTC),
            last,
            self.stability,
            self.difficulty,
            self.reviews,
            self.lapses,
        )

    def store(self, card: ReviewCard) -> None:
        self.due, self.last_review = card.due, card.last_review
        self.stability, self.difficulty = card.stability, card.difficulty
        self.reviews, self.lapses = card.reviews, card.lapses


def _next(
    card: ReviewCard | None,
    key: str,
    score: float,
    threshold: float | None,
    passed: bool,
    at: datetime,
) -> ReviewCard | None:
    if card is None:
        if not passed:
            return None  # not mastered yet: nothing to review
        card = new_card(key, at)
    grade = grade_for_score(score, DEFAULT_THRESHOLD if threshold is None else threshold)
    return review(card, grade, at)


def after_checkpoint(
    session: Session,
    enrollment_id: int,
    key: str,
    *,
    score: float,
    threshold: float | None,
    passed: bool,
    at: datetime,
) -> ReviewCard | None:
    """Schedule (or reschedule) the checkpoint's review after an attempt."""
    held = learner_state.held(session, enrollment_id)
    if held is not None:
        return _schedule_held(session, held, key, score, threshold, passed, at)
    row = session.scalars(
        select(ReviewCardRow).where(
            ReviewCardRow.enrollment_id == enrollment_id, ReviewCardRow.step_key == key
        )
    ).first()
    card = _next(row.card() if row else None, key, score, threshold, passed, at)
    if card is None:
        return None
    if row is None:
        row = ReviewCardRow(enrollment_id=enrollment_id, step_key=key)
        session.add(row)
    row.store(card)
    session.flush()
    return card


def _schedule_held(
    session: Session,
    held: learner_state.LearnerState,
    key: str,
    score: float,
    threshold: float | None,
    passed: bool,
    at: datetime,
) -> ReviewCard | None:
    """`after_checkpoint` from the cards the request holds (no read; one write)."""
    card = _next(held.cards.get(key), key, score, threshold, passed, at)
    if card is None:
        return None
    values = {
        "enrollment_id": held.enrollment_id,
        "step_key": key,
        "due": card.due,
        "last_review": card.last_review,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "reviews": card.reviews,
        "lapses": card.lapses,
    }
    UPSERT.execute(session, values)
    held.scheduled(card)
    return card


def _upsert(dialect: str) -> Any:
    statement = dialect_insert(dialect, ReviewCardRow.__table__)
    scheduled = ("due", "last_review", "stability", "difficulty", "reviews", "lapses")
    return statement.on_conflict_do_update(
        index_elements=["enrollment_id", "step_key"],
        set_={name: statement.excluded[name] for name in scheduled},
    )


UPSERT = PerDatabase(_upsert)


def cards_of(session: Session, enrollment_id: int) -> list[ReviewCard]:
    return [
        row.card()
        for row in session.scalars(
            select(ReviewCardRow)
            .where(ReviewCardRow.enrollment_id == enrollment_id)
            .execution_options(populate_existing=True)  # rows may be written without the ORM
        )
    ]


def due_checkpoints(session: Session, enrollment_id: int, now: datetime) -> list[str]:
    """Keys of the checkpoints due for review at `now`, most overdue first."""
    return [card.key for card in due_reviews(cards_of(session, enrollment_id), now)]


def replay_cards(
    rows: Iterable[events.ProgressEvent], thresholds: dict[str, float | None]
) -> dict[str, ReviewCard]:
    cards: dict[str, ReviewCard] = {}
    for event in rows:
        if event.kind != events.CHECKPOINT or not event.step_key:
            continue
        payload = event.payload or {}
        card = _next(
            cards.get(event.step_key),
            event.step_key,
            float(payload.get("score", 0.0)),
            thresholds.get(event.step_key),
            bool(payload.get("passed")),
            event.at,
        )
        if card is not None:
            cards[event.step_key] = card
    return cards


def rebuild_cards(
    session: Session, enrollment_id: int, thresholds: dict[str, float | None]
) -> dict[str, ReviewCard]:
    """Recompute one enrollment's cards from its checkpoint events."""
    cards = replay_cards(events.events_of(session, [enrollment_id]), thresholds)
    session.execute(delete(ReviewCardRow).where(ReviewCardRow.enrollment_id == enrollment_id))
    for card in cards.values():
        row = ReviewCardRow(enrollment_id=enrollment_id, step_key=card.key)
        row.store(card)
        session.add(row)
    session.flush()
    held = learner_state.held(session, enrollment_id)
    if held is not None:
        held.rescheduled(cards)
    else:
        learner_state.forget(session, enrollment_id)
    return cards
