"""The vectorised Elo fit gives the parameters of the plain per-skill coordinate ascent."""

import math
import random
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

import pytest

from paths.learning.elo import _VAR_LIMITS, BOUNDS, Elo, EloParams, _step, fit_skills
from paths.learning.mastery import Response, timed_sequences_by_skill


def reference_log_likelihood(
    sequences: list[list[tuple[bool, datetime | None]]], p: EloParams
) -> float:
    """Sum of log P(answer) of the model's sequential predictions."""
    total = 0.0
    var0 = p.sd * p.sd
    for seq in sequences:
        mean, var, last = p.mean, var0, None
        for correct, at in seq:
            if at is not None and last is not None:
                var = min(_VAR_LIMITS[1], var + p.drift * (at - last).total_seconds() / 86400.0)
            prob, mean, var = _step(mean, var, correct, p.gain)
            prob = min(1.0 - 1e-9, max(1e-9, prob))
            total += math.log(prob if correct else 1.0 - prob)
            last = at or last
    return total


def reference_fit(
    sequences: list[list[tuple[bool, datetime | None]]], start: EloParams, sweeps: int = 2
) -> EloParams:
    """Coordinate ascent of the log-likelihood with a golden-section search per parameter
    (the drift keeps its given value: logs often lack timestamps)."""
    current = start.bounded()
    for _ in range(sweeps):
        for name in ("mean", "sd", "gain"):
            low, high = BOUNDS[name]

            def objective(value: float, name: str = name, base: EloParams = current) -> float:
                values = asdict(base)
                values[name] = value
                return reference_log_likelihood(sequences, EloParams(**values))

            best = reference_golden_max(objective, low, high)
            values = asdict(current)
            values[name] = best
            current = EloParams(**values).bounded()
    return current


def reference_golden_max(
    f: Callable[[float], float], low: float, high: float, iterations: int = 14
) -> float:
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    a, b = low, high
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(iterations):
        if fc >= fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = f(c)
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = f(d)
    return (a + b) / 2.0


def timed_log(seed=3):
    """Three skills, learners with 1 to 10 answers each, some without timestamps."""
    rng = random.Random(seed)
    start = datetime(2026, 3, 1, tzinfo=UTC)
    responses = []
    for user in range(80):
        at = start + timedelta(hours=rng.randint(0, 100))
        for skill, ease in (("a", 0.4), ("b", 0.6), ("c", 0.8)):
            if rng.random() < 0.25:
                continue
            for _ in range(rng.randint(1, 10)):
                at += timedelta(hours=rng.choice([0.1, 5, 30]))
                when = None if user % 7 == 0 else at
                responses.append(Response(f"u{user}", skill, rng.random() < ease, when))
                ease = min(0.95, ease + 0.03)
    return responses


def test_the_vectorised_fit_matches_the_plain_coordinate_ascent():
    responses = timed_log()
    sequences = timed_sequences_by_skill(responses)
    fitted = Elo().fit(responses)
    for skill, seqs in sequences.items():
        want = reference_fit(seqs, EloParams())
        got = fitted.skill_params(skill)
        for name in ("mean", "sd", "gain", "drift"):
            assert getattr(got, name) == pytest.approx(getattr(want, name), abs=1e-6)


def test_each_skill_starts_from_its_own_parameters():
    sequences = timed_sequences_by_skill(timed_log(seed=9))
    starts = {"a": EloParams(drift=0.5), "b": EloParams(mean=1.0, sd=0.5), "c": EloParams()}
    fitted = fit_skills(sequences, starts, sweeps=1)
    for skill, seqs in sequences.items():
        want = reference_fit(seqs, starts[skill], sweeps=1)
        assert fitted[skill].mean == pytest.approx(want.mean, abs=1e-6)
        assert fitted[skill].drift == starts[skill].drift


def test_an_empty_log_fits_nothing():
    assert fit_skills({}, {}) == {}
    assert fit_skills({"k": []}, {"k": EloParams()}) == {}
