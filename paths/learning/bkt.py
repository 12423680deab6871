"""Bayesian Knowledge Tracing (Corbett & Anderson 1995) with forgetting (Khajah, Lindsey &
Mozer 2016): a hidden mastered/not-mastered state per learner and skill, guess and slip on
answers, learning and forgetting between practice opportunities. Parameters per skill are
fitted by expectation-maximisation (Baum-Welch), vectorised over learners and skills."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import astuple, dataclass, fields, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from paths.learning.batches import Layout, time_major
from paths.learning.mastery import (
    Response,
    SkillState,
    bernoulli_sd,
    clamp01,
    per_skill_from_json,
    per_skill_json,
    sequences_by_skill,
)

if TYPE_CHECKING:
    import numpy as np
else:
    from paths.learning.lazy_numpy import np

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


_FIELDS = tuple(f.name for f in fields(BKTParams))


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

    def predict(self, state: SkillState, at: datetime | None = None) -> float:
        p = self.skill_params(state.skill)
        return clamp01(state.mastery * (1.0 - p.slip) + (1.0 - state.mastery) * p.guess)

    def study(self, state: SkillState) -> SkillState:
        p = self.skill_params(state.skill)
        m = clamp01(state.mastery + (1.0 - state.mastery) * p.learn)
        return replace(state, mastery=m, uncertainty=bernoulli_sd(m))

    def fit(
        self, responses: Iterable[Response], *, iterations: int = 60, tolerance: float = 1e-5
    ) -> BKT:
        sequences = sequences_by_skill(responses)
        starts = {skill: self.skill_params(skill) for skill in sequences}
        fitted = fit_skills(sequences, starts, iterations, tolerance)
        return BKT({**self.params, **fitted}, self.default)

    def params_json(self) -> dict[str, Any]:
        return per_skill_json(self.name, self.default, self.params)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BKT:
        return cls(*per_skill_from_json(data, BKTParams))


def fit_skills(
    sequences: Mapping[str, list[list[bool]]],
    starts: Mapping[str, BKTParams],
    iterations: int = 60,
    tolerance: float = 1e-5,
) -> dict[str, BKTParams]:
    """Baum-Welch for every skill at once, vectorised over learners with numpy.

    Each skill stops on its own once an iteration gains less than `tolerance` in
    log-likelihood (its parameters then stay as that iteration's M-step left them), so the
    result is the per-skill EM of Corbett & Anderson's model, only faster."""
    names = sorted(skill for skill, seqs in sequences.items() if any(seqs))
    if not names:
        return {}
    batch = _Batch.build([sequences[name] for name in names])
    params = np.array([astuple(starts[name].bounded()) for name in names], dtype=float)
    previous = np.full(len(names), -np.inf)
    running = np.ones(len(names), dtype=bool)
    for _ in range(iterations):
        stats, loglik = batch.expectations(params)
        params = np.where(running[:, None], _maximise(stats, params), params)
        running &= loglik - previous >= tolerance
        previous = loglik
        if not running.any():
            break
    return {name: BKTParams(*map(float, row)) for name, row in zip(names, params, strict=True)}


class _Batch:
    """Every learner's answers on every skill in the time-major layout (`batches.py`)."""

    def __init__(self, layout: Layout, correct: np.ndarray) -> None:
        self.seq_skill, self.offsets, self.skill = layout.seq_skill, layout.offsets, layout.skill
        self.correct, self.skills = correct, layout.skills
        skills = self.skills
        self.code = self.skill * 2 + correct  # index of (skill, answer) in emission tables
        first = int(self.offsets[1])
        self.sequences = np.bincount(self.seq_skill, minlength=skills).astype(float)
        self.answers = np.bincount(self.skill, minlength=skills).astype(float)
        self.right = np.bincount(self.skill, correct, skills)
        self.transitions = self.answers - np.bincount(self.skill[:first], minlength=skills)

    @classmethod
    def build(cls, per_skill: list[list[list[bool]]]) -> _Batch:
        layout, answers = time_major(per_skill)
        correct = np.fromiter(answers, dtype=bool, count=len(answers))[layout.order]
        return cls(layout, correct)

    def expectations(self, params: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per skill, the expected counts [init known, first total, learn num, learn den,
        forget num, forget den, guess num, guess den, slip num, slip den] and the
        log-likelihood."""
        init, learn, forget = (params[self.seq_skill, j] for j in range(3))
        guess, slip = params[:, 3], params[:, 4]
        e1 = np.stack([slip, 1.0 - slip], axis=1).ravel()[self.code]  # P(answer | known)
        e0 = np.stack([1.0 - guess, guess], axis=1).ravel()[self.code]  # P(answer | unknown)
        known, scale = self._forward(init, learn, forget, e0, e1)
        smoothed, learned, from_unknown, forgotten = self._backward(
            known, scale, learn, forget, e0, e1
        )
        first, n = int(self.offsets[1]), self.skills
        later = self.skill[first:]
        right_known = np.bincount(self.skill, smoothed * self.correct, n)
        all_known = np.bincount(self.skill, smoothed, n)
        stay = np.bincount(later, from_unknown[first:], n)
        stats = np.stack(
            [
                np.bincount(self.skill[:first], smoothed[:first], n),
                self.sequences,
                np.bincount(later, learned[first:], n),
                stay,
                np.bincount(later, forgotten[first:], n),
                self.transitions - stay,
                self.right - right_known,
                self.answers - all_known,
                all_known - right_known,
                all_known,
            ],
            axis=1,
        )
        return stats, np.bincount(self.skill, np.log(scale), n)

    def _forward(
        self,
        init: np.ndarray,
        learn: np.ndarray,
        forget: np.ndarray,
        e0: np.ndarray,
        e1: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray]:
        """P(known at t | answers up to t) and P(answer t | answers before it), per answer."""
        known, scale = np.empty(len(e0)), np.empty(len(e0))
        keep = 1.0 - forget - learn
        off = self.offsets
        prior = init
        for t in range(len(off) - 1):
            s, e = off[t], off[t + 1]
            k = e - s
            if t:
                prior = learn[:k] + known[off[t - 1] : off[t - 1] + k] * keep[:k]
            joint = prior * e1[s:e]
            scale[s:e] = joint + (1.0 - prior) * e0[s:e]
            known[s:e] = joint / scale[s:e]
        return known, scale

    def _backward(
        self,
        known: np.ndarray,
        scale: np.ndarray,
        learn: np.ndarray,
        forget: np.ndarray,
        e0: np.ndarray,
        e1: np.ndarray,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per answer: P(known | all answers), and for the transition into it, the expected
        learning, the expected stay in the unknown state's row (learn denominator) and the
        expected forgetting."""
        total = len(e0)
        smoothed = np.empty(total)
        learned, from_unknown, forgotten = np.zeros(total), np.zeros(total), np.zeros(total)
        b0, b1 = np.ones(len(learn)), np.ones(len(learn))
        off = self.offsets
        for t in range(len(off) - 2, -1, -1):
            s, e = off[t], off[t + 1]
            k = e - s
            a1, beta0, beta1 = known[s:e], b0[:k], b1[:k]
            joint = a1 * beta1
            smoothed[s:e] = joint / (joint + (1.0 - a1) * beta0)
            e0b, e1b = e0[s:e] * beta0, e1[s:e] * beta1
            diff = e1b - e0b
            lk, fk = learn[:k], forget[:k]
            from0, from1 = e0b + lk * diff, e1b - fk * diff
            if t:
                p1 = known[off[t - 1] : off[t - 1] + k]
                inv = 1.0 / (from0 + p1 * (from1 - from0))
                q0 = (1.0 - p1) * inv
                learned[s:e] = q0 * lk * e1b
                from_unknown[s:e] = q0 * from0
                forgotten[s:e] = p1 * inv * fk * e0b
            b0[:k] = from0 / scale[s:e]
            b1[:k] = from1 / scale[s:e]
        return smoothed, learned, from_unknown, forgotten


_LOW = tuple(BOUNDS[name][0] for name in _FIELDS)
_HIGH = tuple(BOUNDS[name][1] for name in _FIELDS)


def _maximise(stats: np.ndarray, old: np.ndarray) -> np.ndarray:
    """The M-step: each parameter its expected-count ratio (the old value where a ratio has
    no evidence), within BOUNDS."""
    num, den = stats[:, 0::2], stats[:, 1::2]
    ratio = np.where(den > 1e-9, num / np.where(den > 1e-9, den, 1.0), old)
    ratio = np.where(np.isnan(ratio), _LOW, ratio)
    return np.clip(ratio, _LOW, _HIGH)
