"""An Elo/IRT-style logistic model with uncertainty: each learner's ability on a skill is a
Gaussian belief N(mean, var) on the logit scale, P(correct) = sigmoid(ability). An answer moves
the belief by one approximate Bayesian step (a Laplace/Glicko-style update, so its step size
shrinks as evidence accumulates, like Elo with an uncertainty function, Pelánek 2016); each
practice answer adds a learning gain, and the belief widens with time since the last answer.
Per-skill prior mean, prior spread and learning gain are fitted by maximum likelihood of the
model's own next-answer predictions."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from paths.learning.mastery import (
    Response,
    SkillState,
    bernoulli_sd,
    clamp01,
    timed_sequences_by_skill,
)

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

    def predict(self, state: SkillState) -> float:
        mean, var = state.internals
        return clamp01(_sigmoid(mean / math.sqrt(1.0 + _PROBIT * var)))

    def study(self, state: SkillState) -> SkillState:
        mean, var = state.internals
        gain = self.skill_params(state.skill).gain
        return self._state(state, min(_MEAN_LIMIT, mean + gain), var, answered=False)

    def fit(self, responses: Iterable[Response], *, sweeps: int = 2) -> Elo:
        fitted = {
            skill: fit_skill(sequences, self.skill_params(skill), sweeps)
            for skill, sequences in timed_sequences_by_skill(responses).items()
        }
        return Elo({**self.params, **fitted}, self.default)

    def params_json(self) -> dict[str, Any]:
        return {
            "model": self.name,
            "default": asdict(self.default),
            "skills": {skill: asdict(p) for skill, p in sorted(self.params.items())},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Elo:
        default = EloParams(**data.get("default", {})).bounded()
        skills = {
            skill: EloParams(**values).bounded() for skill, values in data.get("skills", {}).items()
        }
        return cls(skills, default)


def log_likelihood(sequences: list[list[tuple[bool, datetime | None]]], p: EloParams) -> float:
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


def fit_skill(
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
                return log_likelihood(sequences, EloParams(**values))

            best = _golden_max(objective, low, high)
            values = asdict(current)
            values[name] = best
            current = EloParams(**values).bounded()
    return current


def _golden_max(
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
