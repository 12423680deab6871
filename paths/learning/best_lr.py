"""A logistic model in the style of Gervet et al.'s best-LR (2020, "When is deep learning the
best approach to knowledge tracing?"): the log-odds of a right answer is the skill's easiness
plus weights, shared by every skill, on the learner's earlier attempts, successes and failures
on the skill (each as log(1 + count)) and on the time since their last attempt
(log(1 + hours)). Fitted by penalised logistic regression over every skill at once."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from paths.learning.logistic import (
    CountedAnswers,
    answer_history,
    fit_logistic,
    hours_between,
    sigmoid,
)
from paths.learning.mastery import Response, SkillState, per_skill_from_json, per_skill_json

if TYPE_CHECKING:
    import numpy as np
else:
    from paths.learning.lazy_numpy import np

BOUNDS = {
    "easiness": (-6.0, 6.0),
    "attempts": (-3.0, 3.0),
    "wins": (-3.0, 3.0),
    "fails": (-3.0, 3.0),
    "hours": (-3.0, 3.0),
}
_WEIGHTS = ("attempts", "wins", "fails", "hours")


@dataclass(frozen=True, slots=True)
class BestLRParams:
    """A skill's easiness and the weights on log(1 + attempts), log(1 + wins), log(1 + fails)
    and log(1 + hours since the last attempt). The fit shares the weights between skills and
    stores them with each skill."""

    easiness: float = 0.0
    attempts: float = 0.0
    wins: float = 0.5
    fails: float = -0.2
    hours: float = 0.0

    def bounded(self) -> BestLRParams:
        values = {}
        for name, (low, high) in BOUNDS.items():
            value = getattr(self, name)
            values[name] = low if value != value else min(high, max(low, value))
        return BestLRParams(**values)


class BestLR(CountedAnswers):
    """The best-LR mastery model. Its state's internals are (successes, failures) on the
    skill; the time feature counts from the state's last answer to the moment of the
    prediction when one is given, else it is taken as now (0 hours)."""

    name = "best-lr"

    def __init__(
        self, params: Mapping[str, BestLRParams] | None = None, default: BestLRParams | None = None
    ) -> None:
        self.params = dict(params or {})
        self.default = default or BestLRParams()

    def skill_params(self, skill: str) -> BestLRParams:
        return self.params.get(skill, self.default)

    def _chance(self, skill: str, wins: float, fails: float, hours: float = 0.0) -> float:
        p = self.skill_params(skill)
        return sigmoid(
            p.easiness
            + p.attempts * math.log1p(wins + fails)
            + p.wins * math.log1p(wins)
            + p.fails * math.log1p(fails)
            + p.hours * math.log1p(hours)
        )

    def predict(self, state: SkillState, at: datetime | None = None) -> float:
        wins, fails = state.internals
        hours = hours_between(state.last_at, at) if wins + fails else 0.0
        return self._chance(state.skill, wins, fails, hours)

    def fit(self, responses: Iterable[Response], *, ridge: float = 1.0) -> BestLR:
        history = answer_history(responses)
        if not history.skills:
            return BestLR(self.params, self.default)
        counts = [history.wins + history.fails, history.wins, history.fails, history.hours]
        shared = np.log1p(np.stack(counts, axis=1))
        starts = [self.skill_params(s).bounded() for s in history.skills]
        start_local = np.array([[p.easiness] for p in starts])
        start_shared = np.array([getattr(self.default.bounded(), w) for w in _WEIGHTS])
        coef, weights = fit_logistic(
            history.skill,
            np.ones((len(history.skill), 1)),
            shared,
            history.correct,
            start_local,
            start_shared,
            ridge=ridge,
        )
        shared_values = dict(zip(_WEIGHTS, map(float, weights), strict=True))
        fitted = {
            skill: BestLRParams(float(row[0]), **shared_values).bounded()
            for skill, row in zip(history.skills, coef, strict=True)
        }
        return BestLR({**self.params, **fitted}, self.default)

    def params_json(self) -> dict[str, Any]:
        return per_skill_json(self.name, self.default, self.params)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> BestLR:
        return cls(*per_skill_from_json(data, BestLRParams))
