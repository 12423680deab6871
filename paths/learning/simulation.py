"""Simulated learners with a hidden ground truth, for tests and the benchmark.

Generative model (per skill k: guess g_k, slip s_k, learning rate l_k, forgetting rate f_k per
day, prerequisites):
- Each learner draws a prior-knowledge level q from [q_low, q_high]. In topological order each
  skill starts mastered with probability q if all its prerequisites are mastered, else q / 4.
- An answer on k is correct with probability 1 - s_k if k is mastered, else g_k. That number is
  the oracle prediction.
- Time passes between events; a mastered skill is forgotten with probability
  1 - exp(-f_k * days) over a gap of `days`.
- After each practice answer, and on each study step, an unmastered skill is learned with
  probability l_k if its prerequisites are mastered, else l_k / 4. (A study step's own strength
  multiplies l_k.) Diagnostic and checkpoint answers teach nothing.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

EPOCH = datetime(2025, 1, 6, 8, 0, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class SimSkill:
    key: str
    guess: float = 0.2
    slip: float = 0.1
    learn: float = 0.2
    forget_per_day: float = 0.0
    prerequisites: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SimAnswer:
    user: str
    skill: str
    correct: bool
    at: datetime
    p_true: float  # the oracle's probability of a correct answer


class SimLearner:
    """One learner's hidden knowledge, advanced by answers, study and time."""

    def __init__(
        self,
        user: str,
        skills: Sequence[SimSkill],
        prior: float,
        rng: random.Random,
        now: datetime = EPOCH,
    ) -> None:
        self.user = user
        self.skills = {s.key: s for s in skills}
        self.rng = rng
        self.now = now
        self.known: dict[str, bool] = {}
        for skill in skills:  # skills are given in topological order
            chance = prior if self.prereqs_known(skill) else prior / 4.0
            self.known[skill.key] = rng.random() < chance

    def prereqs_known(self, skill: SimSkill) -> bool:
        return all(self.known.get(p, False) for p in skill.prerequisites)

    def wait(self, delta: timedelta) -> None:
        days = delta.total_seconds() / 86400.0
        for key, known in self.known.items():
            rate = self.skills[key].forget_per_day
            if known and rate > 0 and self.rng.random() < 1.0 - math.exp(-rate * days):
                self.known[key] = False
        self.now += delta

    def p_correct(self, key: str) -> float:
        skill = self.skills[key]
        return 1.0 - skill.slip if self.known[key] else skill.guess

    def answer(self, key: str, *, practice: bool = True) -> SimAnswer:
        p = self.p_correct(key)
        result = SimAnswer(self.user, key, self.rng.random() < p, self.now, p)
        if practice:
            self.study(key)
        return result

    def study(self, key: str, strength: float = 1.0) -> None:
        skill = self.skills[key]
        if not self.known[key]:
            rate = skill.learn * strength * (1.0 if self.prereqs_known(skill) else 0.25)
            self.known[key] = self.rng.random() < min(1.0, rate)


def default_skills(count: int = 6, seed: int = 7) -> list[SimSkill]:
    """A chain-with-branches curriculum: skill i depends on skill i-1 (and every third skill
    on i-2 too), with parameters drawn from plausible ranges."""
    rng = random.Random(seed)
    skills = []
    for i in range(count):
        prereqs = tuple(f"s{j}" for j in (i - 1, i - 2) if j >= 0 and (j == i - 1 or i % 3 == 0))
        skills.append(
            SimSkill(
                key=f"s{i}",
                guess=round(rng.uniform(0.1, 0.3), 3),
                slip=round(rng.uniform(0.05, 0.15), 3),
                learn=round(rng.uniform(0.1, 0.3), 3),
                forget_per_day=round(rng.uniform(0.005, 0.03), 4),
                prerequisites=prereqs,
            )
        )
    return skills


def simulate_log(
    skills: Sequence[SimSkill],
    learners: int,
    *,
    seed: int = 1,
    prior: tuple[float, float] = (0.0, 0.6),
    answers: tuple[int, int] = (3, 10),
    review_chance: float = 0.2,
    user_prefix: str = "u",
) -> list[SimAnswer]:
    """Learners practise the skills in topological order, `answers` questions per skill
    minutes apart, a few days between skills, sometimes revisiting an earlier skill."""
    rng = random.Random(seed)
    log: list[SimAnswer] = []
    for index in range(learners):
        learner = SimLearner(
            f"{user_prefix}{index}",
            skills,
            rng.uniform(*prior),
            rng,
            EPOCH + timedelta(hours=rng.uniform(0, 72)),
        )
        for position, skill in enumerate(skills):
            for _ in range(rng.randint(*answers)):
                log.append(learner.answer(skill.key))
                learner.wait(timedelta(minutes=rng.uniform(1, 10)))
                if position and rng.random() < review_chance:
                    log.append(learner.answer(skills[rng.randrange(position)].key))
            learner.wait(timedelta(days=rng.uniform(0.5, 4)))
    return log


def ideal_predictions(
    skills: Sequence[SimSkill],
    log: Sequence[SimAnswer],
    *,
    prior: tuple[float, float] = (0.0, 0.6),
    grid: int = 200,
) -> list[float]:
    """For each answer, the probability of a correct answer given the same learner's answers
    before it, computed by an exact Bayes filter on this generative model with its true
    parameters (over the joint mastered/not-mastered states of all skills, so for a dozen
    skills at most). Nothing that sees only the answers ranks them better on average: this is
    the ceiling of any mastery model, below the oracle, which sees the hidden state."""
    if len(skills) > 12:
        raise ValueError("the exact filter is for a dozen skills at most")
    by_key = {s.key: s for s in skills}
    bits = {s.key: 1 << i for i, s in enumerate(skills)}
    needs = {s.key: sum(bits[p] for p in s.prerequisites) for s in skills}
    start = _initial_belief(skills, bits, needs, prior, grid)
    beliefs: dict[str, list[float]] = {}
    last_at: dict[str, datetime] = {}
    predictions = []
    for answer in log:
        belief = beliefs.get(answer.user) or list(start)
        if answer.user in last_at:
            _forget(belief, skills, bits, (answer.at - last_at[answer.user]) / timedelta(days=1))
        skill, bit, need = by_key[answer.skill], bits[answer.skill], needs[answer.skill]
        right = [1.0 - skill.slip if state & bit else skill.guess for state in range(len(belief))]
        predictions.append(sum(b * r for b, r in zip(belief, right, strict=True)))
        beliefs[answer.user] = _observe(belief, right, answer.correct, skill.learn, bit, need)
        last_at[answer.user] = answer.at
    return predictions


def _initial_belief(
    skills: Sequence[SimSkill],
    bits: dict[str, int],
    needs: dict[str, int],
    prior: tuple[float, float],
    grid: int,
) -> list[float]:
    belief = [0.0] * (1 << len(skills))
    for j in range(grid):  # the prior-knowledge level q, integrated on a midpoint grid
        q = prior[0] + (prior[1] - prior[0]) * (j + 0.5) / grid
        for state in range(len(belief)):
            p = 1.0
            for s in skills:
                chance = q if state & needs[s.key] == needs[s.key] else q / 4.0
                p *= chance if state & bits[s.key] else 1.0 - chance
            belief[state] += p / grid
    return belief


def _forget(
    belief: list[float], skills: Sequence[SimSkill], bits: dict[str, int], days: float
) -> None:
    for s in skills:
        lost = 1.0 - math.exp(-s.forget_per_day * max(0.0, days))
        bit = bits[s.key]
        if lost <= 0.0:
            continue
        for state in range(len(belief)):
            if state & bit:
                moved = belief[state] * lost
                belief[state] -= moved
                belief[state ^ bit] += moved


def _observe(
    belief: list[float], right: list[float], correct: bool, learn: float, bit: int, need: int
) -> list[float]:
    after = [0.0] * len(belief)
    for state, b in enumerate(belief):
        w = b * (right[state] if correct else 1.0 - right[state])
        if state & bit:
            after[state] += w
        else:  # practice: learned with the skill's rate, a quarter without its prerequisites
            rate = learn if state & need == need else learn / 4.0
            after[state | bit] += w * rate
            after[state] += w * (1.0 - rate)
    total = sum(after)
    return [a / total for a in after] if total > 0 else belief
