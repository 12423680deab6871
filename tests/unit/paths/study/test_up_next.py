"""What is up next and why (`paths.study.up_next`): the engine's recommendation on the demo
path, remedial steps after a failed checkpoint or review, and the graph built once per version."""

from datetime import timedelta

from paths.db import utcnow
from paths.study import checkpoints, completion, goals, learner_path
from paths.study.path_view import path_view
from paths.study.up_next import (
    BEHIND,
    CHECKPOINT_READY,
    CLOSES_GAP,
    REMEDIAL,
    REMEDIAL_REVIEW,
    graph_for,
    to_restudy,
)
from paths.version_cache import version_key
from tests.unit.paths.study.demo_path import SEARCH_RIGHT, SEARCH_WRONG, events, study, up_next


def test_next_step_orders_gain_then_checkpoint_then_remedial(session, enrollment):
    view = path_view(session, enrollment, utcnow())
    assert (view.up_next.step_key, view.up_next.reason) == ("search-basics", CLOSES_GAP)
    study(session, enrollment)
    view = path_view(session, enrollment, utcnow())
    assert (view.up_next.step_key, view.up_next.reason) == ("check-search", CHECKPOINT_READY)
    assert view.up_next.params == {"skills": "Finding information"}
    checkpoints.submit_checkpoint(session, enrollment, "check-search", {0: "0"}, now=utcnow())
    view = path_view(session, enrollment, utcnow())
    assert (view.up_next.step_key, view.up_next.reason) == ("search-review", REMEDIAL)


def test_failed_checkpoint_recommends_the_remedial_step_then_the_check(session, enrollment):
    now = utcnow()
    for key in ("search-basics", "search-queries"):
        completion.complete_step(session, enrollment, key, now=now)
    assert up_next(session, enrollment).reason == CHECKPOINT_READY
    result = checkpoints.submit_checkpoint(
        session, enrollment, "check-search", SEARCH_WRONG, now=now
    )
    assert not result.passed and result.correct == [False, False, False]
    remedial = up_next(session, enrollment)
    assert (remedial.step_key, remedial.reason) == ("search-review", REMEDIAL)
    assert remedial.params == {"checkpoint": "Check: finding information"}
    # Going over the remedial step again, each time as study, until the learner is ready to
    # retake the check: a retake right after one would most likely fail again.
    times = 0
    while up_next(session, enrollment).step_key == "search-review":
        assert completion.complete_step(session, enrollment, "search-review", now=now) is True
        times += 1
        assert times < 10
    assert times > 1
    assert up_next(session, enrollment).step_key == "check-search"
    assert checkpoints.submit_checkpoint(
        session, enrollment, "check-search", SEARCH_RIGHT, now=now
    ).passed
    view = path_view(session, enrollment, now)
    assert view.up_next.step_key == "judge-sources"
    assert {s.step.key: s.status for s in view.steps}["check-search"] == "done"


def test_a_failed_review_brings_the_remedial_step_back_until_it_is_done_again(session, enrollment):
    start = utcnow()
    later = start + timedelta(days=30)
    for key in ("search-basics", "search-queries"):
        completion.complete_step(session, enrollment, key, now=start)
    checkpoints.submit_checkpoint(session, enrollment, "check-search", SEARCH_WRONG, now=start)
    completion.complete_step(session, enrollment, "search-review", now=start)
    assert checkpoints.submit_checkpoint(
        session, enrollment, "check-search", SEARCH_RIGHT, now=start
    ).passed
    assert completion.complete_step(session, enrollment, "search-review", now=start) is False
    checkpoints.submit_checkpoint(session, enrollment, "check-search", SEARCH_WRONG, now=later)
    state = learner_path.progress_of(session, enrollment)
    assert "check-search" in state.passed and state.failed_latest == {"check-search"}
    assert to_restudy(learner_path.steps_of(session, enrollment), state) == {"search-review"}
    remedial = path_view(session, enrollment, later).up_next
    assert (remedial.step_key, remedial.reason) == ("search-review", REMEDIAL_REVIEW)
    assert remedial.params == {"checkpoint": "Check: finding information"}
    before = events(session)
    assert completion.complete_step(session, enrollment, "search-review", now=later) is True
    assert events(session) == before + 1
    while path_view(session, enrollment, later).up_next.step_key == "search-review":
        assert completion.complete_step(session, enrollment, "search-review", now=later) is True
        assert events(session) < before + 10
    assert checkpoints.submit_checkpoint(
        session, enrollment, "check-search", SEARCH_RIGHT, now=later
    ).passed
    assert completion.complete_step(session, enrollment, "search-review", now=later) is False


def test_a_learner_behind_their_date_gets_the_quickest_gain(session, enrollment):
    now = utcnow()
    study(session, enrollment)
    checkpoints.submit_checkpoint(session, enrollment, "check-search", SEARCH_RIGHT, now=now)
    goals.set_goal(
        session,
        enrollment,
        minutes_per_week=10,
        target_date=(now + timedelta(days=7)).date(),
        now=now,
    )
    up_next = path_view(session, enrollment, now).up_next
    assert up_next.reason == BEHIND and up_next.step_key == "passwords"  # 10 min, not 15
    assert up_next.params["days_left"] == "7" and up_next.params["minutes_left"] == "88"


def test_the_graph_is_built_once_per_version(session, enrollment):
    steps = learner_path.steps_of(session, enrollment)
    key = version_key(enrollment.assignment.version)
    graph = graph_for(session, key, steps)
    assert graph_for(session, key, steps) is graph
    assert graph_for(session, key, steps[:1]) is graph  # the steps are read once per version
    assert graph_for(session, ("another", key), steps) is not graph
