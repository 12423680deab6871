"""Bayesian Knowledge Tracing (Corbett & Anderson 1995) with forgetting (Khajah, Lindsey &
Mozer 2016): a hidden mastered/not-mastered state per learner and skill, guess and slip on
answers, learning and forgetting between practice opportunities. Parameters per skill are
fitted by expectation-maximisation (Baum-Welch)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from paths.learning.mastery import (
    Response,
    SkillState,
    bernoulli_sd,
    clamp01,
    sequences_by_skill,
)

# Guess and slip above 0.4 make "not mastered" and "mastered" swap meaning (model degeneracy,
# Baker, Corbett & Aleven 2008), so fitting keeps them below.
BOUNDS = {
    "init": (0.001, 0.999),
    "learn": (0.001, 0.6),
    "forget": (0.0, 0.3),
    "guess": (0.01, 0.4),
    "slip": (0.01, 0.4),
}


@dataclass(frozen=True, slots=True)
class BKTParams:
    """Per-skill BKT parameters. Defaults are the usual starting values in the literature
    (prior 0.3, learn 0.1, guess 0.2, slip 0.1) with a small forgetting rate."""

    init: float = 0.3
    learn: float = 0.1
    forget: float = 0.02
    guess: float = 0.2
    slip: float = 0.1

    def bounded(self) -> BKTParams:
        values = {}
        for name, (low, high) in BOUNDS.items():
            value = getattr(self, name)
            values[name] = low if value != value else min(high, max(low, value))
        return BKTParams(**values)


class BKT:
    """The BKT mastery model; `params` per skill, `default` for skills without data."""

    name = "bkt"

    def __init__(
        self, params: Mapping[str, BKTParams] | None = None, default: BKTParams | None = None
    ) -> None:
        self.params = dict(params or {})
        self.default = default or BKTParams()

    def skill_params(self, skill: str) -> BKTParams:
        return self.params.get(skill, self.default)

    def initial(self, skill: str) -> SkillState:
        m = self.skill_params(skill).init
        return SkillState(skill, m, bernoulli_sd(m))

    def update(
        self, state: SkillState, correct: bool, at: datetime | None = None, *, practice: bool = True
    ) -> SkillState:
        p = self.skill_params(state.skill)
        m = state.mastery
        if correct:
            known, unknown = m * (1.0 - p.slip), (1.0 - m) * p.guess
        else:
            known, unknown = m * p.slip, (1.0 - m) * (1.0 - p.guess)
        posterior = known / (known + unknown)
        if practice:
            posterior = posterior * (1.0 - p.forget) + (1.0 - posterior) * p.learn
        posterior = clamp01(posterior)
        return SkillState(
            state.skill,
            posterior,
            bernoulli_sd(posterior),
            state.answers + 1,
            state.correct + bool(correct),
            at or state.last_at,
            bool(correct),
        )

    def predict(self, state: SkillState) -> float:
        p = self.skill_params(state.skill)
        return clamp01(state.mastery * (1.0 - p.slip) + (1.0 - state.mastery) * p.guess)

    def study(self, state: SkillState) -> SkillState:
        p = self.skill_params(state.skill)
        m = clamp01(state.mastery + (1.0 - state.mastery) * p.learn)
        return replace(state, mastery=m, uncertainty=bernoulli_sd(m))

    def fit(
        self, responses: Iterable[Response], *, iterations: int = 60, tolerance: float = 1e-5
    ) -> BKT:
        fitted = {
            skill: fit_skill(sequences, self.skill_params(skill), iterations, tolerance)
            for skill, sequences in sequences_by_skill(responses).items()
        }
        return BKT({**self.params, **fitted}, self.default)

    def params_json(self) -> dict[str, Any]:
        return {
            "model": self.name,
            "default": asdict(self.default),
            "skills": {skill: asdict(p) for skill, p in sorted(self.params.items())},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BKT:
        default = BKTParams(**data.get("default", {})).bounded()
        skills = {
            skill: BKTParams(**values).bounded() for skill, values in data.get("skills", {}).items()
        }
        return cls(skills, default)


def fit_skill(
    sequences: list[list[bool]], start: BKTParams, iterations: int = 60, tolerance: float = 1e-5
) -> BKTParams:
    """Baum-Welch for one skill's answer sequences (one list per learner)."""
    params = start.bounded()
    previous = -math.inf
    for _ in range(iterations):
        stats, loglik = _expectations(sequences, params)
        params = _maximise(stats, params)
        if loglik - previous < tolerance:
            break
        previous = loglik
    return params


def _expectations(sequences: list[list[bool]], p: BKTParams) -> tuple[list[float], float]:
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


def _maximise(stats: list[float], old: BKTParams) -> BKTParams:
    def ratio(num: float, den: float, fallback: float) -> float:
        return num / den if den > 1e-9 else fallback

    return BKTParams(
        init=ratio(stats[0], stats[1], old.init),
        learn=ratio(stats[2], stats[3], old.learn),
        forget=ratio(stats[4], stats[5], old.forget),
        guess=ratio(stats[6], stats[7], old.guess),
        slip=ratio(stats[8], stats[9], old.slip),
    ).bounded()
