"""The learner model's common vocabulary: a response, a skill state, and the interface every
mastery model family implements (`MasteryModel`)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Protocol

MASTERED_AT = 0.95  # mastery probability from which a skill is judged mastered


@dataclass(frozen=True, slots=True)
class Response:
    """One checkpoint answer: who, on which skill, right or wrong, and when (if known)."""

    user: str
    skill: str
    correct: bool
    at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SkillState:
    """What a model believes about one learner and one skill.

    `mastery` is the probability that the skill is mastered; `uncertainty` is the standard
    deviation of that mastered/not-mastered judgement, sqrt(m(1-m)), in [0, 0.5].
    `internals` hold the model's own numbers (e.g. an ability's mean and variance)."""

    skill: str
    mastery: float
    uncertainty: float
    answers: int = 0
    correct: int = 0
    last_at: datetime | None = None
    last_correct: bool | None = None
    internals: tuple[float, ...] = ()


class MasteryModel(Protocol):
    """A knowledge-tracing model: constant-time updates, fitted from response logs."""

    name: str

    def initial(self, skill: str) -> SkillState:
        """The state of a learner who has not answered anything on `skill`."""
        ...

    def update(
        self, state: SkillState, correct: bool, at: datetime | None = None, *, practice: bool = True
    ) -> SkillState:
        """The state after one answer. `practice=False` (a diagnostic question) updates the
        belief without counting the question as a learning opportunity."""
        ...

    def predict(self, state: SkillState, at: datetime | None = None) -> float:
        """Probability that the next answer on this skill is correct (given `at`, when it is
        answered: models with a time feature use it)."""
        ...

    def study(self, state: SkillState) -> SkillState:
        """The expected state after one learning step on the skill, without an answer."""
        ...

    def fit(self, responses: Iterable[Response]) -> MasteryModel:
        """A model of the same family with per-skill parameters fitted from `responses`
        (time-ordered per learner); skills absent from the log keep the defaults."""
        ...

    def params_json(self) -> dict[str, Any]:
        """The parameters as JSON-ready data, read back by `model_from_json`."""
        ...


def per_skill_json(name: str, default: Any, params: Mapping[str, Any]) -> dict[str, Any]:
    """A family's `params_json()`: its name, default parameters and per-skill parameters
    (dataclasses), the skills in order."""
    return {
        "model": name,
        "default": asdict(default),
        "skills": {skill: asdict(p) for skill, p in sorted(params.items())},
    }


def per_skill_from_json(
    data: Mapping[str, Any], kind: Callable[..., Any]
) -> tuple[dict[str, Any], Any]:
    """The per-skill and default parameters `per_skill_json` wrote, each made with `kind`
    and kept within its bounds."""
    default = kind(**data.get("default", {})).bounded()
    skills = {skill: kind(**values).bounded() for skill, values in data.get("skills", {}).items()}
    return skills, default


def clamp01(value: float) -> float:
    """`value` forced into [0, 1]; NaN (which no model should produce) becomes 0.5."""
    if value != value:  # NaN
        return 0.5
    return 0.0 if value < 0.0 else 1.0 if value > 1.0 else value


def bernoulli_sd(mastery: float) -> float:
    return math.sqrt(max(0.0, mastery * (1.0 - mastery)))


def entropy(p: float) -> float:
    """Binary entropy in bits."""
    if p <= 0.0 or p >= 1.0:
        return 0.0
    return -(p * math.log2(p) + (1.0 - p) * math.log2(1.0 - p))


def sequences_by_skill(responses: Iterable[Response]) -> dict[str, list[list[bool]]]:
    """Per skill, each learner's answers in the order given (the log's time order)."""
    per_pair: dict[tuple[str, str], list[bool]] = {}
    for response in responses:
        per_pair.setdefault((response.skill, response.user), []).append(response.correct)
    by_skill: dict[str, list[list[bool]]] = {}
    for (skill, _user), answers in per_pair.items():
        by_skill.setdefault(skill, []).append(answers)
    return by_skill


def timed_sequences_by_skill(
    responses: Iterable[Response],
) -> dict[str, list[list[tuple[bool, datetime | None]]]]:
    per_pair: dict[tuple[str, str], list[tuple[bool, datetime | None]]] = {}
    for response in responses:
        per_pair.setdefault((response.skill, response.user), []).append(
            (response.correct, response.at)
        )
    by_skill: dict[str, list[list[tuple[bool, datetime | None]]]] = {}
    for (skill, _user), answers in per_pair.items():
        by_skill.setdefault(skill, []).append(answers)
    return by_skill


def replay(
    model: MasteryModel, states: Mapping[str, SkillState] | None, responses: Iterable[Response]
) -> dict[str, SkillState]:
    """One learner's states after their `responses` in order (starting from `states`)."""
    result = dict(states or {})
    for response in responses:
        state = result.get(response.skill) or model.initial(response.skill)
        result[response.skill] = model.update(state, response.correct, response.at)
    return result
