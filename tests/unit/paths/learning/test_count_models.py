"""PFA and best-LR: count-based logistic models behind the common mastery-model interface."""

import json
import math
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from paths.learning.best_lr import BestLR, BestLRParams
from paths.learning.evaluation import model_predictions, score
from paths.learning.families import make_model, model_from_json
from paths.learning.logistic import (
    MASTERY_SUCCESS,
    answer_history,
    fit_logistic,
    hours_between,
    mastery_of,
    sigmoid,
)
from paths.learning.mastery import Response
from paths.learning.pfa import PFA, PFAParams
from paths.learning.simulation import SimSkill, simulate_log

T0 = datetime(2026, 5, 1, tzinfo=UTC)


def as_responses(log):
    return [Response(a.user, a.skill, a.correct, a.at) for a in log]


def test_pfa_predicts_from_easiness_successes_and_failures():
    model = PFA(default=PFAParams(easiness=-0.5, success=0.4, failure=0.1))
    state = model.initial("k")
    assert model.predict(state) == pytest.approx(sigmoid(-0.5))
    state = model.update(model.update(state, True, T0), False, T0)
    assert state.internals == (1.0, 1.0) and (state.answers, state.correct) == (2, 1)
    assert state.last_correct is False and state.last_at == T0
    assert model.predict(state) == pytest.approx(sigmoid(-0.5 + 0.4 + 0.1))
    assert state.mastery == pytest.approx(sigmoid(0.0) / MASTERY_SUCCESS)
    assert state.uncertainty == pytest.approx(math.sqrt(state.mastery * (1 - state.mastery)))


def test_a_learning_step_adds_one_expected_answer():
    model = PFA(default=PFAParams(easiness=0.0, success=0.6, failure=-0.2))
    studied = model.study(model.initial("k"))
    assert studied.internals == pytest.approx((0.5, 0.5))
    assert studied.answers == 0
    assert model.predict(studied) == pytest.approx(sigmoid(0.5 * 0.6 - 0.5 * 0.2))


def test_mastery_is_the_success_rate_against_the_mastered_rate_capped_at_one():
    assert mastery_of(MASTERY_SUCCESS / 2) == pytest.approx(0.5)
    assert mastery_of(0.99) == 1.0 and mastery_of(-0.1) == 0.0
    assert sigmoid(-800.0) == pytest.approx(0.0) and sigmoid(800.0) == 1.0


def test_best_lr_uses_log_counts_and_the_hours_since_the_last_attempt():
    p = BestLRParams(easiness=0.2, attempts=0.1, wins=0.5, fails=-0.3, hours=-0.4)
    model = BestLR(default=p)
    first = model.initial("k")
    assert model.predict(first, T0) == pytest.approx(sigmoid(0.2))
    state = model.update(model.update(first, True, T0), False, T0 + timedelta(hours=1))
    later = T0 + timedelta(hours=4)
    expected = 0.2 + 0.1 * math.log(3) + 0.5 * math.log(2) - 0.3 * math.log(2)
    assert model.predict(state) == pytest.approx(sigmoid(expected))
    assert model.predict(state, later) == pytest.approx(sigmoid(expected - 0.4 * math.log(4)))
    studied = model.study(state)
    assert studied.internals[0] + studied.internals[1] == pytest.approx(3.0)


def test_hours_between_is_zero_when_a_time_is_missing_or_out_of_order():
    assert hours_between(None, T0) == 0.0 and hours_between(T0, None) == 0.0
    assert hours_between(T0 + timedelta(hours=1), T0) == 0.0
    assert hours_between(T0, T0 + timedelta(minutes=90)) == 1.5


def test_the_history_of_each_answer_counts_only_earlier_answers_on_its_skill():
    log = [
        Response("ana", "a", True, T0),
        Response("ana", "b", False, T0),
        Response("ana", "a", False, T0 + timedelta(hours=2)),
        Response("ben", "a", True, None),
        Response("ana", "a", True, None),
    ]
    h = answer_history(log)
    assert h.skills == ["a", "b"]
    assert h.skill.tolist() == [0, 1, 0, 0, 0]
    assert h.wins.tolist() == [0, 0, 1, 0, 1]
    assert h.fails.tolist() == [0, 0, 0, 0, 1]
    assert h.hours.tolist() == [0, 0, 2, 0, 0]
    assert h.correct.tolist() == [True, False, False, True, True]


def test_the_newton_fit_recovers_a_known_logistic_model():
    rng = np.random.default_rng(4)
    n = 20_000
    skill = rng.integers(0, 3, n)
    x = rng.integers(0, 5, n).astype(float)
    g = rng.normal(size=n)
    true_local = np.array([[-1.0, 0.5], [0.0, 0.2], [1.0, -0.3]])
    z = true_local[skill, 0] + true_local[skill, 1] * x + 0.8 * g
    y = rng.random(n) < 1 / (1 + np.exp(-z))
    local = np.stack([np.ones(n), x], axis=1)
    coef, shared = fit_logistic(
        skill, local, g[:, None], y, np.zeros((3, 2)), np.zeros(1), ridge=1e-3
    )
    assert coef == pytest.approx(true_local, abs=0.12)
    assert shared == pytest.approx([0.8], abs=0.06)


def test_a_skill_without_answers_keeps_its_start_under_the_penalty():
    skill = np.zeros(50, dtype=np.intp)
    y = np.arange(50) % 2 == 0
    coef, _ = fit_logistic(
        skill, np.ones((50, 1)), np.zeros((50, 0)), y, np.array([[0.3], [0.7]]), np.zeros(0)
    )
    assert coef[1, 0] == pytest.approx(0.7)
    assert abs(coef[0, 0]) < 0.1


@pytest.mark.parametrize("name", ["pfa", "best-lr"])
def test_a_fitted_count_model_predicts_held_out_learners_better_than_chance(name):
    truth = [SimSkill("k", guess=0.2, slip=0.1, learn=0.25), SimSkill("j", guess=0.3, slip=0.1)]
    train = as_responses(simulate_log(truth, 200, seed=5, answers=(6, 6)))
    test = as_responses(simulate_log(truth, 100, seed=6, answers=(6, 6), user_prefix="t"))
    fitted = make_model(name).fit(train)
    assert set(fitted.params_json()["skills"]) == {"k", "j"}
    s = score([r.correct for r in test], model_predictions(fitted, test))
    assert s.auc > 0.7
    again = model_from_json(json.loads(json.dumps(fitted.params_json())))
    assert type(again) is type(fitted)
    assert again.params_json() == fitted.params_json()


def test_successes_raise_the_fitted_pfa_prediction():
    truth = [SimSkill("k", guess=0.2, slip=0.1, learn=0.3)]
    fitted = PFA().fit(as_responses(simulate_log(truth, 300, seed=7, answers=(6, 6))))
    p = fitted.skill_params("k")
    assert p.success > 0 and p.success > p.failure
    assert fitted.skill_params("other") == PFAParams()


def test_best_lr_shares_its_weights_between_skills():
    truth = [SimSkill("k", guess=0.2, slip=0.1), SimSkill("j", guess=0.4, slip=0.05)]
    fitted = BestLR().fit(as_responses(simulate_log(truth, 200, seed=8, answers=(5, 5))))
    k, j = fitted.skill_params("k"), fitted.skill_params("j")
    assert (k.attempts, k.wins, k.fails, k.hours) == (j.attempts, j.wins, j.fails, j.hours)
    assert k.easiness != j.easiness


@pytest.mark.parametrize("family", [PFA, BestLR])
def test_an_empty_log_keeps_the_parameters_and_out_of_range_ones_are_bounded(family):
    model = family()
    assert model.fit([]).params == {}
    data = model.params_json()
    data["default"]["easiness"] = 99.0
    data["skills"] = {"k": {"easiness": float("nan")}}
    again = model_from_json(data)
    assert again.default.easiness == 6.0
    assert again.skill_params("k").easiness == -6.0


def test_the_newton_fit_stops_at_its_iteration_budget():
    skill = np.zeros(40, dtype=np.intp)
    y = np.arange(40) % 4 != 0
    one, _ = fit_logistic(
        skill, np.ones((40, 1)), np.zeros((40, 0)), y, np.zeros((1, 1)), np.zeros(0), iterations=1
    )
    full, _ = fit_logistic(
        skill, np.ones((40, 1)), np.zeros((40, 0)), y, np.zeros((1, 1)), np.zeros(0)
    )
    assert 0.0 < one[0, 0] < full[0, 0]
