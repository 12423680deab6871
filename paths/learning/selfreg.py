"""Self-regulation supports: how well a learner predicts their own checkpoint scores, and
"what Selfpath thinks I know, and why" per skill, as data for the pages."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from paths.learning.mastery import MASTERED_AT, SkillState

WELL_CALIBRATED_WITHIN = 0.1  # mean signed error (fraction of the score) counted as calibrated
MIN_PREDICTIONS = 3


@dataclass(frozen=True, slots=True)
class CalibrationBin:
    low: float
    high: float
    count: int
    mean_predicted: float
    mean_actual: float


@dataclass(frozen=True, slots=True)
class Calibration:
    """`mean_signed_error` is predicted minus actual (positive: overconfident)."""

    count: int
    mean_signed_error: float
    mean_absolute_error: float
    verdict: str  # "overconfident", "underconfident", "well_calibrated" or "not_enough_data"
    bins: tuple[CalibrationBin, ...]


def calibration(pairs: Iterable[tuple[float, float]], *, bins: int = 4) -> Calibration:
    """Calibration of (predicted score, actual score) pairs, both fractions in [0, 1]."""
    data = [(min(1.0, max(0.0, p)), min(1.0, max(0.0, a))) for p, a in pairs]
    if not data:
        return Calibration(0, 0.0, 0.0, "not_enough_data", ())
    signed = sum(p - a for p, a in data) / len(data)
    absolute = sum(abs(p - a) for p, a in data) / len(data)
    if len(data) < MIN_PREDICTIONS:
        verdict = "not_enough_data"
    elif signed > WELL_CALIBRATED_WITHIN:
        verdict = "overconfident"
    elif signed < -WELL_CALIBRATED_WITHIN:
        verdict = "underconfident"
    else:
        verdict = "well_calibrated"
    return Calibration(len(data), signed, absolute, verdict, _bins(data, bins))


def _bins(data: list[tuple[float, float]], count: int) -> tuple[CalibrationBin, ...]:
    result = []
    for i in range(count):
        low, high = i / count, (i + 1) / count
        members = [(p, a) for p, a in data if low <= p < high or (i == count - 1 and p == 1.0)]
        if members:
            result.append(
                CalibrationBin(
                    low,
                    high,
                    len(members),
                    sum(p for p, _ in members) / len(members),
                    sum(a for _, a in members) / len(members),
                )
            )
    return tuple(result)


FAIRLY_SURE_AT = 0.8  # an undecided estimate this far from even leans one way


def judge(mastery: float, answers: int, *, mastered_at: float = MASTERED_AT) -> tuple[str, str]:
    """The one verdict on a skill and how sure Selfpath is of it, decided together so the
    page never says "quite sure" beside "not sure yet".

    verdict: "mastered", "not_yet", "unsure" or "no_evidence"; certainty: "quite_sure"
    (only for a decided verdict), "probably" / "probably_not" (undecided, leaning), or
    "unsure"."""
    if answers == 0:
        return "no_evidence", "unsure"
    if mastery >= mastered_at:
        return "mastered", "quite_sure"
    if mastery <= 1.0 - mastered_at:
        return "not_yet", "quite_sure"
    if mastery >= FAIRLY_SURE_AT:
        return "unsure", "probably"
    if mastery <= 1.0 - FAIRLY_SURE_AT:
        return "unsure", "probably_not"
    return "unsure", "unsure"


def shown_percent(mastery: float) -> int:
    """The estimate as a whole percentage, rounded towards 50 % so that an undecided 94.6 %
    never reads as the 95 % at which a skill counts as mastered (nor 5.4 % as 5 %)."""
    percent = mastery * 100
    whole = math.floor(percent + 1e-9) if percent >= 50 else math.ceil(percent - 1e-9)
    return max(0, min(100, whole))


@dataclass(frozen=True, slots=True)
class SkillEvidence:
    """Why Selfpath believes what it does about one skill."""

    skill: str
    verdict: str  # "mastered", "not_yet", "unsure" or "no_evidence" (judge)
    mastery: float
    uncertainty: float
    answers: int
    correct: int
    last_answer_at: datetime | None
    last_answer_correct: bool | None
    certainty: str = "unsure"  # see judge

    @property
    def percent(self) -> int:
        return shown_percent(self.mastery)


def explain(
    states: Mapping[str, SkillState],
    skills: Iterable[str] | None = None,
    *,
    mastered_at: float = MASTERED_AT,
) -> list[SkillEvidence]:
    """The evidence per skill (all of `states`, or `skills` in the given order)."""
    result = []
    for skill in skills if skills is not None else sorted(states):
        state = states.get(skill)
        if state is None or state.answers == 0:
            m = state.mastery if state else 0.0
            u = state.uncertainty if state else 0.5
            result.append(SkillEvidence(skill, "no_evidence", m, u, 0, 0, None, None))
            continue
        verdict, certainty = judge(state.mastery, state.answers, mastered_at=mastered_at)
        result.append(
            SkillEvidence(
                skill,
                verdict,
                state.mastery,
                state.uncertainty,
                state.answers,
                state.correct,
                state.last_at,
                state.last_correct,
                certainty,
            )
        )
    return result
