"""Logistic regression for the count-based mastery models (PFA, best-LR): the features of each
answer from the learner's earlier answers on its skill, and a penalised Newton fit with
per-skill coefficients beside coefficients shared by every skill, vectorised with numpy."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from paths.learning.mastery import Response, SkillState, bernoulli_sd

if TYPE_CHECKING:
    import numpy as np
else:
    from paths.learning.lazy_numpy import np

MASTERY_SUCCESS = 0.85  # a success rate the models call mastered (as the Elo family does)


def sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)


def mastery_of(p_correct: float) -> float:
    """A count-based model has no hidden mastered state: its mastery is the predicted success
    rate as a share of MASTERY_SUCCESS, capped at 1."""
    return min(1.0, max(0.0, p_correct / MASTERY_SUCCESS))


def hours_between(earlier: datetime | None, later: datetime | None) -> float:
    """Hours from `earlier` to `later`, 0 when either is unknown or they are out of order."""
    if earlier is None or later is None:
        return 0.0
    return max(0.0, (later - earlier).total_seconds() / 3600.0)


@dataclass(frozen=True, slots=True)
class AnswerHistory:
    """Per answer of a log: its skill (index into `skills`), whether it was right, and what
    the learner had done on that skill before it: wins, fails and hours since the last
    attempt."""

    skills: list[str]
    skill: np.ndarray
    correct: np.ndarray
    wins: np.ndarray
    fails: np.ndarray
    hours: np.ndarray


def answer_history(responses: Iterable[Response]) -> AnswerHistory:
    """One pass over a log in time order per learner."""
    index: dict[str, int] = {}
    seen: dict[tuple[str, str], tuple[int, int, datetime | None]] = {}
    skill, correct, wins, fails, hours = [], [], [], [], []
    for r in responses:
        key = (r.user, r.skill)
        won, failed, last = seen.get(key, (0, 0, None))
        skill.append(index.setdefault(r.skill, len(index)))
        correct.append(r.correct)
        wins.append(won)
        fails.append(failed)
        hours.append(hours_between(last, r.at) if won + failed else 0.0)
        seen[key] = (won + r.correct, failed + (not r.correct), r.at or last)
    return AnswerHistory(
        list(index),
        np.array(skill, dtype=np.intp),
        np.array(correct, dtype=bool),
        np.array(wins, dtype=float),
        np.array(fails, dtype=float),
        np.array(hours, dtype=float),
    )


def fit_logistic(
    skill: np.ndarray,
    local: np.ndarray,
    shared: np.ndarray,
    correct: np.ndarray,
    start_local: np.ndarray,
    start_shared: np.ndarray,
    *,
    ridge: float = 1.0,
    iterations: int = 30,
    tolerance: float = 1e-7,
) -> tuple[np.ndarray, np.ndarray]:
    """Maximum a posteriori logistic regression, logit P(correct) = local[row] .
    coef[skill[row]] + shared[row] . shared_coef, with a Gaussian prior of precision `ridge`
    centred on the starting coefficients (skills with few answers stay near them).

    `local` is rows x a, `start_local` skills x a, `shared` rows x b, `start_shared` b.
    Newton steps solve the per-skill blocks on their own and the shared block through its
    Schur complement, so the cost grows with the skills, not their square."""
    skills, a = start_local.shape
    b = start_shared.shape[0]
    coef, shared_coef = start_local.astype(float).copy(), start_shared.astype(float).copy()
    y = correct.astype(float)
    eye_a, eye_b = np.eye(a), np.eye(b)
    for _ in range(iterations):
        z = np.einsum("ij,ij->i", local, coef[skill]) + shared @ shared_coef
        p = 1.0 / (1.0 + np.exp(-z))
        residual, weight = y - p, p * (1.0 - p)
        grad_local = _per_skill(skill, local * residual[:, None], skills) - ridge * (
            coef - start_local
        )
        grad_shared = shared.T @ residual - ridge * (shared_coef - start_shared)
        wl = local * weight[:, None]
        block = _per_skill(skill, wl[:, :, None] * local[:, None, :], skills) + ridge * eye_a
        cross = _per_skill(skill, wl[:, :, None] * shared[:, None, :], skills)
        corner = (shared * weight[:, None]).T @ shared + ridge * eye_b
        solved_grad = np.linalg.solve(block, grad_local[:, :, None])[:, :, 0]
        solved_cross = np.linalg.solve(block, cross)
        schur = corner - np.einsum("sab,sac->bc", cross, solved_cross)
        rhs = grad_shared - np.einsum("sab,sa->b", cross, solved_grad)
        step_shared = np.linalg.solve(schur, rhs) if b else np.zeros(0)
        step_local = solved_grad - solved_cross @ step_shared
        coef += step_local
        shared_coef += step_shared
        largest = max(np.abs(step_local).max(initial=0.0), np.abs(step_shared).max(initial=0.0))
        if largest < tolerance:
            break
    return coef, shared_coef


def _per_skill(skill: np.ndarray, values: np.ndarray, skills: int) -> np.ndarray:
    """Sums of `values` (rows x ...) per skill: skills x ..."""
    flat = values.reshape(len(values), -1)
    out = np.zeros((skills, flat.shape[1]))
    for j in range(flat.shape[1]):
        out[:, j] = np.bincount(skill, flat[:, j], skills)
    return out.reshape(skills, *values.shape[1:])


class CountedAnswers:
    """What PFA and best-LR share: a state whose internals are the learner's (successes,
    failures) on the skill and whose mastery follows the model's chance of a right answer;
    a learning step without an answer adds one expected answer."""

    def _chance(self, skill: str, wins: float, fails: float) -> float:
        raise NotImplementedError  # each model's own log-odds

    def _state(self, base: SkillState, wins: float, fails: float, **changes: Any) -> SkillState:
        m = mastery_of(self._chance(base.skill, wins, fails))
        return replace(
            base, mastery=m, uncertainty=bernoulli_sd(m), internals=(wins, fails), **changes
        )

    def initial(self, skill: str) -> SkillState:
        return self._state(SkillState(skill, 0.0, 0.0), 0.0, 0.0)

    def update(
        self, state: SkillState, correct: bool, at: datetime | None = None, *, practice: bool = True
    ) -> SkillState:
        wins, fails = state.internals
        return self._state(
            state,
            wins + bool(correct),
            fails + (not correct),
            answers=state.answers + 1,
            correct=state.correct + bool(correct),
            last_at=at or state.last_at,
            last_correct=bool(correct),
        )

    def study(self, state: SkillState) -> SkillState:
        wins, fails = state.internals
        p = self._chance(state.skill, wins, fails)
        return self._state(state, wins + p, fails + (1.0 - p))
