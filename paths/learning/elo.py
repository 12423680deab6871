"""An Elo/IRT-style logistic model with uncertainty: each learner's ability on a skill is a
Gaussian belief N(mean, var) on the logit scale, P(correct) = sigmoid(ability). An answer moves
the belief by one approximate Bayesian step (a Laplace/Glicko-style update, so its step size
shrinks as evidence accumulates, like Elo with an uncertainty function, Pelánek 2016); each
practice answer adds a learning gain, and the belief widens with time since the last answer.
Per-skill prior mean, prior spread and learning gain are fitted by maximum likelihood of the
model's own next-answer predictions, vectorised over learners and skills."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
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
    timed_sequences_by_skill,
)

if TYPE_CHECKING:
    import numpy as np
else:
    from paths.learning.lazy_numpy import np

MASTERY_LOGIT = math.log(0.85 / 0.15)  # mastered: ability where P(correct) reaches 0.85
BOUNDS = {"mean": (-4.0, 4.0), "sd": (0.1, 4.0), "gain": (0.0, 1.5), "drift": (0.0, 1.0)}
_MEAN_LIMIT = 8.0
_VAR_LIMITS = (1e-4, 16.0)
_PROBIT = math.pi / 8.0


@dataclass(frozen=True, slots=True)
class EloParams:
    """Per-skill parameters: prior ability mean and sd (logits), learning gain per practice
    answer, and variance added per day without answers (drift)."""

    mean: float = 0.0
    sd: float = 1.5
    gain: float = 0.3
    drift: float = 0.02

    def bounded(self) -> EloParams:
        values = {}
        for name, (low, high) in BOUNDS.items():
            value = getattr(self, name)
            values[name] = low if value != value else min(high, max(low, value))
        return EloParams(**values)


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def _mastery(mean: float, var: float) -> float:
    """P(ability >= MASTERY_LOGIT) under N(mean, var)."""
    return clamp01(0.5 * math.erfc((MASTERY_LOGIT - mean) / math.sqrt(2.0 * var)))


def _step(mean: float, var: float, correct: bool, gain: float) -> tuple[float, float, float]:
    """(predicted P(correct) before the answer, mean after, var after)."""
    p = _sigmoid(mean / math.sqrt(1.0 + _PROBIT * var))
    new_var = 1.0 / (1.0 / var + p * (1.0 - p))
    new_mean = mean + new_var * ((1.0 if correct else 0.0) - p) + gain
    new_mean = min(_MEAN_LIMIT, max(-_MEAN_LIMIT, new_mean))
    return p, new_mean, min(_VAR_LIMITS[1], max(_VAR_LIMITS[0], new_var))


class Elo:
    """The logistic (Elo/IRT-style) mastery model."""

    name = "elo"

    def __init__(
        self, params: Mapping[str, EloParams] | None = None, default: EloParams | None = None
    ) -> None:
        self.params = dict(params or {})
        self.default = default or EloParams()

    def skill_params(self, skill: str) -> EloParams:
        return self.params.get(skill, self.default)

    def _state(
        self,
        base: SkillState,
        mean: float,
        var: float,
        *,
        answered: bool,
        correct: bool = False,
        at: datetime | None = None,
    ) -> SkillState:
        m = _mastery(mean, var)
        if not answered:
            return SkillState(
                base.skill,
                m,
                bernoulli_sd(m),
                base.answers,
                base.correct,
                base.last_at,
                base.last_correct,
                (mean, var),
            )
        return SkillState(
            base.skill,
            m,
            bernoulli_sd(m),
            base.answers + 1,
            base.correct + bool(correct),
            at or base.last_at,
            bool(correct),
            (mean, var),
        )

    def initial(self, skill: str) -> SkillState:
        p = self.skill_params(skill)
        m = _mastery(p.mean, p.sd * p.sd)
        return SkillState(skill, m, bernoulli_sd(m), internals=(p.mean, p.sd * p.sd))

    def _belief(self, state: SkillState, at: datetime | None) -> tuple[float, float]:
        mean, var = state.internals
        if at is not None and state.last_at is not None:
            days = max(0.0, (at - state.last_at).total_seconds() / 86400.0)
            var = min(_VAR_LIMITS[1], var + self.skill_params(state.skill).drift * days)
        return mean, var

    def update(
        self, state: SkillState, correct: bool, at: datetime | None = None, *, practice: bool = True
    ) -> SkillState:
        mean, var = self._belief(state, at)
        gain = self.skill_params(state.skill).gain if practice else 0.0
        _p, mean, var = _step(mean, var, correct, gain)
        return self._state(state, mean, var, answered=True, correct=correct, at=at)

    def predict(self, state: SkillState, at: datetime | None = None) -> float:
        mean, var = state.internals
        return clamp01(_sigmoid(mean / math.sqrt(1.0 + _PROBIT * var)))

    def study(self, state: SkillState) -> SkillState:
        mean, var = state.internals
        gain = self.skill_params(state.skill).gain
        return self._state(state, min(_MEAN_LIMIT, mean + gain), var, answered=False)

    def fit(self, responses: Iterable[Response], *, sweeps: int = 2) -> Elo:
        sequences = timed_sequences_by_skill(responses)
        starts = {skill: self.skill_params(skill) for skill in sequences}
        return Elo({**self.params, **fit_skills(sequences, starts, sweeps)}, self.default)

    def params_json(self) -> dict[str, Any]:
        return per_skill_json(self.name, self.default, self.params)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Elo:
        return cls(*per_skill_from_json(data, EloParams))


class _Answers:
    """Every learner's timed answers on every skill in the time-major layout (`batches.py`),
    with the days since the same sequence's previous timed answer (0 when unknown)."""

    def __init__(self, per_skill: list[list[list[tuple[bool, datetime | None]]]]) -> None:
        layout, items = time_major(per_skill)
        self.layout = layout
        correct = np.fromiter((c for c, _ in items), dtype=bool, count=len(items))
        self.correct = correct[layout.order]
        self.days = _days_since_last(layout, items)

    def log_likelihood(
        self, mean: np.ndarray, sd: np.ndarray, gain: np.ndarray, drift: np.ndarray
    ) -> np.ndarray:
        """Per skill, the sum of log P(answer) of the model's sequential predictions, for
        per-skill parameter arrays."""
        layout = self.layout
        seq = layout.seq_skill
        means, variances = mean[seq], (sd * sd)[seq]
        gains, drifts = gain[seq], drift[seq]
        right = np.empty(len(self.correct))
        for t in range(layout.steps):
            s, e = layout.block(t)
            k = e - s
            var = np.minimum(_VAR_LIMITS[1], variances[:k] + drifts[:k] * self.days[s:e])
            p = 1.0 / (1.0 + np.exp(-means[:k] / np.sqrt(1.0 + _PROBIT * var)))
            new_var = 1.0 / (1.0 / var + p * (1.0 - p))
            y = self.correct[s:e]
            means[:k] = np.clip(
                means[:k] + new_var * (y - p) + gains[:k], -_MEAN_LIMIT, _MEAN_LIMIT
            )
            variances[:k] = np.clip(new_var, *_VAR_LIMITS)
            right[s:e] = np.where(y, p, 1.0 - p)
        logs = np.log(np.clip(right, 1e-9, 1.0 - 1e-9))
        return np.bincount(layout.skill, logs, layout.skills)


def _days_since_last(layout: Layout, items: list[tuple[bool, datetime | None]]) -> np.ndarray:
    """Per answer (time-major), days since the previous timed answer of its sequence."""
    days = np.zeros(len(items))
    position = 0
    for length in layout.lengths:
        last: datetime | None = None
        for j in range(position, position + int(length)):
            at = items[j][1]
            if at is not None and last is not None:
                days[j] = (at - last).total_seconds() / 86400.0
            last = at or last
        position += int(length)
    return days[layout.order]


def fit_skills(
    sequences: Mapping[str, list[list[tuple[bool, datetime | None]]]],
    starts: Mapping[str, EloParams],
    sweeps: int = 2,
) -> dict[str, EloParams]:
    """Coordinate ascent of each skill's log-likelihood with a golden-section search per
    parameter (the drift keeps its given value: logs often lack timestamps), every skill's
    search run at once over one vectorised pass of the answers per step."""
    names = sorted(skill for skill, seqs in sequences.items() if any(seqs))
    if not names:
        return {}
    answers = _Answers([sequences[name] for name in names])
    current = {
        field: np.array([getattr(starts[name].bounded(), field) for name in names])
        for field in ("mean", "sd", "gain", "drift")
    }
    for _ in range(sweeps):
        for field in ("mean", "sd", "gain"):

            def objective(values: np.ndarray, field: str = field) -> np.ndarray:
                trial = {**current, field: values}
                return answers.log_likelihood(
                    trial["mean"], trial["sd"], trial["gain"], trial["drift"]
                )

            low, high = BOUNDS[field]
            best = _golden_max(objective, np.full(len(names), low), np.full(len(names), high))
            current[field] = np.clip(best, low, high)
    return {
        name: EloParams(*(float(current[f][i]) for f in ("mean", "sd", "gain", "drift"))).bounded()
        for i, name in enumerate(names)
    }


def _golden_max(
    f: Callable[[np.ndarray], np.ndarray], low: np.ndarray, high: np.ndarray, iterations: int = 14
) -> np.ndarray:
    """Golden-section search for the maximum of each component of `f` on [low, high]."""
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    a, b = low.copy(), high.copy()
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = f(c), f(d)
    for _ in range(iterations):
        left = fc >= fd
        # left: b, d, fd = d, c, fc and a new c; else: a, c, fc = c, d, fd and a new d
        a, b = np.where(left, a, c), np.where(left, d, b)
        c_new = np.where(left, b - ratio * (b - a), d)
        d_new = np.where(left, c, a + ratio * (b - a))
        f_new = f(np.where(left, c_new, d_new))
        fc, fd = np.where(left, f_new, fd), np.where(left, fc, f_new)
        c, d = c_new, d_new
    return (a + b) / 2.0
