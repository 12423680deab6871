"""Each enrollment's score as state: what the LMS gradebook should show, with a version.

The score is recomputed from the progress events whenever progress changes, in the same
transaction; its version goes up only when what the gradebook would show changes. Sending
it is the LTI adapter's business: the version the LMS acknowledged, and when and why a send
failed, are kept in its own table beside the score. `changed_at` is the score's AGS
timestamp: it only ever increases per enrollment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol, cast

from sqlalchemy import (
    Float,
    ForeignKey,
    Integer,
    Row,
    String,
    Table,
    bindparam,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from paths import learner_state
from paths.db import Base, PerDatabase, UtcDateTime, dialect_insert
from paths.enrollment import MASTERY, EnrollmentFacts
from paths.progress import LearnerProgress, derive, event_count_of, facts_of
from paths.published import PublishedStep, published_steps
from paths.study.up_next import is_required

SCORE_MAXIMUM = 100.0

# AGS activityProgress and gradingProgress values.
INITIALIZED, STARTED, IN_PROGRESS, COMPLETED = "Initialized", "Started", "InProgress", "Completed"
FULLY_GRADED, NOT_READY = "FullyGraded", "NotReady"


class Score(Base):
    __tablename__ = "scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), unique=True
    )
    score_given: Mapped[float] = mapped_column(Float, default=0.0)
    score_maximum: Mapped[float] = mapped_column(Float, default=SCORE_MAXIMUM)
    activity_progress: Mapped[str] = mapped_column(String(16), default=INITIALIZED)
    grading_progress: Mapped[str] = mapped_column(String(16), default=NOT_READY)
    version: Mapped[int] = mapped_column(Integer, default=0)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime())


@dataclass(frozen=True)
class ScoreValues:
    given: float
    maximum: float
    activity_progress: str
    grading_progress: str


def compute_score(
    steps: Sequence[PublishedStep], state: LearnerProgress, grading: str, *, started: bool = True
) -> ScoreValues:
    """The score for the assignment's grading: completion (required steps finished out of
    all required steps) or mastery (mean best score over the required checkpoints, a
    tested-out checkpoint counting in full; a path without checkpoints grades completion)."""
    required = [s for s in steps if is_required(s)]
    done = state.finished  # worked out once, not once per step
    finished = [s for s in required if s.key in done]
    checkpoints = [s for s in required if s.is_checkpoint]
    if grading == MASTERY and checkpoints:
        fraction = sum(_best(s.key, state) for s in checkpoints) / len(checkpoints)
    else:
        fraction = len(finished) / len(required) if required else 1.0
    progress = _activity_progress(len(finished), len(required), state, started)
    # Auto-graded, so every score is final for the progress it reflects (Moodle records
    # scoreGiven only when gradingProgress is FullyGraded).
    grading_progress = NOT_READY if progress == INITIALIZED else FULLY_GRADED
    return ScoreValues(
        round(fraction * SCORE_MAXIMUM, 2), SCORE_MAXIMUM, progress, grading_progress
    )


def _best(key: str, state: LearnerProgress) -> float:
    if key in state.tested_out:
        return 1.0
    return max((a.score for a in state.attempts.get(key, [])), default=0.0)


def _activity_progress(finished: int, required: int, state: LearnerProgress, started: bool) -> str:
    if required and finished == required:
        return COMPLETED
    if finished or state.attempts or state.completed:
        return IN_PROGRESS
    return STARTED if started else INITIALIZED


def recompute_score(session: Session, enrollment: EnrollmentFacts, now: datetime) -> None:
    """Bring the enrollment's score up to date with its progress (call after recording
    progress, in the same transaction). The version goes up only if the score changed.
    Its row is read and written as columns (no Score object is made or flushed).

    Everything after the lock is read by statements that begin after it, so they see every
    commit made before it. The learner state this request holds is trusted only once they
    show it accounts for every event: a new score is written by an UPDATE that counts the
    events itself and applies only if their number is the state's; an unchanged one is
    confirmed by counting them. Otherwise another request recorded events meanwhile, and
    the score is derived from the events themselves."""
    row = _locked_score(session, enrollment.id, now)
    steps = published_steps(session, enrollment.assignment.version)
    grading = enrollment.assignment.grading
    held = learner_state.held(session, enrollment.id)
    if held is not None:
        values = compute_score(steps, held.progress, grading, started=held.events > 0)
        if _changes(row, values):
            if _update_if_current(session, row, values, held.events, now):
                return
        elif learner_state.event_count(session, enrollment.id) == held.events:
            return
        learner_state.let_go(session, enrollment.id)  # derived again when next read
    facts = facts_of(session, enrollment.id)
    values = compute_score(steps, derive(facts), grading, started=bool(facts))
    if _changes(row, values):
        session.execute(_UPDATE, {"score_id": row.id, **_bumped(row, values, now)})
        _tell_outbox(session, row.id)


def _update_if_current(
    session: Session, row: Row[Any], values: ScoreValues, held_events: int, now: datetime
) -> bool:
    """Write the score's next version if the enrollment has `held_events` events (counted
    by the same statement); whether it did."""
    moved = session.execute(
        _UPDATE_IF_CURRENT,
        {"score_id": row.id, "held_events": held_events, **_bumped(row, values, now)},
    )
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        return False
    _tell_outbox(session, row.id)
    return True


def _changes(row: Row[Any], values: ScoreValues) -> bool:
    """Whether `values` make a new version of the score (a new score's first always does)."""
    return row.version == 0 or _differs(row, values)


class ScoreOutbox(Protocol):
    """Who hears that a score has a new version to send to the gradebook (the LTI adapter,
    which wakes its grade workers once the change is committed)."""

    def score_changed(self, session: Session, score_id: int) -> None: ...


OUTBOX_KEY = "score_outbox"  # where a session holds its ScoreOutbox, in `session.info`


def give_outbox(session: Session, outbox: ScoreOutbox) -> None:
    """Tell `outbox` of every score version `session` moves (the app factory does this)."""
    session.info[OUTBOX_KEY] = outbox


def _tell_outbox(session: Session, score_id: int) -> None:
    outbox: ScoreOutbox | None = session.info.get(OUTBOX_KEY)
    if outbox is not None:  # without one, the grade workers find the score when they poll
        outbox.score_changed(session, score_id)


def _locked_score(session: Session, enrollment_id: int, now: datetime) -> Row[Any]:
    new = {
        "enrollment_id": enrollment_id,
        "version": 0,
        "score_given": 0.0,
        "score_maximum": SCORE_MAXIMUM,
        "activity_progress": INITIALIZED,
        "grading_progress": NOT_READY,
        "changed_at": now,
    }
    row: Row[Any] = LOCKED_SCORE.rows(session, SCORES, new).one()
    return row


SCORES = cast(Table, Score.__table__)
# Built once, run with parameters: the score inserted unless present, and either way
# returned locked, in one statement. ON CONFLICT DO UPDATE locks the row it meets (as
# SELECT ... FOR UPDATE would, waiting for a transaction that holds it) and returns its
# latest committed version; its update changes nothing. Whatever is read after it (the
# events) is read by a later statement, so it sees every commit made before the lock.
LOCKED_SCORE = PerDatabase(
    lambda dialect: (
        dialect_insert(dialect, SCORES)
        .on_conflict_do_update(index_elements=["enrollment_id"], set_={"version": SCORES.c.version})
        .returning(*SCORES.c)
    )
)
# The new version of a score, by its id (the columns given with each execution).
_UPDATE = update(SCORES).where(SCORES.c.id == bindparam("score_id"))
# The same, only if the score's enrollment has as many events as the state the new version
# was computed from: counted by this statement, after the lock, so it sees every commit.
_UPDATE_IF_CURRENT = _UPDATE.where(
    bindparam("held_events") == event_count_of(SCORES.c.enrollment_id)
)


def _differs(row: Row[Any], values: ScoreValues) -> bool:
    return (row.score_given, row.score_maximum, row.activity_progress, row.grading_progress) != (
        values.given,
        values.maximum,
        values.activity_progress,
        values.grading_progress,
    )


def _bumped(row: Row[Any], values: ScoreValues, now: datetime) -> dict[str, Any]:
    """The score's next version: `values`, and a timestamp later than the last one sent."""
    version = row.version + 1
    return {
        "score_given": values.given,
        "score_maximum": values.maximum,
        "activity_progress": values.activity_progress,
        "grading_progress": values.grading_progress,
        "version": version,
        "changed_at": next_timestamp(row.changed_at if version > 1 else None, now),
    }


def next_timestamp(previous: datetime | None, now: datetime) -> datetime:
    """`now` to the millisecond, but always later than the previous one (clocks of two web
    servers may disagree; the LMS ignores a score whose timestamp is not newer)."""
    stamp = now.replace(microsecond=now.microsecond // 1000 * 1000)
    if previous is not None and stamp <= previous:
        stamp = previous.replace(microsecond=previous.microsecond // 1000 * 1000) + timedelta(
            milliseconds=1
        )
    return stamp
