"""The summary of each learner's progress the class dashboard reads (paths.class_progress):
written with every learner state, read only when it accounts for every event and its
checksum holds, and the same rows as the class's events give."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from paths import class_progress, dashboard
from paths import progress as events
from paths.class_progress import ClassProgress, LatestAttempt, read_summary, summary_checksum
from paths.enrollment import Enrollment
from paths.learner_state import LearnerStateRow
from paths.progress import Attempt, LearnerProgress
from paths.study import state
from tests.statements import counted
from tests.unit.paths.class_rows import SAFETY, SEARCH, attempt, learner, view_of

START = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


def attempts(*results: tuple[bool, list[bool]]) -> list[Attempt]:
    return [
        Attempt(START + timedelta(minutes=n), sum(c) / len(c), passed, c)
        for n, (passed, c) in enumerate(results)
    ]


def test_the_summary_keeps_each_checkpoints_latest_attempt_in_first_attempted_order():
    progress = LearnerProgress(
        completed={"read-1"},
        tested_out={"read-2"},
        attempts={
            "check-b": attempts((False, [False]), (False, [True])),
            "check-a": attempts((True, [True]), (False, [False])),
            "check-c": attempts((False, [False]), (True, [True])),
        },
        last_activity=START,
    )
    summary = ClassProgress.of(progress)
    assert summary.finished == {"read-1", "read-2", "check-a", "check-c"}
    assert summary.tested_out == {"read-2"}
    assert list(summary.checkpoints) == ["check-b", "check-a", "check-c"]
    assert summary.checkpoints == {
        "check-b": LatestAttempt(False, True, (True,)),
        "check-a": LatestAttempt(False, False, (False,)),  # passed before: not twice failed
        "check-c": LatestAttempt(True, False, (True,)),
    }
    assert summary.last_activity == START


def test_a_summary_reads_back_as_written():
    summary = ClassProgress(
        finished={"a", "ngữ-pháp"},
        tested_out={"a"},
        checkpoints={
            "z": LatestAttempt(False, True, (True, False)),
            "y": LatestAttempt(True, False),
        },
        last_activity=START,
    )
    text = class_progress.summary_text(summary)
    found = read_summary(12, text, summary_checksum(12, text))
    assert found == summary and list(found.checkpoints) == ["z", "y"]
    empty = class_progress.summary_text(ClassProgress())
    assert read_summary(0, empty, summary_checksum(0, empty)) == ClassProgress()


def test_a_summary_whose_checksum_fails_is_not_read():
    text = class_progress.summary_text(ClassProgress(finished={"a"}))
    checksum = summary_checksum(3, text)
    assert read_summary(3, text, checksum) is not None
    assert read_summary(4, text, checksum) is None  # counted for other events
    assert read_summary(3, text.replace('"a"', '"b"'), checksum) is None
    assert read_summary(3, text, None) is None


@pytest.mark.parametrize(
    "text",
    [
        "{not json",
        "[]",
        '{"finished":[]}',
        '{"finished":[],"tested":[],"checks":[["k",true]],"last":null}',
        '{"finished":[],"tested":[],"checks":[],"last":"2026-09-01T08:00:00"}',  # no zone
        '{"finished":[],"tested":[],"checks":[],"last":"yesterday"}',
    ],
    ids=["not-json", "a-list", "missing-fields", "short-attempt", "naive-time", "not-a-time"],
)
def test_a_summary_of_another_layout_is_not_read(text):
    assert read_summary(1, text, summary_checksum(1, text)) is None


# -- on the dashboard ---------------------------------------------------------------------


def class_of_three(session, assignment):
    """A passes the first check, B fails it twice, C has done nothing; every learner's state
    is stored as their own requests would have stored it."""
    people = {name: learner(session, assignment, name) for name in "ABC"}
    events.record(session, people["A"].id, events.COMPLETED, now=START, step_key="search-basics")
    events.record(session, people["A"].id, events.TESTED_OUT, now=START, step_key="passwords")
    attempt(session, people["A"], SEARCH, [True, True, True], START + timedelta(minutes=1))
    attempt(session, people["B"], SAFETY, [True, False, True, True], START, passed=False)
    attempt(session, people["B"], SEARCH, [False] * 3, START + timedelta(minutes=1))
    attempt(session, people["B"], SEARCH, [True, False, False], START + timedelta(minutes=2))
    everyone = select(Enrollment).where(Enrollment.assignment_id == assignment.id)
    state.rebuild(session, session.scalars(everyone))  # the fixture's learner too
    session.commit()
    return people


def rows_of(view):
    return {
        r.member.name: (r.status, r.percent, r.last_activity, r.failed_checkpoints, r.cells)
        for r in view.rows
    } | {f"{r.member.name} skills": r.skills for r in view.rows}


def from_events_only(session, assignment, now):
    session.execute(update(LearnerStateRow).values(summary=None))
    session.commit()
    return rows_of(view_of(session, assignment, now))


def test_the_dashboard_reads_stored_summaries_instead_of_the_events(session, assignment):
    class_of_three(session, assignment)
    session.commit()
    now = START + timedelta(hours=1)
    with counted(session.connection()) as statements:
        shown = rows_of(view_of(session, assignment, now))
    read_events = [s for s in statements if "progress_events" in s]
    assert len(read_events) == 1 and "learner_states" in read_events[0]  # the count only
    assert shown["B"][3] == (SAFETY, SEARCH) and shown["B"][0] == dashboard.STUCK
    assert shown["A"][4].count(dashboard.CELL_TESTED_OUT) == 1
    assert shown == from_events_only(session, assignment, now)


def test_a_damaged_summary_is_never_shown(session, assignment):
    people = class_of_three(session, assignment)
    now = START + timedelta(hours=1)
    expected = rows_of(view_of(session, assignment, now))
    row = session.get(LearnerStateRow, people["B"].id)
    # B's failed check claimed passed, the checksum left as it was
    row.summary = row.summary.replace('"check-search",false', '"check-search",true')
    session.commit()
    with counted(session.connection()) as statements:
        assert rows_of(view_of(session, assignment, now)) == expected
    assert sum("progress_events" in s for s in statements) == 3  # counts, then B's events


def test_a_summary_missing_events_is_stale_and_not_shown(session, assignment):
    people = class_of_three(session, assignment)
    # recorded without telling the read model (another code path, or a lost write)
    events.record(session, people["C"].id, events.COMPLETED, now=START, step_key="search-basics")
    events.record(
        session,
        people["A"].id,
        events.CHECKPOINT,
        now=START + timedelta(minutes=5),
        step_key=SEARCH,
        payload={"score": 0.0, "passed": False, "correct": [False] * 3},
    )
    session.commit()
    now = START + timedelta(hours=1)
    shown = rows_of(view_of(session, assignment, now))
    assert shown["A"][4][0] == dashboard.CELL_DONE  # read from the events again
    assert shown["A skills"]["search"] == 0.0
    assert shown["C"][0] == dashboard.ON_TRACK
    assert shown == from_events_only(session, assignment, now)


def test_a_large_share_missing_is_read_from_the_whole_class(session, assignment, monkeypatch):
    people = class_of_three(session, assignment)
    now = START + timedelta(hours=1)
    expected = rows_of(view_of(session, assignment, now))
    session.execute(update(LearnerStateRow).values(summary_checksum="0" * 32))
    session.commit()
    monkeypatch.setattr(dashboard, "LISTED_AT_MOST", 1)
    with counted(session.connection()) as statements:
        assert rows_of(view_of(session, assignment, now)) == expected
    from_events = [s for s in statements if "progress_events" in s][1:]
    assert len(from_events) == 2 and not any(" IN " in s for s in from_events)
    assert len(people) == 3
