"""Mastery per learner and skill in the database (`paths.study.skills`): updated by every
answer and study step, rebuilt from the events, fitted parameters read once a minute."""

import pytest
from sqlalchemy import delete, select

from paths.db import utcnow
from paths.learning import BKT, BKTParams, make_model
from paths.study import checkpoints, completion, diagnostics, skills
from paths.study.skills import SkillMastery
from tests.unit.paths.study.demo_path import SEARCH_HALF, SEARCH_RIGHT, study


def cached(session, enrollment) -> dict[str, tuple]:
    rows = session.scalars(select(SkillMastery).where(SkillMastery.enrollment_id == enrollment.id))
    return {
        r.skill: (
            r.model,
            round(r.mastery, 9),
            r.answers,
            r.correct,
            r.last_correct,
            tuple(round(x, 9) for x in r.internals),
        )
        for r in rows
    }


def test_every_checkpoint_answer_updates_mastery_per_question_skill(session, enrollment):
    model = make_model("bkt")
    study(session, enrollment)
    studied = skills.states_of(session, enrollment, model)["search"]
    assert studied.answers == 0 and studied.mastery > model.initial("search").mastery
    checkpoints.submit_checkpoint(session, enrollment, "check-search", SEARCH_HALF, now=utcnow())
    state = skills.states_of(session, enrollment, model)["search"]
    assert (state.answers, state.correct, state.last_correct) == (3, 2, True)
    by_learner = skills.mastery_by_learner(session, [enrollment.id, 999])
    assert by_learner == {enrollment.id: {"search": state.mastery}, 999: {}}


def test_mastery_is_rebuilt_from_the_events_exactly(session, enrollment):
    model = make_model("bkt")
    study(session, enrollment)
    checkpoints.submit_checkpoint(session, enrollment, "check-search", {0: "0"}, now=utcnow())
    completion.complete_step(session, enrollment, "search-review", now=utcnow())
    checkpoints.submit_checkpoint(session, enrollment, "check-search", SEARCH_RIGHT, now=utcnow())
    diagnostic = diagnostics.current(session, enrollment, model).question
    diagnostics.answer(session, enrollment, model, None, diagnostic.id, "", now=utcnow())
    incremental = cached(session, enrollment)
    assert set(incremental) == {"search", "evaluate"}
    session.execute(delete(SkillMastery))
    assert skills.states_of(session, enrollment, model) == {}
    skills.rebuild(session, enrollment, model)
    assert cached(session, enrollment) == incremental


def test_another_configured_model_rebuilds_the_cache(session, enrollment):
    study(session, enrollment)
    checkpoints.submit_checkpoint(session, enrollment, "check-search", SEARCH_RIGHT, now=utcnow())
    elo = make_model("elo")
    states = skills.states_of(session, enrollment, elo)
    assert states["search"].answers == 3 and len(states["search"].internals) == 2
    assert {row[0] for row in cached(session, enrollment).values()} == {"elo"}


def test_fitted_parameters_are_used_for_their_skills(session, enrollment):
    fitted = BKT({"search": BKTParams(init=0.9, guess=0.1)})
    assert (
        skills.save_parameters(
            session, fitted, {"search": 40}, utcnow(), cache=skills.FittedModels()
        )
        == 1
    )
    model = skills.fitted_model(session, "bkt", {"search", "safety"})
    assert model.initial("search").mastery == pytest.approx(0.9)
    assert model.initial("safety").mastery == pytest.approx(0.3)
    assert skills.fitted_model(session, "elo").name == "elo"


def test_fitted_models_are_read_once_a_minute_and_a_new_fit_at_once(session, enrollment):
    from tests.statements import counted

    models = skills.FittedModels(seconds=60)
    first = models.get(session, "bkt", {"search"})
    with counted(session.get_bind()) as statements:
        assert models.get(session, "bkt", {"search"}) is first
    assert statements == []
    skills.save_parameters(
        session, BKT({"search": BKTParams(init=0.8)}), {}, utcnow(), cache=models
    )
    assert models.get(session, "bkt", {"search"}).initial("search").mastery == pytest.approx(
        0.8
    )  # a fit in this process clears the process's models
    stale = skills.FittedModels(seconds=0)
    stale.get(session, "bkt", {"search"})
    with counted(session.get_bind()) as statements:
        stale.get(session, "bkt", {"search"})
    assert len(statements) == 1  # after `seconds`, read again


def test_logged_answers_are_responses_in_time_order(session, enrollment):
    study(session, enrollment)
    now = utcnow()
    checkpoints.submit_checkpoint(session, enrollment, "check-search", SEARCH_HALF, now=now)
    responses = skills.logged_responses(session)
    assert [(r.user, r.skill, r.correct) for r in responses] == [
        (str(enrollment.id), "search", True),
        (str(enrollment.id), "search", False),
        (str(enrollment.id), "search", True),
    ]
