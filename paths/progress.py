"""Progress as an append-only log of learner events, and the state derived from it.

Nothing here updates or deletes an event. A fact that may happen only once (a step
completed, a step tested out, the placement check taken) carries a `once_key`, unique
per enrollment, so two tabs completing the same step record one completion.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol, cast

from sqlalchemy import (
    JSON,
    ForeignKey,
    ScalarSelect,
    String,
    Table,
    UniqueConstraint,
    bindparam,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from paths.db import Base, PerDatabase, UtcDateTime, dialect_insert, utcnow

COMPLETED = "completed"
TESTED_OUT = "tested_out"
CHECKPOINT = "checkpoint"
CONFIDENCE = "confidence"
REFLECTION = "reflection"
PLACEMENT = "placement"
GOAL = "goal"
DIAGNOSTIC = "diagnostic"  # one answer of the placement check or of a skill check
SKILL_CHECK = "skill_check"  # a skill check finished
RESTUDIED = "restudied"  # a finished remedial step done again after its check failed
ONCE_KINDS = (COMPLETED, TESTED_OUT, PLACEMENT)
# session.info's learner states held for the unit of work (paths/learner_state.py), by
# enrollment id: each is told of every event recorded
HELD_STATES = "selfpath.learner_states"


class ProgressEvent(Base):
    __tablename__ = "progress_events"
    __table_args__ = (UniqueConstraint("enrollment_id", "once_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(
        ForeignKey("enrollments.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    step_key: Mapped[str | None] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    once_key: Mapped[str | None] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


# Built once, executed with each event's values (no ORM object made).
EVENTS = cast(Table, ProgressEvent.__table__)
APPEND = insert(EVENTS)
COLUMNS = ("enrollment_id", "kind", "step_key", "payload", "once_key", "at")


def event_count_of(enrollment_id: Any) -> ScalarSelect[int]:
    """How many events an enrollment has, as a subquery of the statement it goes in:
    `enrollment_id` is a parameter of that statement or a column of one of its tables."""
    return (
        select(func.count())
        .select_from(EVENTS)
        .where(EVENTS.c.enrollment_id == enrollment_id)
        .scalar_subquery()
    )


def _appending(rows: int) -> PerDatabase:
    """One INSERT of `rows` events (the parameters of row i end in _i), a once-only event
    skipped when already recorded; it returns the once keys it recorded."""

    def build(dialect: str) -> Any:
        values = [
            {name: bindparam(f"{name}_{i}", type_=EVENTS.c[name].type) for name in COLUMNS}
            for i in range(rows)
        ]
        return (
            dialect_insert(dialect, EVENTS)
            .values(values)
            .on_conflict_do_nothing(index_elements=["enrollment_id", "once_key"])
            .returning(EVENTS.c.once_key)
        )

    return PerDatabase(build)


# By number of events, made when first needed: a request records a few at once (a step
# done with its confidence rating and reflection; the steps a passed checkpoint tests out),
# at most MAX_ROWS in one statement.
MAX_ROWS = 8
_APPENDING: dict[int, PerDatabase] = {}


def record(
    session: Session,
    enrollment_id: int,
    kind: str,
    *,
    now: datetime,
    step_key: str | None = None,
    payload: dict[str, Any] | None = None,
) -> bool:
    """Append an event; for once-only kinds, False when it was already recorded. A learner
    state the session holds for the enrollment is told of it."""
    return record_all(session, enrollment_id, [Facts(kind, step_key, payload or {}, now)])[0]


def record_all(session: Session, enrollment_id: int, new: Sequence[Facts]) -> list[bool]:
    """Append events in their order, in one statement (of at most MAX_ROWS each); for
    once-only kinds, False where it was already recorded. A learner state the session holds
    for the enrollment is told of each event recorded."""
    recorded: list[bool] = []
    for start in range(0, len(new), MAX_ROWS):
        rows = [_values(enrollment_id, facts) for facts in new[start : start + MAX_ROWS]]
        recorded.extend(_insert(session, rows))
    held = session.info.get(HELD_STATES, {}).get(enrollment_id)
    if held is not None:
        for facts, done in zip(new, recorded, strict=True):
            if done:
                held.recorded(facts)
    return recorded


def _values(enrollment_id: int, facts: Facts) -> dict[str, Any]:
    once = facts.kind in ONCE_KINDS
    return {
        "enrollment_id": enrollment_id,
        "kind": facts.kind,
        "step_key": facts.step_key,
        "payload": facts.payload,
        "once_key": f"{facts.kind}:{facts.step_key or ''}" if once else None,
        "at": facts.at,
    }


def _insert(session: Session, rows: list[dict[str, Any]]) -> list[bool]:
    if len(rows) == 1 and rows[0]["once_key"] is None:
        session.execute(APPEND, rows[0])
        return [True]
    statement = _APPENDING.get(len(rows))
    if statement is None:
        statement = _APPENDING[len(rows)] = _appending(len(rows))
    kept = set(statement.execute(session, _numbered(rows)).scalars())
    recorded = []
    for row in rows:  # a once key given twice is recorded for its first row only
        once = row["once_key"]
        recorded.append(once is None or once in kept)
        kept.discard(once)
    return recorded


def _numbered(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {f"{name}_{i}": value for i, row in enumerate(rows) for name, value in row.items()}


def events_of(session: Session, enrollment_ids: Iterable[int]) -> list[ProgressEvent]:
    ids = list(enrollment_ids)
    if not ids:
        return []
    return list(
        session.scalars(
            select(ProgressEvent)
            .where(ProgressEvent.enrollment_id.in_(ids))
            .order_by(ProgressEvent.at, ProgressEvent.id)
        )
    )


class EventFacts(Protocol):
    """What replaying an event reads: a stored event, a row of its columns, or `Facts`."""

    @property
    def kind(self) -> str: ...
    @property
    def step_key(self) -> str | None: ...
    @property
    def payload(self) -> dict[str, Any] | None: ...
    @property
    def at(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class Facts:
    kind: str
    step_key: str | None
    payload: dict[str, Any]
    at: datetime


# The columns replaying reads, in order (no ORM objects made): see `facts_of`.
FACTS = select(EVENTS.c.kind, EVENTS.c.step_key, EVENTS.c.payload, EVENTS.c.at)


def facts_of(session: Session, enrollment_id: int) -> list[EventFacts]:
    """One enrollment's events in their order, as rows of the columns replaying reads."""
    rows = session.execute(
        FACTS.where(EVENTS.c.enrollment_id == enrollment_id).order_by(EVENTS.c.at, EVENTS.c.id)
    )
    return list(rows)


@dataclass
class Attempt:
    at: datetime
    score: float
    passed: bool
    correct: list[bool]
    predicted: float | None = None


@dataclass
class LearnerProgress:
    """One learner's state on one assignment, derived from their events."""

    completed: set[str] = field(default_factory=set)
    studied_at: dict[str, datetime] = field(default_factory=dict)  # latest completion
    tested_out: set[str] = field(default_factory=set)
    attempts: dict[str, list[Attempt]] = field(default_factory=dict)
    confidence: dict[str, int] = field(default_factory=dict)
    reflections: dict[str, str] = field(default_factory=dict)
    placement_taken: bool = False
    minutes_spent: int = 0
    last_activity: datetime | None = None

    @property
    def passed(self) -> set[str]:
        return {key for key, tries in self.attempts.items() if any(t.passed for t in tries)}

    @property
    def failed_last(self) -> set[str]:
        """Checkpoints not yet passed whose latest attempt failed."""
        return {
            key
            for key, tries in self.attempts.items()
            if tries and not tries[-1].passed and key not in self.passed
        }

    @property
    def failed_latest(self) -> set[str]:
        """Checkpoints whose latest attempt failed, failed reviews of passed ones included."""
        return {key for key, tries in self.attempts.items() if tries and not tries[-1].passed}

    @property
    def finished(self) -> set[str]:
        return self.completed | self.tested_out | self.passed


def derive(events: Iterable[EventFacts], minutes: dict[str, int] | None = None) -> LearnerProgress:
    """Replay events in order into the learner's state."""
    state = LearnerProgress()
    for event in events:
        apply(state, event)
    return with_minutes(state, minutes or {})


def with_minutes(state: LearnerProgress, minutes: dict[str, int]) -> LearnerProgress:
    """The state with the minutes of its finished steps counted (`minutes` by step key)."""
    state.minutes_spent = sum(minutes.get(k, 0) for k in state.completed | state.passed)
    return state


def apply(state: LearnerProgress, event: EventFacts) -> None:
    """One more event, the latest, into the state."""
    state.last_activity = event.at
    key, payload = event.step_key or "", event.payload or {}
    if event.kind == COMPLETED:
        state.completed.add(key)
        state.studied_at[key] = event.at
    elif event.kind == RESTUDIED:
        state.studied_at[key] = event.at
    elif event.kind == TESTED_OUT:
        state.tested_out.add(key)
    elif event.kind == CHECKPOINT:
        state.attempts.setdefault(key, []).append(
            Attempt(
                at=event.at,
                score=float(payload.get("score", 0.0)),
                passed=bool(payload.get("passed")),
                correct=list(payload.get("correct", [])),
                predicted=payload.get("predicted"),
            )
        )
    elif event.kind == CONFIDENCE:
        state.confidence[key] = int(payload.get("value", 0))
    elif event.kind == REFLECTION:
        state.reflections[key] = str(payload.get("text", ""))
    elif event.kind == PLACEMENT:
        state.placement_taken = True
