"""The learner-state read model (`paths.learner_state`, `paths.study.state`): the same as a
full derivation from the events after any sequence of study, stored at each commit, and
never shown when stale (corrupted, of another format or path version, or missing events);
the class dashboard reads the same rows from it as from the events."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from paths import learner_state
from paths import progress as events
from paths.dashboard import class_roster, class_view
from paths.db import utcnow
from paths.enrollment import learner_on_activity
from paths.errors import DomainError
from paths.learner_state import LearnerStateRow
from paths.learning import make_model
from paths.progress import ProgressEvent, derive, events_of
from paths.published import published_steps
from paths.scores import Score
from paths.study import checkpoints, completion, diagnostics, goals, review_cards, skills, state
from paths.study.path_view import path_view
from paths.study.review_cards import ReviewCardRow
from paths.study.skills import SkillMastery
from tests import factories
from tests.statements import counted
from tests.unit.paths.study.demo_path import (
    SEARCH_HALF,
    SEARCH_RIGHT,
    SEARCH_WRONG,
    complete_in_two_tabs,
    study,
)

START = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)


def stored_row(session, enrollment) -> LearnerStateRow | None:
    return session.scalars(
        select(LearnerStateRow)
        .where(LearnerStateRow.enrollment_id == enrollment.id)
        .execution_options(populate_existing=True)
    ).first()


def derivation(session, enrollment):
    """Progress, mastery and review cards worked out from the events alone."""
    rows = events_of(session, [enrollment.id])
    steps = published_steps(session, enrollment.assignment.version)
    mastery = skills.replay_evidence(make_model(), skills.observations(rows, steps))
    thresholds = {s.key: s.mastery_threshold for s in steps}
    return derive(rows), mastery, review_cards.replay_cards(rows, thresholds)


def assert_same_as_derivation(session, enrollment, found) -> None:
    progress, mastery, cards = derivation(session, enrollment)
    assert found.events == len(events_of(session, [enrollment.id]))
    assert found.progress.completed == progress.completed
    assert found.progress.studied_at == progress.studied_at
    assert found.progress.tested_out == progress.tested_out
    assert found.progress.attempts == progress.attempts
    assert found.progress.confidence == progress.confidence
    assert found.progress.reflections == progress.reflections
    assert found.progress.placement_taken == progress.placement_taken
    assert found.progress.last_activity == progress.last_activity
    assert set(found.mastery) == set(mastery)
    for skill, expected in mastery.items():
        got = found.mastery[skill]
        assert (got.answers, got.correct, got.last_at, got.last_correct) == (
            expected.answers,
            expected.correct,
            expected.last_at,
            expected.last_correct,
        )
        assert got.mastery == pytest.approx(expected.mastery, abs=1e-12)
        assert got.internals == pytest.approx(expected.internals, abs=1e-12)
    assert found.cards == cards


def completed_elsewhere(session, enrollment, key):
    """A completion added to the events without telling the read model."""
    session.add(
        ProgressEvent(
            enrollment_id=enrollment.id,
            kind=events.COMPLETED,
            step_key=key,
            once_key=f"completed:{key}",
            payload={},
            at=utcnow(),
        )
    )


def current_stored(session, enrollment):
    """The stored state as a new request reads it (None if it would be rebuilt)."""
    return learner_state.stored(session, enrollment.id, enrollment.assignment.version.id)


def test_each_commit_stores_the_state_the_events_give(session, enrollment):
    study(session, enrollment, now=START)
    completion.complete_step(
        session, enrollment, "search-basics", now=START, confidence=4, reflection=" ok "
    )
    checkpoints.submit_checkpoint(
        session, enrollment, "check-search", SEARCH_WRONG, now=START + timedelta(minutes=5)
    )
    session.commit()
    found = current_stored(session, enrollment)
    assert found is not None and found.progress.failed_last == {"check-search"}
    assert_same_as_derivation(session, enrollment, found)
    completion.complete_step(session, enrollment, "search-review", now=START + timedelta(minutes=9))
    checkpoints.submit_checkpoint(
        session, enrollment, "check-search", SEARCH_RIGHT, now=START + timedelta(minutes=12)
    )
    session.commit()
    found = current_stored(session, enrollment)
    assert found is not None and "check-search" in found.cards
    assert_same_as_derivation(session, enrollment, found)


def test_a_corrupted_row_is_rebuilt_never_shown(session, enrollment):
    study(session, enrollment)
    session.commit()
    row = stored_row(session, enrollment)
    # the row claims a step the learner never did, with its checksum left as it was
    row.state = row.state.replace('"done":[', '"done":["fact-check",', 1)
    session.commit()
    assert current_stored(session, enrollment) is None
    view = path_view(session, enrollment, utcnow())
    assert view.progress.completed == {"search-basics", "search-queries"}
    assert {s.step.key: s.status for s in view.steps}["fact-check"] == "locked"
    session.commit()  # the rebuilt state replaces the corrupted row
    found = current_stored(session, enrollment)
    assert found is not None and found.progress.completed == {"search-basics", "search-queries"}


@pytest.mark.parametrize(
    "spoil",
    [
        {"format": learner_state.FORMAT + 1},
        {"state": "{not json"},
        {"state": '{"done":[]}'},  # a document of another layout
        {"events": 999},  # more events than there are: the write must still replace it
    ],
    ids=["another-format", "not-json", "another-layout", "too-many-events"],
)
def test_a_row_of_another_format_or_unreadable_is_rebuilt(session, enrollment, spoil):
    study(session, enrollment)
    session.commit()
    row = stored_row(session, enrollment)
    for name, value in spoil.items():
        setattr(row, name, value)
    # signed as if it were right: only the format or the parse can tell
    row.checksum = learner_state.checksum(row.version_id, row.model, row.events, row.state)
    session.commit()
    assert current_stored(session, enrollment) is None
    assert path_view(session, enrollment, utcnow()).progress.completed == {
        "search-basics",
        "search-queries",
    }
    session.commit()
    assert_same_as_derivation(session, enrollment, current_stored(session, enrollment))


def test_a_row_claiming_more_events_than_its_learner_has_is_replaced_whoever_else_studies(
    session, enrollment
):
    """The count a write compares with is this learner's events, not their classmates'."""
    classmate = factories.EnrollmentFactory(assignment=enrollment.assignment, user__subject="u2")
    session.commit()
    study(session, classmate, keys=("search-basics", "search-queries", "search-review"))
    study(session, enrollment, keys=("search-basics",))
    session.commit()
    mine = len(events_of(session, [enrollment.id]))
    theirs = len(events_of(session, [classmate.id]))
    row = stored_row(session, enrollment)
    row.events = mine + theirs - 1  # more than this learner has, fewer than the class has
    row.checksum = learner_state.checksum(row.version_id, row.model, row.events, row.state)
    session.commit()
    assert current_stored(session, enrollment) is None
    path_view(session, enrollment, utcnow())
    session.commit()  # the rebuilt state replaces the row
    assert_same_as_derivation(session, enrollment, current_stored(session, enrollment))
    assert stored_row(session, enrollment).events == mine


def test_events_recorded_elsewhere_make_the_row_stale(session, enrollment):
    study(session, enrollment, keys=("search-basics",))
    session.commit()
    # an event the read model was not told of (another code path, or a lost write)
    completed_elsewhere(session, enrollment, "search-queries")
    session.commit()
    assert current_stored(session, enrollment) is None
    assert "search-queries" in path_view(session, enrollment, utcnow()).progress.completed


def test_a_row_for_another_path_version_is_rebuilt(session, enrollment):
    study(session, enrollment)
    session.commit()
    session.execute(update(LearnerStateRow).values(version_id=enrollment.assignment.version.id + 1))
    session.commit()
    assert current_stored(session, enrollment) is None
    state.state_of(session, enrollment)
    session.commit()
    assert current_stored(session, enrollment) is not None


def test_a_rolled_back_unit_of_work_stores_nothing(session, enrollment):
    study(session, enrollment, keys=("search-basics",))
    session.commit()
    before = stored_row(session, enrollment).state
    completion.complete_step(session, enrollment, "search-queries", now=utcnow())
    session.rollback()
    assert learner_state.held(session, enrollment.id) is None
    assert stored_row(session, enrollment).state == before
    assert current_stored(session, enrollment).progress.completed == {"search-basics"}


def test_bad_input_changes_no_state(session, enrollment):
    study(session, enrollment, keys=("search-basics",))
    session.commit()
    before = stored_row(session, enrollment).state
    with pytest.raises(DomainError):
        completion.complete_step(session, enrollment, "search-queries", now=utcnow(), confidence=9)
    with pytest.raises(DomainError):
        checkpoints.submit_checkpoint(session, enrollment, "check-search", {7: "x"}, now=utcnow())
    session.commit()
    assert stored_row(session, enrollment).state == before


def test_a_completion_committed_meanwhile_is_not_lost(session, enrollment):
    """Another request records an event after this one read the state: the score's count
    under its lock sees it, and the state is derived again rather than written short."""
    study(session, enrollment, keys=("search-basics",))
    session.commit()
    state.state_of(session, enrollment)  # this request holds the state now
    with Session(session.get_bind()) as other:
        events.record(
            other,
            enrollment.id,
            events.CONFIDENCE,
            step_key="search-basics",
            now=utcnow(),
            payload={"value": 2},
        )
        other.commit()
    completion.complete_step(session, enrollment, "search-queries", now=utcnow())
    session.commit()
    found = state.state_of(session, enrollment)
    assert found.progress.confidence == {"search-basics": 2}
    assert found.progress.completed == {"search-basics", "search-queries"}
    session.commit()
    assert_same_as_derivation(session, enrollment, current_stored(session, enrollment))


def test_rebuilding_the_caches_rebuilds_every_learner_state(session, enrollment):
    """What `flask skills rebuild` does, after the caches were emptied."""
    study(session, enrollment)
    checkpoints.submit_checkpoint(session, enrollment, "check-search", SEARCH_RIGHT, now=utcnow())
    session.commit()
    session.execute(delete(LearnerStateRow))
    session.execute(delete(SkillMastery))
    session.commit()
    assert skills.rebuild_all(session, make_model()) == 1
    assert state.rebuild_all(session) == 1
    session.commit()
    found = current_stored(session, enrollment)
    assert found is not None and set(found.mastery) == {"search"}
    assert_same_as_derivation(session, enrollment, found)


def test_mastery_of_another_model_is_estimated_again(session, enrollment):
    study(session, enrollment)
    session.commit()
    elo = make_model("elo")
    view = path_view(session, enrollment, utcnow(), elo)
    assert view.progress.completed == {"search-basics", "search-queries"}
    session.commit()
    found = current_stored(session, enrollment)
    assert found.model == "elo"
    assert found.mastery == skills.states_of(session, enrollment, elo)


def test_two_concurrent_completions_store_one(session, enrollment):
    session.commit()
    outcomes = complete_in_two_tabs(session, enrollment, "search-basics")
    assert sorted(outcomes) == [False, True]
    found = current_stored(session, enrollment)
    assert found is not None and found.progress.completed == {"search-basics"}
    assert found.events == 1


# -- any sequence of study ------------------------------------------------------------------

LEARNING_STEPS = (
    "search-basics",
    "search-queries",
    "search-review",
    "judge-sources",
    "fact-check",
    "passwords",
    "phishing",
    "two-factor",
    "plan-ahead",
    "elsewhere",  # not on the path: refused
)
CHECKPOINTS = ("check-search", "check-judge-safety")
# what opens each checkpoint, studied in one go so that sequences reach them often
PREPARED = {
    "check-search": ("search-basics", "search-queries"),
    "check-judge-safety": (
        "judge-sources",
        "fact-check",
        "trust-reflection",
        "passwords",
        "phishing",
    ),
}
SAFETY_RIGHT = {0: "1", 1: "0", 2: "2", 3: "Phishing"}
answers = st.one_of(
    st.sampled_from([SEARCH_RIGHT, SEARCH_HALF, SEARCH_WRONG, SAFETY_RIGHT]),  # passes often
    st.dictionaries(st.integers(0, 3), st.sampled_from(["0", "1", "2", "serp", ""])),
)
actions = st.one_of(
    st.tuples(
        st.just("complete"),
        st.sampled_from(LEARNING_STEPS),
        st.one_of(st.none(), st.integers(0, 6)),
        st.sampled_from([None, "", "I learned to use quotes."]),
    ),
    st.tuples(st.just("checkpoint"), st.sampled_from(CHECKPOINTS), answers),
    st.tuples(st.just("prepare"), st.sampled_from(CHECKPOINTS)),
    st.tuples(st.just("goal"), st.sampled_from([None, 60, 5])),
    st.tuples(st.just("skip placement")),
    st.tuples(st.just("commit")),
)


def _do(session, enrollment, action, now) -> bool:
    """Carry out the action; False when it was refused (its unit of work rolled back)."""
    kind = action[0]
    try:
        if kind == "complete":
            completion.complete_step(
                session, enrollment, action[1], now=now, confidence=action[2], reflection=action[3]
            )
        elif kind == "checkpoint":
            checkpoints.submit_checkpoint(session, enrollment, action[1], action[2], now=now)
        elif kind == "prepare":
            for key in PREPARED[action[1]]:
                completion.complete_step(
                    session, enrollment, key, now=now, reflection="I check who wrote it."
                )
        elif kind == "goal":
            goals.set_goal(
                session, enrollment, minutes_per_week=action[1], target_date=None, now=now
            )
        elif kind == "skip placement":
            diagnostics.skip_placement(session, enrollment, now=now)
        else:
            session.commit()
    except DomainError:
        session.rollback()  # as the web edge does: a refused request changes nothing
        return False
    return True


def _start_over(session, enrollment) -> None:
    for table in (ProgressEvent, SkillMastery, ReviewCardRow, LearnerStateRow, Score):
        session.execute(delete(table).where(table.enrollment_id == enrollment.id))
    session.commit()


@hypothesis_settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sequence=st.lists(
        # an action, the minutes since the one before, and whether its request ends with it
        st.tuples(actions, st.integers(0, 60 * 24 * 12), st.booleans()),
        min_size=1,
        max_size=14,
    )
)
@example(  # checks failed twice, passed, passed in another order, and reviewed
    sequence=[
        (("prepare", "check-search"), 5, True),
        (("checkpoint", "check-search", SEARCH_WRONG), 5, True),
        (("checkpoint", "check-search", SEARCH_WRONG), 5, False),
        (("checkpoint", "check-search", SEARCH_RIGHT), 60, True),
        (("prepare", "check-judge-safety"), 60, True),
        (("checkpoint", "check-judge-safety", SAFETY_RIGHT), 5, True),
        (("checkpoint", "check-search", SEARCH_WRONG), 60 * 24 * 9, True),
    ]
)
def test_after_any_sequence_the_read_model_is_the_full_derivation(session, enrollment, sequence):
    _start_over(session, enrollment)
    now = START
    for action, minutes, ends_request in sequence:
        now += timedelta(minutes=minutes)
        if _do(session, enrollment, action, now) and ends_request:
            session.commit()
    state.state_of(session, enrollment)
    session.commit()
    found = current_stored(session, enrollment)
    assert found is not None
    assert_same_as_derivation(session, enrollment, found)
    assert_dashboard_reads_as_from_events(session, enrollment, now)


def assert_dashboard_reads_as_from_events(session, enrollment, now) -> None:
    """The class dashboard's row from the stored summary is the row the events give."""
    assignment = enrollment.assignment
    roster = class_roster(session, None, assignment)

    def row():
        (found,) = class_view(session, assignment, roster, now).rows
        progress = found.progress
        return (
            (found.status, found.percent, found.last_activity, found.failed_checkpoints),
            (found.cells, found.skills, found.minutes_spent),
            (progress.finished, progress.tested_out, list(progress.checkpoints.items())),
        )

    with counted(session.connection()) as statements:
        stored = row()
    assert sum("progress_events" in s for s in statements) == 1  # the summary was read
    session.execute(update(LearnerStateRow).values(summary=None))
    session.commit()
    assert row() == stored


def test_mastery_written_by_two_models_is_estimated_again(session, enrollment):
    study(session, enrollment)
    session.commit()
    session.execute(update(SkillMastery).where(SkillMastery.skill == "search").values(model="elo"))
    session.add(
        SkillMastery(
            enrollment_id=enrollment.id,
            skill="evaluate",
            model="bkt",
            mastery=0.5,
            uncertainty=0.5,
            answers=0,
            correct=0,
            internals=[],
        )
    )
    session.execute(delete(LearnerStateRow))
    session.commit()
    assert state.state_of(session, enrollment).model == state.MIXED
    bkt = make_model("bkt")
    found = state.state_with_model(session, enrollment, bkt)
    assert found.model == "bkt" and set(found.mastery) == {"search"}
    session.commit()
    assert_same_as_derivation(session, enrollment, current_stored(session, enrollment))


def test_rebuilt_review_cards_replace_the_held_ones(session, enrollment):
    study(session, enrollment)
    checkpoints.submit_checkpoint(session, enrollment, "check-search", SEARCH_RIGHT, now=utcnow())
    session.commit()
    held = state.state_of(session, enrollment)
    held.cards.clear()  # as if the request's cards were lost
    steps = published_steps(session, enrollment.assignment.version)
    review_cards.rebuild_cards(session, enrollment.id, {s.key: s.mastery_threshold for s in steps})
    assert set(held.cards) == {"check-search"}
    session.commit()
    assert_same_as_derivation(session, enrollment, current_stored(session, enrollment))


def test_caches_are_written_without_a_held_state_too(session, enrollment):
    """Mastery and review updates from code that holds no learner state still reach their
    tables, and another model's evidence rebuilds the mastery first."""
    study(session, enrollment)
    session.commit()
    assert learner_state.held(session, enrollment.id) is None
    card = review_cards.after_checkpoint(
        session, enrollment.id, "check-search", score=1.0, threshold=0.66, passed=True, at=utcnow()
    )
    assert [c.key for c in review_cards.cards_of(session, enrollment.id)] == [card.key]
    elo = make_model("elo")
    evidence = [skills.Observation("search", True, utcnow())]
    before, changed = skills.observe_all(session, enrollment, elo, evidence)
    assert before == {} and changed == skills.states_of(session, enrollment, elo)


def read_with_the_learner(session, enrollment):
    """What a learner request's first statement holds of the state (None: nothing held)."""
    session.commit()  # a new unit of work: nothing held yet
    found = learner_on_activity(session, enrollment.user_id, enrollment.assignment.activity_id)
    assert found.enrollment is not None and found.enrollment.id == enrollment.id
    return learner_state.held(session, enrollment.id)


def test_the_learner_read_holds_their_current_state(session, enrollment):
    study(session, enrollment)
    session.commit()
    held = read_with_the_learner(session, enrollment)
    assert held is not None and not held.changed
    assert_same_as_derivation(session, enrollment, held)
    with counted(session.connection()) as statements:
        view = path_view(session, enrollment, utcnow())
    assert statements == []  # the state came with the learner
    assert view.progress.completed == {"search-basics", "search-queries"}


def corrupt_the_state(session, row, enrollment):
    row.state = row.state.replace('"done":[', '"done":["fact-check",', 1)


def claim_another_version(session, row, enrollment):
    row.version_id = enrollment.assignment.version.id + 1
    row.checksum = learner_state.checksum(row.version_id, row.model, row.events, row.state)


def claim_another_format(session, row, enrollment):
    row.format = learner_state.FORMAT + 1


def record_an_event_elsewhere(session, row, enrollment):
    completed_elsewhere(session, enrollment, "fact-check")


@pytest.mark.parametrize(
    "spoil",
    [corrupt_the_state, claim_another_version, claim_another_format, record_an_event_elsewhere],
)
def test_the_learner_read_never_holds_a_stale_state(session, enrollment, spoil):
    study(session, enrollment)
    session.commit()
    spoil(session, stored_row(session, enrollment), enrollment)
    session.commit()
    assert read_with_the_learner(session, enrollment) is None
    view = path_view(session, enrollment, utcnow())  # derived again from the events
    assert view.progress.completed == derivation(session, enrollment)[0].completed
