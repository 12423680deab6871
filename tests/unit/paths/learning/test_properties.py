"""Whatever the answers and parameters, estimates stay probabilities."""

import math
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from paths.learning.bkt import BKT, BKTParams
from paths.learning.elo import Elo, EloParams
from paths.learning.mastery import Response

unit = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
answers = st.lists(st.booleans(), min_size=1, max_size=40)
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def is_probability(value: float) -> bool:
    return not math.isnan(value) and 0.0 <= value <= 1.0


@given(unit, unit, unit, unit, unit, answers)
def test_bkt_updates_stay_in_unit_interval(init, learn, forget, guess, slip, seq):
    model = BKT(default=BKTParams(init, learn, forget, guess, slip).bounded())
    state = model.initial("k")
    for correct in seq:
        state = model.update(state, correct)
        assert is_probability(state.mastery) and is_probability(model.predict(state))
        assert 0.0 <= state.uncertainty <= 0.5


@given(
    st.floats(-10, 10),
    st.floats(0.01, 10),
    st.floats(0, 5),
    answers,
    st.lists(st.floats(0, 400), min_size=40, max_size=40),
)
def test_elo_updates_stay_in_unit_interval(mean, sd, gain, seq, gaps):
    model = Elo(default=EloParams(mean, sd, gain, 0.5).bounded())
    state, at = model.initial("k"), T0
    for correct, gap in zip(seq, gaps, strict=False):
        at += timedelta(days=gap)
        state = model.update(state, correct, at)
        assert is_probability(state.mastery) and is_probability(model.predict(state))


logs = st.lists(st.lists(st.booleans(), min_size=1, max_size=12), min_size=1, max_size=12)


@settings(max_examples=40, deadline=None)
@given(logs)
def test_fitting_any_log_gives_valid_parameters(sequences):
    responses = [Response(f"u{i}", "k", c) for i, seq in enumerate(sequences) for c in seq]
    bkt = BKT().fit(responses).skill_params("k")
    assert all(is_probability(v) for v in (bkt.init, bkt.learn, bkt.forget, bkt.guess, bkt.slip))
    elo = Elo().fit(responses, sweeps=1)
    state = elo.initial("k")
    for r in responses[:10]:
        state = elo.update(state, r.correct)
        assert is_probability(elo.predict(state))
