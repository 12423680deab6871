"""The class dashboard's read model: what its grouped queries derive from the events must be
what replaying each learner's events gives (paths.progress.derive)."""

import random
from datetime import timedelta

from paths import progress as events
from paths.dashboard import (
    BEHIND,
    CELL_DONE,
    CELL_FAILED,
    CELL_TESTED_OUT,
    CELL_TODO,
    ON_TRACK,
    STUCK,
)
from paths.db import utcnow
from paths.enrollment import Assignment
from paths.people import Activity
from paths.study import state
from tests.unit.paths.class_rows import SAFETY, SEARCH, attempt, learner, view_of


def row_of(view, name):
    return next(r for r in view.rows if r.member.name == name)


def test_the_latest_attempt_decides_failed_and_stuck(session, assignment):
    now = utcnow()
    people = {name: learner(session, assignment, name) for name in "ABCD"}
    for n, passed in enumerate((False, False)):  # A: stuck
        attempt(session, people["A"], SEARCH, [passed] * 3, now + timedelta(minutes=n))
    for n, passed in enumerate((False, False, True, False)):  # B: passed once
        attempt(session, people["B"], SEARCH, [passed] * 3, now + timedelta(minutes=n))
    for n, key in enumerate((SAFETY, SEARCH, SAFETY)):  # C: stuck, two failed
        attempt(
            session,
            people["C"],
            key,
            [False] * (4 if key == SAFETY else 3),
            now + timedelta(minutes=n),
        )
    attempt(session, people["D"], SEARCH, [False] * 3, now)  # D: one failure
    view = view_of(session, assignment, now + timedelta(hours=1))
    a, b, d = row_of(view, "A"), row_of(view, "B"), row_of(view, "D")
    assert a.status == STUCK and a.failed_checkpoints == (SEARCH,)
    assert b.status == ON_TRACK and b.failed_checkpoints == ()
    assert b.cells[view.keys.index(SEARCH)] == CELL_DONE  # passed once: finished
    assert row_of(view, "C").failed_checkpoints == (SAFETY, SEARCH)  # first attempted first
    assert row_of(view, "C").status == STUCK
    assert d.status == ON_TRACK and d.cells[view.keys.index(SEARCH)] == CELL_FAILED


def test_skill_results_come_from_each_checkpoints_latest_attempt(session, assignment):
    now = utcnow()
    person = learner(session, assignment, "A")
    attempt(session, person, SEARCH, [True, True, True], now)
    attempt(session, person, SEARCH, [True, False, False], now + timedelta(minutes=1), passed=False)
    view = view_of(session, assignment)
    scores = row_of(view, "A").skills
    assert {s: v for s, v in scores.items() if v is not None} == {"search": 1 / 3}


def test_tested_out_steps_show_and_count_without_study_time(session, assignment):
    now = utcnow()
    person = learner(session, assignment, "A")
    events.record(session, person.id, events.TESTED_OUT, now=now, step_key="passwords")
    events.record(session, person.id, events.COMPLETED, now=now, step_key="search-basics")
    events.record(
        session,
        person.id,
        events.CONFIDENCE,
        now=now + timedelta(days=1),
        step_key="search-basics",
        payload={"value": 3},
    )
    view = view_of(session, assignment, now + timedelta(days=2))
    row = row_of(view, "A")
    assert row.cells[view.keys.index("passwords")] == CELL_TESTED_OUT
    assert row.cells[view.keys.index("search-basics")] == CELL_DONE
    assert row.cells.count(CELL_TODO) == len(view.keys) - 2
    assert row.minutes_spent == 10  # search-basics only
    assert row.last_activity == now + timedelta(days=1)  # any event counts


def test_other_assignments_events_are_not_counted(session, assignment):
    place = session.get(Activity, assignment.activity_id)
    elsewhere = Activity(
        tenant_id=place.tenant_id, course_id=place.course_id, resource_link_id="r2"
    )
    session.add(elsewhere)
    session.flush()
    other = Assignment(activity_id=elsewhere.id, path_version_id=assignment.path_version_id)
    session.add(other)
    session.flush()
    stranger = learner(session, other, "Elsewhere")
    events.record(session, stranger.id, events.COMPLETED, now=utcnow(), step_key="search-basics")
    view = view_of(session, assignment)
    assert [r.member.subject for r in view.rows] == ["u1"]  # the fixture's learner only
    assert view.rows[0].last_activity is None and view.rows[0].percent == 0


def test_random_histories_match_replaying_the_events(session, assignment):
    rng = random.Random(3)
    start = utcnow() - timedelta(days=10)
    people = [learner(session, assignment, f"L{n}") for n in range(25)]
    keys = ("search-basics", "search-queries", "judge-sources", "passwords", SEARCH, SAFETY)
    for person in people:
        at = start
        for _ in range(rng.randint(0, 12)):
            at += timedelta(minutes=rng.choice((0, 0, 5, 90)))  # ties in time on purpose
            key = rng.choice(keys)
            if key in (SEARCH, SAFETY):
                size = 3 if key == SEARCH else 4
                attempt(session, person, key, [rng.random() < 0.6 for _ in range(size)], at)
            else:
                kind = events.TESTED_OUT if rng.random() < 0.2 else events.COMPLETED
                events.record(session, person.id, kind, now=at, step_key=key)
    view = view_of(session, assignment, start + timedelta(days=9))
    for person in people:
        replayed = events.derive(events.events_of(session, [person.id]))
        row = next(r for r in view.rows if r.enrollment_id == person.id)
        failed = sorted(replayed.failed_last, key=list(replayed.attempts).index)
        assert row.failed_checkpoints == tuple(failed)
        assert row.last_activity == replayed.last_activity
        symbols = {
            k: CELL_TESTED_OUT if k in replayed.tested_out else CELL_DONE for k in replayed.finished
        }
        assert row.cells == "".join(
            symbols.get(k, CELL_FAILED if k in failed else CELL_TODO) for k in view.keys
        )
        stuck = any(
            len(t) >= 2 and not t[-1].passed and not t[-2].passed
            for k, t in replayed.attempts.items()
            if k not in replayed.finished
        )
        assert (row.status == STUCK) == stuck
        if replayed.last_activity is not None and not stuck:
            assert row.status == BEHIND  # nothing for seven days


def test_attempts_at_a_checkpoint_the_path_no_longer_has_leave_no_stuck_status(session, assignment):
    now = utcnow()
    person = learner(session, assignment, "A")
    events.record(session, person.id, events.COMPLETED, now=now, step_key="search-basics")
    for n in range(2):  # stuck on a checkpoint of the path the activity used to have
        attempt(session, person, "gone-checkpoint", [False] * 3, now + timedelta(minutes=n))
    row = row_of(view_of(session, assignment, now + timedelta(hours=1)), "A")
    assert row.status == ON_TRACK and row.failed_checkpoints == ()
    assert CELL_FAILED not in row.cells


def test_steps_the_path_no_longer_has_say_nothing(session, assignment):
    """A learner's events name a step and a checkpoint the path had before it was changed:
    they count for nothing, whether the row is read from the events or the stored summary."""
    now = utcnow()
    person = learner(session, assignment, "A")
    events.record(session, person.id, events.COMPLETED, now=now, step_key="search-basics")
    events.record(session, person.id, events.COMPLETED, now=now, step_key="old-reading")
    events.record(session, person.id, events.TESTED_OUT, now=now, step_key="old-practice")
    for n in range(2):  # failed twice: stuck, were it still on the path
        attempt(session, person, "old-check", [False] * 3, now + timedelta(minutes=n))
    from_events = row_of(view_of(session, assignment, now + timedelta(hours=1)), "A")
    state.rebuild(session, [person])
    view = view_of(session, assignment, now + timedelta(hours=1))
    for row in (from_events, row_of(view, "A")):
        assert row.status == ON_TRACK and row.failed_checkpoints == ()
        assert row.cells == CELL_DONE + CELL_TODO * (len(view.keys) - 1)
        assert row.minutes_spent == 10 and row.percent == 10  # one of ten required steps
        assert all(share is None for share in row.skills.values())
        assert dict(row.progress.checkpoints) == {}
