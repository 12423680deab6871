import math
import random
from datetime import UTC, datetime, timedelta

import pytest

from paths.learning.elo import Elo, EloParams
from paths.learning.families import model_from_json
from paths.learning.mastery import Response

T0 = datetime(2025, 1, 1, tzinfo=UTC)


def test_answers_move_ability_and_shrink_uncertainty():
    model = Elo(default=EloParams(mean=0.0, sd=1.5, gain=0.0))
    start = model.initial("k")
    right = model.update(start, True)
    wrong = model.update(start, False)
    assert right.internals[0] > 0 > wrong.internals[0]
    assert right.internals[1] < start.internals[1]
    assert right.mastery > start.mastery > wrong.mastery
    assert model.predict(right) > model.predict(start) > model.predict(wrong)


def test_practice_adds_the_learning_gain_but_a_diagnostic_does_not():
    model = Elo(default=EloParams(gain=0.4))
    start = model.initial("k")
    practised = model.update(start, True, practice=True)
    diagnostic = model.update(start, True, practice=False)
    assert practised.internals[0] - diagnostic.internals[0] == pytest.approx(0.4)
    assert model.study(start).internals[0] == pytest.approx(start.internals[0] + 0.4)


def test_time_without_answers_widens_the_belief():
    model = Elo(default=EloParams(drift=0.1))
    state = model.update(model.initial("k"), True, T0)
    soon = model.update(state, True, T0 + timedelta(hours=1))
    later = model.update(state, True, T0 + timedelta(days=30))
    assert later.internals[1] > soon.internals[1]


def test_fit_recovers_prior_mean_and_gain_of_logistic_learners():
    rng = random.Random(5)
    responses = []
    for user in range(250):
        ability = rng.gauss(-1.0, 1.0)
        for _ in range(8):
            correct = rng.random() < 1 / (1 + math.exp(-ability))
            responses.append(Response(f"u{user}", "k", correct))
            ability += 0.3
    p = Elo().fit(responses).skill_params("k")
    assert p.mean == pytest.approx(-1.0, abs=0.4)
    assert p.gain == pytest.approx(0.3, abs=0.15)


def test_parameters_round_trip_through_json():
    model = Elo({"k": EloParams(0.5, 1.0, 0.2, 0.01)})
    again = model_from_json(model.params_json())
    assert isinstance(again, Elo) and again.skill_params("k") == model.skill_params("k")
