import math
import random

import pytest

from paths.errors import DomainError
from paths.learning.bkt import BKT
from paths.learning.evaluation import (
    auc,
    cross_validate,
    gap_closed,
    learner_folds,
    model_predictions,
    score,
    skill_mean_predictions,
    timed_fit,
)
from paths.learning.mastery import Response
from paths.learning.simulation import SimSkill, simulate_log


def test_auc_counts_ties_as_half():
    assert auc([True, False], [0.9, 0.1]) == 1.0
    assert auc([True, False], [0.1, 0.9]) == 0.0
    assert auc([True, False, True, False], [0.5, 0.5, 0.8, 0.2]) == pytest.approx(0.875)
    assert math.isnan(auc([True, True], [0.2, 0.3]))


def test_scores():
    s = score([True, False], [0.8, 0.4])
    assert s.rmse == pytest.approx(math.sqrt((0.04 + 0.16) / 2))
    assert s.log_loss == pytest.approx(-(math.log(0.8) + math.log(0.6)) / 2)


def test_predictions_are_made_before_each_answer_per_learner():
    model = BKT()
    responses = [Response("a", "k", True), Response("b", "k", False), Response("a", "k", True)]
    predictions = model_predictions(model, responses)
    assert predictions[0] == predictions[1] == model.predict(model.initial("k"))
    assert predictions[2] > predictions[0]


def test_baseline_and_gap():
    train = [Response("a", "k", True), Response("a", "k", False), Response("a", "j", True)]
    test = [Response("b", "k", True), Response("b", "new", True)]
    assert skill_mean_predictions(train, test) == [0.5, pytest.approx(2 / 3)]
    assert gap_closed(0.8, 0.6, 0.9) == pytest.approx(2 / 3)


def brute_auc(labels, predictions):
    pos = [p for p, y in zip(predictions, labels, strict=True) if y]
    neg = [p for p, y in zip(predictions, labels, strict=True) if not y]
    wins = sum(1.0 if a > b else 0.5 if a == b else 0.0 for a in pos for b in neg)
    return wins / (len(pos) * len(neg))


def test_auc_agrees_with_counting_every_pair():
    rng = random.Random(2)
    labels = [rng.random() < 0.6 for _ in range(300)]
    predictions = [round(rng.random(), 1) for _ in range(300)]  # many ties
    assert auc(labels, predictions) == pytest.approx(brute_auc(labels, predictions))


def sim_responses(learners, seed):
    skills = [SimSkill("k", guess=0.2, slip=0.1, learn=0.2), SimSkill("j", guess=0.25)]
    log = simulate_log(skills, learners, seed=seed, answers=(5, 5))
    return [Response(a.user, a.skill, a.correct, a.at) for a in log]


def test_folds_split_learners_not_answers():
    responses = sim_responses(23, 1)
    folds = learner_folds(responses, 5)
    assert len(folds) == 5 and sum(len(f) for f in folds) == 23
    assert set().union(*folds) == {r.user for r in responses}
    assert all(3 <= len(f) <= 5 for f in folds)
    assert folds == learner_folds(responses, 5)  # a fixed seed


@pytest.mark.parametrize(("folds", "message"), [(1, "at least 2 folds"), (30, "at least 30")])
def test_impossible_folds_are_refused(folds, message):
    with pytest.raises(DomainError, match=message):
        learner_folds(sim_responses(23, 1), folds)


def test_cross_validation_scores_every_answer_once_on_unseen_learners():
    responses = sim_responses(60, 3)
    seen = []

    class Recording(BKT):
        def fit(self, train, **options):
            seen.append({r.user for r in train})
            return super().fit(train, **options)

    result = cross_validate(Recording, responses, folds=3)
    assert result.pooled.count == len(responses)
    assert 0.6 < result.pooled.auc < 1.0
    assert result.fold_auc_sd >= 0.0 and result.fit_seconds >= 0.0
    for fold, users in zip(learner_folds(responses, 3), seen, strict=True):
        assert not fold & users


def test_a_fit_is_timed():
    fitted, seconds = timed_fit(BKT(), sim_responses(10, 4))
    assert isinstance(fitted, BKT) and seconds > 0.0
