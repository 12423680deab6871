import json
import math

import pytest

from paths.learning.bkt import BKT, BKTParams
from paths.learning.families import model_from_json
from paths.learning.mastery import Response
from paths.learning.simulation import SimSkill, simulate_log


def test_a_correct_answer_raises_mastery_and_a_wrong_one_lowers_it():
    model = BKT(default=BKTParams(init=0.3, learn=0.0, forget=0.0, guess=0.2, slip=0.1))
    start = model.initial("fractions")
    right = model.update(start, True)
    wrong = model.update(start, False)
    # Bayes' rule: 0.3*0.9 / (0.3*0.9 + 0.7*0.2)
    assert right.mastery == pytest.approx(0.27 / 0.41)
    assert wrong.mastery == pytest.approx(0.03 / (0.03 + 0.56))
    assert (right.answers, right.correct, wrong.correct) == (1, 1, 0)
    assert right.last_correct is True and wrong.last_correct is False


def test_practice_applies_learning_and_forgetting_but_a_diagnostic_does_not():
    model = BKT(default=BKTParams(init=0.5, learn=0.2, forget=0.1, guess=0.2, slip=0.1))
    start = model.initial("k")
    posterior = 0.5 * 0.9 / (0.5 * 0.9 + 0.5 * 0.2)
    assert model.update(start, True, practice=False).mastery == pytest.approx(posterior)
    assert model.update(start, True).mastery == pytest.approx(
        posterior * 0.9 + (1 - posterior) * 0.2
    )


def test_prediction_mixes_slip_and_guess():
    model = BKT(default=BKTParams(init=0.4, guess=0.25, slip=0.1))
    assert model.predict(model.initial("k")) == pytest.approx(0.4 * 0.9 + 0.6 * 0.25)


def test_uncertainty_is_the_sd_of_the_mastery_judgement():
    state = BKT(default=BKTParams(init=0.5)).initial("k")
    assert state.uncertainty == pytest.approx(0.5)


def test_study_adds_the_expected_learning():
    model = BKT(default=BKTParams(init=0.2, learn=0.25))
    assert model.study(model.initial("k")).mastery == pytest.approx(0.2 + 0.8 * 0.25)


def test_fit_recovers_known_parameters_from_simulated_learners():
    truth = SimSkill("k", guess=0.15, slip=0.1, learn=0.2)
    log = simulate_log([truth], 400, seed=11, prior=(0.35, 0.35), answers=(8, 8), review_chance=0.0)
    fitted = BKT().fit(Response(a.user, a.skill, a.correct, a.at) for a in log)
    p = fitted.skill_params("k")
    assert p.init == pytest.approx(0.35, abs=0.07)
    assert p.learn == pytest.approx(0.2, abs=0.06)
    assert p.guess == pytest.approx(0.15, abs=0.06)
    assert p.slip == pytest.approx(0.1, abs=0.04)
    assert p.forget < 0.05


def test_fit_keeps_defaults_for_skills_without_data_and_bounds_degenerate_logs():
    all_right = [Response(f"u{i}", "easy", True) for i in range(20) for _ in range(3)]
    fitted = BKT().fit(all_right)
    p = fitted.skill_params("easy")
    assert all(
        0.0 <= v <= 1.0 and not math.isnan(v) for v in (p.init, p.learn, p.forget, p.guess, p.slip)
    )
    assert p.guess <= 0.4 and p.slip <= 0.4
    assert fitted.skill_params("other") == BKTParams()


def test_parameters_round_trip_through_json():
    fitted = BKT({"k": BKTParams(0.4, 0.2, 0.01, 0.15, 0.05)})
    again = model_from_json(json.loads(json.dumps(fitted.params_json())))
    assert isinstance(again, BKT) and again.skill_params("k") == fitted.skill_params("k")
