import pytest

from paths.learning import BKT, BKTParams
from paths.learning.evaluation import auc, model_predictions
from paths.learning.mastery import Response
from paths.learning.simulation import SimSkill, default_skills, ideal_predictions, simulate_log


def test_ideal_predictions_are_bkt_with_the_true_parameters_for_one_skill():
    skill = SimSkill("k", guess=0.2, slip=0.1, learn=0.25)
    log = simulate_log([skill], 30, seed=5, prior=(0.4, 0.4))
    bkt = BKT(default=BKTParams(init=0.4, learn=0.25, forget=0.0, guess=0.2, slip=0.1))
    expected = model_predictions(bkt, [Response(a.user, a.skill, a.correct, a.at) for a in log])
    assert ideal_predictions([skill], log, prior=(0.4, 0.4)) == pytest.approx(expected)


def test_ideal_predictions_rank_answers_between_a_fitted_model_and_the_oracle():
    skills = default_skills(4)
    train, test = simulate_log(skills, 150, seed=1), simulate_log(skills, 80, seed=2)
    labels = [a.correct for a in test]
    fitted = BKT().fit(Response(a.user, a.skill, a.correct, a.at) for a in train)
    model = auc(
        labels,
        model_predictions(fitted, [Response(a.user, a.skill, a.correct, a.at) for a in test]),
    )
    ideal = auc(labels, ideal_predictions(skills, test))
    oracle = auc(labels, [a.p_true for a in test])
    assert model - 0.01 < ideal < oracle
    assert all(0.0 <= p <= 1.0 for p in ideal_predictions(skills, test))
