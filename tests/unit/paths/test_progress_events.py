"""Recording progress events: several in one statement, in their order, a once-only event
never twice, and a learner state held for the unit of work told of each one recorded."""

from __future__ import annotations

from sqlalchemy import event, select

from paths import progress as events
from paths.db import utcnow
from paths.study.state import state_of


def stored(session, enrollment_id: int) -> list[tuple[str, str | None, dict]]:
    rows = session.execute(
        select(events.EVENTS.c.kind, events.EVENTS.c.step_key, events.EVENTS.c.payload)
        .where(events.EVENTS.c.enrollment_id == enrollment_id)
        .order_by(events.EVENTS.c.at, events.EVENTS.c.id)
    )
    return [tuple(row) for row in rows]


def inserts_during(session, record) -> int:  # noqa: ANN001
    """The statements writing events (not the test transaction's savepoints)."""
    sent: list[str] = []

    def count(conn, cursor, statement, *args) -> None:  # noqa: ANN001
        sent.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        record()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len([statement for statement in sent if "progress_events" in statement])


def test_events_recorded_together_take_one_statement_and_keep_their_order(session, enrollment):
    now = utcnow()
    new = [
        events.Facts(events.COMPLETED, "intro", {}, now),
        events.Facts(events.CONFIDENCE, "intro", {"value": 4}, now),
        events.Facts(events.REFLECTION, "intro", {"text": "Tìm kiếm có chọn lọc"}, now),
    ]
    recorded: list[list[bool]] = []
    count = inserts_during(
        session, lambda: recorded.append(events.record_all(session, enrollment.id, new))
    )
    assert count == 1 and recorded == [[True, True, True]]
    assert stored(session, enrollment.id) == [
        (events.COMPLETED, "intro", {}),
        (events.CONFIDENCE, "intro", {"value": 4}),
        (events.REFLECTION, "intro", {"text": "Tìm kiếm có chọn lọc"}),
    ]


def test_a_once_only_event_already_recorded_is_skipped_and_the_rest_kept(session, enrollment):
    now = utcnow()
    assert events.record(session, enrollment.id, events.COMPLETED, step_key="intro", now=now)
    again = [
        events.Facts(events.COMPLETED, "intro", {}, now),
        events.Facts(events.CONFIDENCE, "intro", {"value": 2}, now),
        events.Facts(events.TESTED_OUT, "search", {}, now),
    ]
    assert events.record_all(session, enrollment.id, again) == [False, True, True]
    assert [kind for kind, _, _ in stored(session, enrollment.id)] == [
        events.COMPLETED,
        events.CONFIDENCE,
        events.TESTED_OUT,
    ]


def test_the_held_learner_state_hears_only_the_events_recorded(session, enrollment):
    now = utcnow()
    events.record(session, enrollment.id, events.COMPLETED, step_key="intro", now=now)
    session.commit()
    held = state_of(session, enrollment)
    before = held.events
    events.record_all(
        session,
        enrollment.id,
        [
            events.Facts(events.COMPLETED, "intro", {}, now),  # already there
            events.Facts(events.CONFIDENCE, "intro", {"value": 5}, now),
        ],
    )
    assert held.events == before + 1
    assert held.progress.completed == {"intro"} and held.progress.confidence == {"intro": 5}


def test_more_events_than_one_statement_holds_are_recorded_in_order(session, enrollment):
    now = utcnow()
    many = [events.Facts(events.TESTED_OUT, f"step-{n}", {}, now) for n in range(11)]
    many.insert(3, events.Facts(events.TESTED_OUT, "step-1", {}, now))  # twice in one call
    recorded: list[list[bool]] = []
    count = inserts_during(
        session, lambda: recorded.append(events.record_all(session, enrollment.id, many))
    )
    assert count == 2  # MAX_ROWS at most in one
    assert recorded[0] == [True] * 3 + [False] + [True] * 8
    assert [key for _, key, _ in stored(session, enrollment.id)] == [f"step-{n}" for n in range(11)]
