"""The path's prerequisite graph as evidence on mastery (knowledge-space style).

A skill taught after another one's steps needs it: a learner rarely masters the later skill
without the earlier one. Selfpath models that as a joint belief over every skill: each
skill's own model state (the evidence of its answers) times, for each prerequisite link, a
factor that makes "the skill mastered, its prerequisite not" `LEAK` times as likely as the
other combinations. So mastery shown on a skill raises the belief in its prerequisites, and
failure on a prerequisite lowers the belief in the skills that need it. The joint belief's
marginals are computed by belief propagation (exact on a tree-shaped graph of skills), and
its prior is calibrated so that, without answers, every skill keeps its model's prior.

By default the evidence only flows the two ways a teacher reads a prerequisite graph
(`directional`): success on a skill may raise its prerequisites but failure on it does not
lower them (failing fractions says little about knowing addition), and failure on a
prerequisite may lower the skills that need it but success on it does not raise them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

# How likely a skill is mastered without its prerequisite, relative to with it: the
# simulated learners of the benchmark start (and learn) at a quarter of the rate then.
LEAK = 0.25
ITERATIONS = 50
TOLERANCE = 1e-9
CALIBRATION_ROUNDS = 25
_EDGE = 1e-6  # probabilities are kept inside [_EDGE, 1 - _EDGE] so odds stay finite


def skill_prerequisites(
    steps: Iterable[tuple[str, Sequence[str], Sequence[str]]],
) -> dict[str, frozenset[str]]:
    """Each skill's direct prerequisite skills, from steps given as (key, skills,
    prerequisite step keys): the skills of the steps a step with that skill needs, looking
    through steps without skills. A pair of skills that need each other is no evidence
    either way and is dropped."""
    steps = list(steps)
    skills_of = {key: tuple(skills) for key, skills, _ in steps}
    needs = {key: tuple(prereqs) for key, _, prereqs in steps}
    through: dict[str, frozenset[str]] = {}

    def skills_before(key: str) -> frozenset[str]:
        if key not in through:
            through[key] = frozenset()  # guards a malformed cycle
            if skills_of.get(key):
                through[key] = frozenset(skills_of[key])
            else:
                through[key] = frozenset(s for p in needs.get(key, ()) for s in skills_before(p))
        return through[key]

    found: dict[str, set[str]] = {}
    for _key, skills, prereqs in steps:
        before = {s for p in prereqs for s in skills_before(p)}
        for skill in skills:
            found.setdefault(skill, set()).update(before - set(skills))
    return {
        skill: frozenset(p for p in prereqs if skill not in found.get(p, set()))
        for skill, prereqs in found.items()
    }


def _odds(p: float) -> float:
    p = min(1.0 - _EDGE, max(_EDGE, p))
    return p / (1.0 - p)


def _probability(odds: float) -> float:
    return odds / (1.0 + odds)


class SkillBeliefs:
    """The joint belief over a set of skills linked by prerequisites. `priors` are the
    model's masteries before any answer; `beliefs(masteries)` turns the model's current
    per-skill masteries into marginals of the joint belief."""

    def __init__(
        self,
        prerequisites: Mapping[str, Iterable[str]],
        priors: Mapping[str, float],
        leak: float = LEAK,
        *,
        directional: bool = True,
    ) -> None:
        if not 0.0 < leak <= 1.0:
            raise ValueError("leak must be in (0, 1]")
        self.skills = tuple(sorted(priors))
        self.leak = leak
        self.directional = directional
        known = set(self.skills)
        self.links = tuple(
            (p, k)
            for k in self.skills
            for p in sorted(set(prerequisites.get(k, ())))
            if p in known and p != k
        )
        self.priors = {s: min(1.0 - _EDGE, max(_EDGE, priors[s])) for s in self.skills}
        self.base = {s: _odds(self.priors[s]) for s in self.skills}
        self.prior_up: dict[tuple[str, str], float] = {}
        self.prior_down: dict[tuple[str, str], float] = {}
        for _ in range(CALIBRATION_ROUNDS if self.links else 0):
            marginals, up, down = self._propagate(self.base, clamp=False)
            self.base = {
                s: self.base[s] * _odds(self.priors[s]) / _odds(marginals[s]) for s in self.skills
            }
        if self.links:
            _, self.prior_up, self.prior_down = self._propagate(self.base, clamp=False)

    def beliefs(self, masteries: Mapping[str, float]) -> dict[str, float]:
        """Marginal mastery of every skill under the joint belief; a skill missing from
        `masteries` has had no answer (its prior)."""
        unary = {
            s: self.base[s] * _odds(masteries.get(s, self.priors[s])) / _odds(self.priors[s])
            for s in self.skills
        }
        if not self.links:
            return {s: _probability(unary[s]) for s in self.skills}
        return self._propagate(unary, clamp=self.directional)[0]

    def _propagate(
        self, unary: Mapping[str, float], *, clamp: bool
    ) -> tuple[dict[str, float], dict[tuple[str, str], float], dict[tuple[str, str], float]]:
        """Loopy belief propagation on binary skills; messages are odds ratios. With `clamp`,
        a message to a prerequisite never says less than it does without answers, and a
        message to a skill that needs it never says more."""
        up = dict(self.prior_up) if clamp else dict.fromkeys(self.links, 1.0)  # to prerequisite
        down = dict(self.prior_down) if clamp else dict.fromkeys(self.links, 1.0)  # to the skill
        for _ in range(ITERATIONS):
            incoming = self._incoming(up, down)
            change = 0.0
            for link in self.links:
                p, k = link
                h_p = unary[p] * incoming[p] / up[link]  # all but what k tells p
                h_k = unary[k] * incoming[k] / down[link]
                new_down = (self.leak + h_p) / (1.0 + h_p)
                new_up = (1.0 + h_k) / (1.0 + self.leak * h_k)
                if clamp:
                    new_down = min(new_down, self.prior_down[link])
                    new_up = max(new_up, self.prior_up[link])
                change = max(change, abs(new_down - down[link]), abs(new_up - up[link]))
                down[link], up[link] = new_down, new_up
            if change < TOLERANCE:
                break
        incoming = self._incoming(up, down)
        return {s: _probability(unary[s] * incoming[s]) for s in self.skills}, up, down

    def _incoming(
        self, up: Mapping[tuple[str, str], float], down: Mapping[tuple[str, str], float]
    ) -> dict[str, float]:
        product = dict.fromkeys(self.skills, 1.0)
        for link in self.links:
            p, k = link
            product[p] *= up[link]
            product[k] *= down[link]
        return product
