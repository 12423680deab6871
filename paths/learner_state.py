"""The learner's state on one assignment as one row: a read model of their events.

`learner_states` holds, per enrollment, what every learner page needs: the progress derived
from the events (steps done, checkpoint attempts, confidence, reflections), the mastery per
skill and the review cards, as compact JSON. It is a cache: the events stay the truth, and
`skill_mastery` and `review_cards` stay the per-skill and per-card caches the dashboards read.

A request holds its learner's state in the database session (`hold`): recording an event,
observing mastery or scheduling a review updates the held state, and the commit writes it in
the same transaction as the events (one statement), with the summary the class dashboard
reads (paths/class_progress.py). A row is used only when it is provably
current: its format is this code's, it was derived for the enrollment's path version, its
checksum matches, and it accounts for exactly as many events as the enrollment has (events
are only ever appended, so a state built from a subset of them with the same count holds
them all). Anything else is stale and is rebuilt from the events, never shown.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    delete,
    event,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from paths.class_progress import ClassProgress, summary_checksum, summary_text
from paths.db import Base, PerDatabase, UtcDateTime, dialect_insert, utcnow
from paths.learning.mastery import SkillState
from paths.learning.review import ReviewCard
from paths.progress import (
    HELD_STATES,
    Attempt,
    EventFacts,
    LearnerProgress,
    apply,
    event_count_of,
)

FORMAT = 1  # the JSON layout below; a row of another format is rebuilt


class LearnerStateRow(Base):
    __tablename__ = "learner_states"

    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), primary_key=True
    )
    format: Mapped[int] = mapped_column(Integer)
    version_id: Mapped[int] = mapped_column(Integer)  # the path version it was derived for
    model: Mapped[str] = mapped_column(String(8))  # the mastery model's family ("" if none)
    events: Mapped[int] = mapped_column(Integer)  # how many events it accounts for
    state: Mapped[str] = mapped_column(Text)
    checksum: Mapped[str] = mapped_column(String(32))
    # what the class dashboard reads of it (paths/class_progress.py); None in rows written
    # before summaries were stored, until the learner's next event or `flask skills rebuild`
    summary: Mapped[str | None] = mapped_column(Text, nullable=True)
    summary_checksum: Mapped[str | None] = mapped_column(String(32), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


@dataclass
class LearnerState:
    """One learner's state, held by the session for the rest of the unit of work."""

    enrollment_id: int
    version_id: int
    events: int
    progress: LearnerProgress
    mastery: dict[str, SkillState] = field(default_factory=dict)
    cards: dict[str, ReviewCard] = field(default_factory=dict)
    model: str = ""
    changed: bool = False

    def recorded(self, facts: EventFacts) -> None:
        """An event was appended in this unit of work."""
        apply(self.progress, facts)
        self.events += 1
        self.changed = True

    def observed(self, model: str, states: dict[str, SkillState]) -> None:
        self.mastery.update(states)
        self.model = model
        self.changed = True

    def remastered(self, model: str, states: dict[str, SkillState]) -> None:
        """Every skill's state estimated again (the mastery cache was rebuilt)."""
        self.mastery = dict(states)
        self.model = model
        self.changed = True

    def scheduled(self, card: ReviewCard) -> None:
        self.cards[card.key] = card
        self.changed = True

    def rescheduled(self, cards: dict[str, ReviewCard]) -> None:
        """Every review card worked out again (the review cache was rebuilt)."""
        self.cards = dict(cards)
        self.changed = True


# -- held by the session -------------------------------------------------------------------


def held(session: Session, enrollment_id: int) -> LearnerState | None:
    found: LearnerState | None = session.info.get(HELD_STATES, {}).get(enrollment_id)
    return found


def hold(session: Session, state: LearnerState) -> LearnerState:
    session.info.setdefault(HELD_STATES, {})[state.enrollment_id] = state
    return state


def let_go(session: Session, enrollment_id: int) -> None:
    """Forget the held state: it is not written, and the next read checks the stored row."""
    session.info.get(HELD_STATES, {}).pop(enrollment_id, None)


def forget(session: Session, enrollment_id: int) -> None:
    """The state is out of date (its caches were rebuilt): drop it and its row, so the next
    read derives it afresh."""
    let_go(session, enrollment_id)
    session.execute(DISCARD, {"enrollment_id": enrollment_id})


@event.listens_for(Session, "before_commit")
def _write_changed(session: Session) -> None:
    for state in list(session.info.get(HELD_STATES, {}).values()):
        if state.changed:
            write(session, state)
            state.changed = False


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _end_of_unit(session: Session) -> None:
    session.info.pop(HELD_STATES, None)


# -- stored --------------------------------------------------------------------------------

TABLE = cast(Table, LearnerStateRow.__table__)
_COUNT = event_count_of(bindparam("enrollment_id"))
# Built once: the stored row and how many events the enrollment has, in one statement.
STORED = select(
    TABLE.c.format,
    TABLE.c.version_id,
    TABLE.c.model,
    TABLE.c.events,
    TABLE.c.state,
    TABLE.c.checksum,
    _COUNT.label("actual"),
).where(TABLE.c.enrollment_id == bindparam("enrollment_id"))
EVENT_COUNT = select(_COUNT)
DISCARD = delete(TABLE).where(TABLE.c.enrollment_id == bindparam("enrollment_id"))


def stored(session: Session, enrollment_id: int, version_id: int) -> LearnerState | None:
    """The stored state if it is current (one statement), else None."""
    row = session.execute(STORED, {"enrollment_id": enrollment_id}).first()
    return None if row is None else _current(enrollment_id, version_id, *row)


def stored_columns(enrollment_id: Any) -> tuple[Any, ...]:
    """STORED's columns for a statement that joins the row on `enrollment_id` (a column),
    to read the state with what else a request starts from (`hold_if_current`)."""
    return (
        TABLE.c.format,
        TABLE.c.version_id.label("state_version_id"),
        TABLE.c.model,
        TABLE.c.events,
        TABLE.c.state,
        TABLE.c.checksum,
        event_count_of(enrollment_id).label("actual"),
    )


def hold_if_current(
    session: Session, enrollment_id: int, version_id: int, columns: Sequence[Any]
) -> None:
    """Hold the state read in `stored_columns` for the unit of work when it is current
    (the events appended later tell it, as they tell any held state); else nothing, and
    the first read looks again."""
    if held(session, enrollment_id) is not None:
        return
    state = _current(enrollment_id, version_id, *columns)
    if state is not None:
        hold(session, state)


def _current(
    enrollment_id: int,
    version_id: int,
    format_: int | None,
    row_version_id: int | None,
    model: str,
    events: int,
    text: str,
    stored_checksum: str,
    actual: int,
) -> LearnerState | None:
    """The state stored in these columns, if it is of this format and version, accounts
    for every event there is and is what its checksum says; else None."""
    if format_ != FORMAT or row_version_id != version_id:
        return None
    if events != actual or stored_checksum != checksum(version_id, model, events, text):
        return None
    try:
        return parse(enrollment_id, version_id, model, events, text)
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None


def event_count(session: Session, enrollment_id: int) -> int:
    return int(session.execute(EVENT_COUNT, {"enrollment_id": enrollment_id}).scalar_one())


def write(session: Session, state: LearnerState) -> None:
    """Store the state (insert or replace), unless the stored row accounts for more events
    than this one and no more than there are: a request that committed later with more of
    them knows better (a corrupted row claiming more events than exist is replaced)."""
    text = dump(state)
    summary = summary_text(ClassProgress.of(state.progress))
    values = {
        "enrollment_id": state.enrollment_id,
        "format": FORMAT,
        "version_id": state.version_id,
        "model": state.model,
        "events": state.events,
        "state": text,
        "checksum": checksum(state.version_id, state.model, state.events, text),
        "summary": summary,
        "summary_checksum": summary_checksum(state.events, summary),
        "updated_at": utcnow(),
    }
    UPSERT.execute(session, values)


def _upsert(dialect: str) -> Any:
    statement = dialect_insert(dialect, TABLE)
    replaced = {c.name: statement.excluded[c.name] for c in TABLE.c if c.name != "enrollment_id"}
    # The conflicting row's own events, named in text: SQLAlchemy would render a column
    # of `excluded` (or of the table) in a subquery as a FROM of its own, counting every
    # learner's events instead.
    existing = event_count_of(literal_column(f"{TABLE.name}.enrollment_id"))
    return statement.on_conflict_do_update(
        index_elements=["enrollment_id"],
        set_=replaced,
        where=or_(TABLE.c.events <= statement.excluded.events, TABLE.c.events > existing),
    )


UPSERT = PerDatabase(_upsert)


def checksum(version_id: int, model: str, events: int, text: str) -> str:
    signed = f"{FORMAT}|{version_id}|{model}|{events}|{text}".encode()
    return hashlib.blake2b(signed, digest_size=16).hexdigest()


# -- the JSON ------------------------------------------------------------------------------


def dump(state: LearnerState) -> str:
    progress = state.progress
    document = {
        "done": sorted(progress.completed),
        "studied": {k: _time(v) for k, v in progress.studied_at.items()},
        "tested": sorted(progress.tested_out),
        "tries": {
            k: [[_time(t.at), t.score, t.passed, t.correct, t.predicted] for t in tries]
            for k, tries in progress.attempts.items()
        },
        "confidence": progress.confidence,
        "reflections": progress.reflections,
        "placed": progress.placement_taken,
        "last": _time(progress.last_activity),
        "mastery": {
            k: [
                s.mastery,
                s.uncertainty,
                s.answers,
                s.correct,
                _time(s.last_at),
                s.last_correct,
                list(s.internals),
            ]
            for k, s in state.mastery.items()
        },
        "cards": {
            k: [_time(c.due), _time(c.last_review), c.stability, c.difficulty, c.reviews, c.lapses]
            for k, c in state.cards.items()
        },
    }
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def parse(enrollment_id: int, version_id: int, model: str, events: int, text: str) -> LearnerState:
    document: dict[str, Any] = json.loads(text)
    progress = LearnerProgress(
        completed=set(document["done"]),
        studied_at={k: _at(v) for k, v in document["studied"].items()},
        tested_out=set(document["tested"]),
        attempts={
            k: [Attempt(_at(t[0]), float(t[1]), bool(t[2]), list(t[3]), t[4]) for t in tries]
            for k, tries in document["tries"].items()
        },
        confidence={k: int(v) for k, v in document["confidence"].items()},
        reflections={k: str(v) for k, v in document["reflections"].items()},
        placement_taken=bool(document["placed"]),
        last_activity=_maybe_at(document["last"]),
    )
    mastery = {
        k: SkillState(k, m[0], m[1], m[2], m[3], _maybe_at(m[4]), m[5], tuple(m[6]))
        for k, m in document["mastery"].items()
    }
    cards = {
        k: ReviewCard(k, _at(c[0]), _maybe_at(c[1]), c[2], c[3], c[4], c[5])
        for k, c in document["cards"].items()
    }
    return LearnerState(enrollment_id, version_id, events, progress, mastery, cards, model)


def _time(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _at(text: str) -> datetime:
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError("a learner state's times are UTC")
    return value


def _maybe_at(text: str | None) -> datetime | None:
    return _at(text) if text is not None else None
