"""The vectorised EM gives the parameters of a plain per-skill, per-learner Baum-Welch."""

import math
import random

import pytest

from paths.learning.batches import time_major
from paths.learning.bkt import BKT, BKTParams, fit_skills
from paths.learning.mastery import Response, sequences_by_skill
from paths.learning.simulation import SimSkill, simulate_log


def reference_fit(sequences, start, iterations=60, tolerance=1e-5):
    """Baum-Welch written answer by answer in plain Python (the textbook recursion)."""
    params = start.bounded()
    previous = -math.inf
    for _ in range(iterations):
        stats, loglik = reference_expectations(sequences, params)
        params = reference_maximise(stats, params)
        if loglik - previous < tolerance:
            break
        previous = loglik
    return params


def reference_expectations(sequences: list[list[bool]], p: BKTParams) -> tuple[list[float], float]:
    """Expected counts: [init known, first total, learn num, learn den, forget num, forget den,
    guess num, guess den, slip num, slip den] and the log-likelihood."""
    stats = [0.0] * 10
    loglik = 0.0
    emit_known = (p.slip, 1.0 - p.slip)  # P(answer | known), indexed by correct
    emit_unknown = (1.0 - p.guess, p.guess)  # P(answer | not known)
    for seq in sequences:
        n = len(seq)
        alphas: list[tuple[float, float]] = []
        scales: list[float] = []
        a0, a1 = 1.0 - p.init, p.init
        for t, correct in enumerate(seq):
            if t:
                a0, a1 = a0 * (1 - p.learn) + a1 * p.forget, a0 * p.learn + a1 * (1 - p.forget)
            a0 *= emit_unknown[correct]
            a1 *= emit_known[correct]
            scale = a0 + a1
            a0, a1 = a0 / scale, a1 / scale
            alphas.append((a0, a1))
            scales.append(scale)
            loglik += math.log(scale)
        b0 = b1 = 1.0
        for t in range(n - 1, -1, -1):
            a0, a1 = alphas[t]
            g0, g1 = a0 * b0, a1 * b1
            total = g0 + g1
            g0, g1 = g0 / total, g1 / total
            correct = seq[t]
            stats[6] += g0 * correct
            stats[7] += g0
            stats[8] += g1 * (not correct)
            stats[9] += g1
            if t == 0:
                stats[0] += g1
                stats[1] += 1.0
            else:
                # transitions from t-1 into t, using beta at t
                e0, e1 = emit_unknown[correct] * b0, emit_known[correct] * b1
                p0, p1 = alphas[t - 1]
                x00 = p0 * (1 - p.learn) * e0
                x01 = p0 * p.learn * e1
                x10 = p1 * p.forget * e0
                x11 = p1 * (1 - p.forget) * e1
                norm = x00 + x01 + x10 + x11
                stats[2] += x01 / norm
                stats[3] += (x00 + x01) / norm
                stats[4] += x10 / norm
                stats[5] += (x10 + x11) / norm
            # beta at t-1
            e0, e1 = emit_unknown[correct] * b0, emit_known[correct] * b1
            b0 = ((1 - p.learn) * e0 + p.learn * e1) / scales[t]
            b1 = (p.forget * e0 + (1 - p.forget) * e1) / scales[t]
    return stats, loglik


def reference_maximise(stats: list[float], old: BKTParams) -> BKTParams:
    def ratio(num: float, den: float, fallback: float) -> float:
        return num / den if den > 1e-9 else fallback

    return BKTParams(
        init=ratio(stats[0], stats[1], old.init),
        learn=ratio(stats[2], stats[3], old.learn),
        forget=ratio(stats[4], stats[5], old.forget),
        guess=ratio(stats[6], stats[7], old.guess),
        slip=ratio(stats[8], stats[9], old.slip),
    ).bounded()


def mixed_log(seed=5):
    """Three skills, learners with 1 to 12 answers each, some learners on one skill only."""
    rng = random.Random(seed)
    truths = {"a": (0.2, 0.25, 0.1), "b": (0.5, 0.1, 0.2), "c": (0.05, 0.3, 0.05)}
    responses = []
    for user in range(150):
        for skill, (init, learn, guess) in truths.items():
            if rng.random() < 0.3:
                continue
            known = rng.random() < init
            for _ in range(rng.randint(1, 12)):
                correct = rng.random() < (0.9 if known else guess)
                responses.append(Response(f"u{user}", skill, correct))
                known = known or rng.random() < learn
    return responses


def test_the_vectorised_fit_matches_the_plain_recursion():
    responses = mixed_log()
    start = BKTParams()
    expected = {
        skill: reference_fit(seqs, start) for skill, seqs in sequences_by_skill(responses).items()
    }
    fitted = BKT().fit(responses)
    for skill, want in expected.items():
        got = fitted.skill_params(skill)
        for name in ("init", "learn", "forget", "guess", "slip"):
            assert getattr(got, name) == pytest.approx(getattr(want, name), abs=1e-6), (
                skill,
                name,
            )


def test_each_skill_starts_from_its_own_parameters_and_stops_on_its_own():
    responses = mixed_log(seed=8)
    sequences = sequences_by_skill(responses)
    starts = {"a": BKTParams(init=0.6), "b": BKTParams(learn=0.3, slip=0.2), "c": BKTParams()}
    fitted = fit_skills(sequences, starts, iterations=3)
    for skill, seqs in sequences.items():
        want = reference_fit(seqs, starts[skill], iterations=3)
        assert fitted[skill].init == pytest.approx(want.init, abs=1e-9)
        assert fitted[skill].slip == pytest.approx(want.slip, abs=1e-9)


def test_the_fit_recovers_known_parameters_on_many_skills_at_once():
    truths = [SimSkill(f"k{i}", guess=0.1 + 0.05 * i, slip=0.1, learn=0.2) for i in range(4)]
    log = simulate_log(truths, 300, seed=12, prior=(0.3, 0.3), answers=(8, 8), review_chance=0.0)
    fitted = BKT().fit(Response(a.user, a.skill, a.correct, a.at) for a in log)
    for truth in truths:
        p = fitted.skill_params(truth.key)
        assert p.guess == pytest.approx(truth.guess, abs=0.07)
        assert p.learn == pytest.approx(truth.learn, abs=0.08)


def test_an_empty_log_fits_nothing():
    assert fit_skills({}, {}) == {}
    assert fit_skills({"k": []}, {"k": BKTParams()}) == {}
    assert BKT().fit([]).params == {}


def test_the_time_major_layout_puts_each_steps_answers_together():
    layout, items = time_major([[["a1", "a2"]], [["b1", "b2", "b3"], []], [["c1"]]])
    assert layout.seq_skill.tolist() == [1, 0, 2]  # longest first
    assert layout.lengths.tolist() == [3, 2, 1]
    assert layout.steps == 3 and layout.block(1) == (3, 5)
    assert [items[i] for i in layout.order] == ["b1", "a1", "c1", "b2", "a2", "b3"]
    assert layout.skill.tolist() == [1, 0, 2, 1, 0, 1]
    empty, nothing = time_major([[], [[]]])
    assert empty.steps == 0 and empty.skills == 2 and nothing == []
