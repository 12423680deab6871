import math

import pytest

from paths.learning.bkt import BKT
from paths.learning.evaluation import (
    auc,
    gap_closed,
    model_predictions,
    score,
    skill_mean_predictions,
)
from paths.learning.mastery import Response


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
