"""Performance Factors Analysis (Pavlik, Cen & Koedinger 2009): the log-odds of a right answer
on a skill is the skill's easiness plus a weight per earlier success and a weight per earlier
failure of the learner on that skill. Fitted per skill by penalised logistic regression."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import astuple, dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from paths.learning.logistic import CountedAnswers, answer_history, fit_logistic, sigmoid
from paths.learning.mastery import Response, SkillState, per_skill_from_json, per_skill_json

if TYPE_CHECKING:
    import numpy as np
else:
    from paths.learning.lazy_numpy import np

BOUNDS = {"easiness": (-6.0, 6.0), "success": (-2.0, 3.0), "failure": (-2.0, 3.0)}


@dataclass(frozen=True, slots=True)
class PFAParams:
    """Per-skill easiness (log-odds of a first right answer) and the log-odds each earlier
    success and failure adds. Defaults: an even first answer, successes teaching more than
    failures (the usual sign of fitted PFA weights)."""

    easiness: float = 0.0
    success: float = 0.3
    failure: float = 0.1

    def bounded(self) -> PFAParams:
        values = {}
        for name, (low, high) in BOUNDS.items():
            value = getattr(self, name)
            values[name] = low if value != value else min(high, max(low, value))
        return PFAParams(**values)


class PFA(CountedAnswers):
    """The PFA mastery model. Its state's internals are the learner's (successes, failures)
    on the skill; a learning step without an answer adds one expected answer."""

    name = "pfa"

    def __init__(
        self, params: Mapping[str, PFAParams] | None = None, default: PFAParams | None = None
    ) -> None:
        self.params = dict(params or {})
        self.default = default or PFAParams()

    def skill_params(self, skill: str) -> PFAParams:
        return self.params.get(skill, self.default)

    def _chance(self, skill: str, wins: float, fails: float) -> float:
        p = self.skill_params(skill)
        return sigmoid(p.easiness + p.success * wins + p.failure * fails)

    def predict(self, state: SkillState, at: datetime | None = None) -> float:
        wins, fails = state.internals
        return self._chance(state.skill, wins, fails)

    def fit(self, responses: Iterable[Response], *, ridge: float = 1.0) -> PFA:
        history = answer_history(responses)
        if not history.skills:
            return PFA(self.params, self.default)
        local = np.stack([np.ones(len(history.skill)), history.wins, history.fails], axis=1)
        start = np.array([astuple(self.skill_params(s).bounded()) for s in history.skills])
        coef, _ = fit_logistic(
            history.skill,
            local,
            np.zeros((len(history.skill), 0)),
            history.correct,
            start,
            np.zeros(0),
            ridge=ridge,
        )
        fitted = {
            skill: PFAParams(*map(float, row)).bounded()
            for skill, row in zip(history.skills, coef, strict=True)
        }
        return PFA({**self.params, **fitted}, self.default)

    def params_json(self) -> dict[str, Any]:
        return per_skill_json(self.name, self.default, self.params)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PFA:
        return cls(*per_skill_from_json(data, PFAParams))
