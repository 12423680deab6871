"""The engine wired into the product: mastery in the database, adaptive placement, the
recommendation behind `next_step`, FSRS reviews and skill checks, on the demo path."""

from datetime import timedelta

import pytest
from sqlalchemy import delete, func, select

from paths import mastery, placement, reviews, studying
from paths.db import utcnow
from paths.errors import Conflict
from paths.learning import BKT, BKTParams, make_model
from paths.mastery import SkillMastery
from paths.path_view import REVIEW_DUE, path_view
from paths.progress import ProgressEvent
from paths.recommend import (
    BEHIND,
    CHECKPOINT_READY,
    CLOSES_GAP,
    GRAPHS,
    REMEDIAL,
    REVIEW,
    graph_for,
)
from paths.version_cache import PerVersion, forget_every_version, version_key

SEARCH_RIGHT = {0: "1", 1: "0", 2: "serp"}
SEARCH_HALF = {0: "1", 1: "1", 2: "serp"}
BEFORE_CHECK = ("search-basics", "search-queries")


def cached(session, enrollment) -> dict[str, tuple]:
    rows = session.scalars(select(SkillMastery).where(
        SkillMastery.enrollment_id == enrollment.id))
    return {r.skill: (r.model, round(r.mastery, 9), r.answers, r.correct, r.last_correct,
                      tuple(round(x, 9) for x in r.internals)) for r in rows}


def study(session, enrollment, keys=BEFORE_CHECK, now=None):
    for key in keys:
        studying.complete_step(session, enrollment, key, now=now or utcnow())


# -- mastery -------------------------------------------------------------------------------

def test_every_checkpoint_answer_updates_mastery_per_question_skill(session, enrollment):
    model = make_model("bkt")
    study(session, enrollment)
    studied = mastery.states_of(session, enrollment, model)["search"]
    assert studied.answers == 0 and studied.mastery > model.initial("search").mastery
    studying.submit_checkpoint(session, enrollment, "check-search", SEARCH_HALF, now=utcnow())
    state = mastery.states_of(session, enrollment, model)["search"]
    assert (state.answers, state.correct, state.last_correct) == (3, 2, True)
    by_learner = mastery.mastery_by_learner(session, [enrollment.id, 999])
    assert by_learner == {enrollment.id: {"search": state.mastery}, 999: {}}


def test_mastery_is_rebuilt_from_the_events_exactly(session, enrollment):
    model = make_model("bkt")
    study(session, enrollment)
    studying.submit_checkpoint(session, enrollment, "check-search", {0: "0"}, now=utcnow())
    studying.complete_step(session, enrollment, "search-review", now=utcnow())
    studying.submit_checkpoint(session, enrollment, "check-search", SEARCH_RIGHT, now=utcnow())
    diagnostic = placement.current(session, enrollment, model).question
    placement.answer(session, enrollment, model, None, diagnostic.id, "", now=utcnow())
    incremental = cached(session, enrollment)
    assert set(incremental) == {"search", "evaluate"}
    session.execute(delete(SkillMastery))
    assert mastery.states_of(session, enrollment, model) == {}
    mastery.rebuild(session, enrollment, model)
    assert cached(session, enrollment) == incremental


def test_another_configured_model_rebuilds_the_cache(session, enrollment):
    study(session, enrollment)
    studying.submit_checkpoint(session, enrollment, "check-search", SEARCH_RIGHT, now=utcnow())
    elo = make_model("elo")
    states = mastery.states_of(session, enrollment, elo)
    assert states["search"].answers == 3 and len(states["search"].internals) == 2
    assert {row[0] for row in cached(session, enrollment).values()} == {"elo"}


def test_fitted_parameters_are_used_for_their_skills(session, enrollment):
    fitted = BKT({"search": BKTParams(init=0.9, guess=0.1)})
    assert mastery.save_parameters(session, fitted, {"search": 40}, utcnow()) == 1
    model = mastery.fitted_model(session, "bkt", {"search", "safety"})
    assert model.initial("search").mastery == pytest.approx(0.9)
    assert model.initial("safety").mastery == pytest.approx(0.3)
    assert mastery.fitted_model(session, "elo").name == "elo"


def test_fitted_models_are_read_once_a_minute_and_a_new_fit_at_once(session, enrollment):
    from tests.functional.test_launch_cost import counted

    models = mastery.FittedModels(seconds=60)
    first = models.get(session, "bkt", {"search"})
    with counted() as statements:
        assert models.get(session, "bkt", {"search"}) is first
    assert statements == []
    mastery.FITTED.get(session, "bkt", {"search"})
    mastery.save_parameters(session, BKT({"search": BKTParams(init=0.8)}), {}, utcnow())
    assert mastery.FITTED.get(session, "bkt", {"search"}).initial("search").mastery == \
        pytest.approx(0.8)  # a fit in this process clears the process's models
    stale = mastery.FittedModels(seconds=0)
    stale.get(session, "bkt", {"search"})
    with counted() as statements:
        stale.get(session, "bkt", {"search"})
    assert len(statements) == 1  # after `seconds`, read again


def test_logged_answers_are_responses_in_time_order(session, enrollment):
    study(session, enrollment)
    now = utcnow()
    studying.submit_checkpoint(session, enrollment, "check-search", SEARCH_HALF, now=now)
    responses = mastery.logged_responses(session)
    assert [(r.user, r.skill, r.correct) for r in responses] == [
        (str(enrollment.id), "search", True), (str(enrollment.id), "search", False),
        (str(enrollment.id), "search", True)]


# -- placement -----------------------------------------------------------------------------

def test_placement_asks_where_it_is_least_certain_and_resumes(session, enrollment):
    model = make_model()
    first = placement.current(session, enrollment, model)
    assert first.question.skill == "evaluate" and first.asked == 0 and first.budget == 12
    assert placement.answer(session, enrollment, model, None, first.question.id, "1",
                            now=utcnow())
    # The same form sent again records nothing; the diagnostic resumes where it was.
    assert not placement.answer(session, enrollment, model, None, first.question.id, "1",
                                now=utcnow())
    again = placement.current(session, enrollment, model)
    assert again.asked == 1 and again.question.id != first.question.id
    assert mastery.states_of(session, enrollment, model)["evaluate"].answers == 1


def test_placement_stops_at_its_budget(session, enrollment, monkeypatch):
    monkeypatch.setattr(placement, "PLACEMENT_BUDGET", 2)
    model = make_model()
    for _ in range(2):
        question = placement.current(session, enrollment, model).question
        placement.answer(session, enrollment, model, None, question.id, "1", now=utcnow())
    result = placement.placement_result(session, enrollment)
    assert result.stop_reason == "budget" and result.questions == 2
    assert result.tested_out == ()


def test_placement_can_be_finished_at_any_time(session, enrollment):
    model = make_model()
    question = placement.current(session, enrollment, model).question
    placement.answer(session, enrollment, model, None, question.id, "", now=utcnow())
    result = placement.finish(session, enrollment, model, now=utcnow())
    assert result.stop_reason == "learner_finished" and result.questions == 1
    assert not placement.offers_placement(session, enrollment)
    with pytest.raises(Conflict):
        placement.answer(session, enrollment, model, None, question.id, "", now=utcnow())
    with pytest.raises(Conflict):
        placement.finish(session, enrollment, model, now=utcnow())


def test_a_skill_check_proves_mastery_and_tests_out_its_steps(session, enrollment):
    model = make_model()
    right = {f"check-search:{i}": a for i, a in SEARCH_RIGHT.items()}
    for _ in range(3):
        assert placement.last_skill_check(session, enrollment, "search") is None
        question = placement.current(session, enrollment, model, "search").question
        placement.answer(session, enrollment, model, "search", question.id,
                         right[question.id], now=utcnow())
    result = placement.last_skill_check(session, enrollment, "search")
    assert result.mastered == ("search",)
    assert set(result.tested_out) == {"search-basics", "search-queries", "check-search"}
    # A new check can start again afterwards.
    assert placement.current(session, enrollment, model, "search").asked == 0


# -- recommendation ------------------------------------------------------------------------

def test_next_step_orders_gain_then_checkpoint_then_remedial(session, enrollment):
    view = path_view(session, enrollment, utcnow())
    assert (view.up_next.step_key, view.up_next.reason) == ("search-basics", CLOSES_GAP)
    study(session, enrollment)
    view = path_view(session, enrollment, utcnow())
    assert (view.up_next.step_key, view.up_next.reason) == ("check-search", CHECKPOINT_READY)
    assert view.up_next.params == {"skills": "search"}
    studying.submit_checkpoint(session, enrollment, "check-search", {0: "0"}, now=utcnow())
    view = path_view(session, enrollment, utcnow())
    assert (view.up_next.step_key, view.up_next.reason) == ("search-review", REMEDIAL)


def test_a_learner_behind_their_date_gets_the_quickest_gain(session, enrollment):
    now = utcnow()
    study(session, enrollment)
    studying.submit_checkpoint(session, enrollment, "check-search", SEARCH_RIGHT, now=now)
    studying.set_goal(session, enrollment, minutes_per_week=10,
                      target_date=(now + timedelta(days=7)).date(), now=now)
    up_next = path_view(session, enrollment, now).up_next
    assert up_next.reason == BEHIND and up_next.step_key == "passwords"  # 10 min, not 15
    assert up_next.params["days_left"] == "7" and up_next.params["minutes_left"] == "88"


def test_the_graph_is_built_once_per_version(session, enrollment):
    steps = studying.steps_of(enrollment)
    key = version_key(enrollment.assignment.version)
    GRAPHS.clear()
    assert graph_for(key, steps) is graph_for(key, steps)
    small: PerVersion[list] = PerVersion(size=1)
    first = small.get("a", lambda: list(steps))
    assert small.get("a", lambda: list(steps)) is first
    small.get("b", lambda: list(steps))
    assert small.get("a", lambda: list(steps)) is not first  # the least recently used went out
    graph = graph_for(key, steps)
    forget_every_version()  # every per-version cache of the process, this small one too
    assert graph_for(key, steps) is not graph
    assert small.get("b", lambda: "built again") == "built again"



# -- review --------------------------------------------------------------------------------

def test_a_passed_checkpoint_comes_back_for_review_when_due(session, enrollment):
    passed_at = utcnow()
    study(session, enrollment, now=passed_at)
    studying.submit_checkpoint(session, enrollment, "check-search", SEARCH_RIGHT, now=passed_at)
    card = reviews.cards_of(session, enrollment.id)[0]
    assert card.key == "check-search" and card.reviews == 1 and card.due > passed_at + \
        timedelta(days=1)
    hours_later = passed_at + timedelta(hours=20)
    assert reviews.due_checkpoints(session, enrollment.id, hours_later) == []
    later = card.due + timedelta(minutes=1)
    view = path_view(session, enrollment, later)
    assert (view.up_next.step_key, view.up_next.reason) == ("check-search", REVIEW)
    assert {s.step.key: s.status for s in view.steps}["check-search"] == REVIEW_DUE
    studying.submit_checkpoint(session, enrollment, "check-search", SEARCH_RIGHT, now=later)
    card2 = reviews.cards_of(session, enrollment.id)[0]
    assert card2.reviews == 2 and card2.due - later > card.due - passed_at
    assert reviews.due_checkpoints(session, enrollment.id, later) == []
    thresholds = {s.key: s.mastery_threshold for s in studying.steps_of(enrollment)}
    assert reviews.rebuild_cards(session, enrollment.id, thresholds) == {"check-search": card2}


def test_a_failed_checkpoint_has_no_review_card(session, enrollment):
    study(session, enrollment)
    studying.submit_checkpoint(session, enrollment, "check-search", {0: "0"}, now=utcnow())
    assert reviews.cards_of(session, enrollment.id) == []
    assert session.scalar(select(func.count()).select_from(ProgressEvent)) == 3
