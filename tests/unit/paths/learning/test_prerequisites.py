from itertools import product

import pytest

from paths.learning.prerequisites import SkillBeliefs, skill_prerequisites

CHAIN = {"b": ["a"], "c": ["b"]}
PRIORS = {"a": 0.3, "b": 0.3, "c": 0.3}


def exact(beliefs: SkillBeliefs, masteries: dict[str, float]) -> dict[str, float]:
    """The joint belief's marginals by enumerating every mastered/not-mastered state."""
    skills = beliefs.skills
    total, marginal = 0.0, dict.fromkeys(skills, 0.0)
    for bits in product((0, 1), repeat=len(skills)):
        state = dict(zip(skills, bits, strict=True))
        weight = 1.0
        for s in skills:
            m, prior = masteries.get(s, beliefs.priors[s]), beliefs.priors[s]
            odds = beliefs.base[s] * (m / (1 - m)) / (prior / (1 - prior))
            weight *= odds if state[s] else 1.0
        for p, k in beliefs.links:
            if state[k] and not state[p]:
                weight *= beliefs.leak
        total += weight
        for s in skills:
            marginal[s] += weight * state[s]
    return {s: marginal[s] / total for s in skills}


def test_without_answers_every_skill_keeps_its_prior():
    beliefs = SkillBeliefs(CHAIN, PRIORS).beliefs({})
    assert beliefs == pytest.approx(PRIORS, abs=1e-6)


def test_mastery_shown_on_a_skill_raises_belief_in_its_prerequisites():
    beliefs = SkillBeliefs(CHAIN, PRIORS).beliefs({"c": 0.9})
    assert beliefs["b"] > beliefs["a"] > 0.33
    assert beliefs["c"] == pytest.approx(0.9, abs=0.01)


def test_failure_on_a_prerequisite_lowers_belief_in_the_skills_that_need_it():
    beliefs = SkillBeliefs(CHAIN, PRIORS).beliefs({"a": 0.05})
    assert beliefs["b"] < 0.25 and beliefs["b"] < beliefs["c"] < 0.3


def test_without_direction_belief_propagation_is_exact_on_a_chain():
    joint = SkillBeliefs(CHAIN, PRIORS, directional=False)
    for masteries in ({"c": 0.9}, {"a": 0.05, "c": 0.7}, {"b": 0.99}):
        assert joint.beliefs(masteries) == pytest.approx(exact(joint, masteries), abs=1e-6)


def test_failure_on_a_skill_does_not_lower_its_prerequisites():
    # success on a prerequisite does not raise the skills that need it either
    joint = SkillBeliefs(CHAIN, PRIORS)
    assert joint.beliefs({"a": 0.97, "c": 0.01})["a"] == pytest.approx(0.97, abs=1e-6)
    assert joint.beliefs({"a": 0.97})["b"] == pytest.approx(0.3, abs=1e-6)
    both_ways = SkillBeliefs(CHAIN, PRIORS, directional=False)
    assert both_ways.beliefs({"a": 0.97, "c": 0.01})["a"] < 0.97


def test_unlinked_skills_are_independent():
    joint = SkillBeliefs({}, PRIORS)
    assert joint.beliefs({"a": 0.8}) == pytest.approx({"a": 0.8, "b": 0.3, "c": 0.3})


def test_a_bad_leak_is_refused():
    with pytest.raises(ValueError):
        SkillBeliefs(CHAIN, PRIORS, leak=0.0)


def test_skill_prerequisites_come_from_the_steps_and_look_through_steps_without_skills():
    steps = [
        ("a-read", ["a"], []),
        ("a-check", ["a"], ["a-read"]),
        ("break", [], ["a-check"]),
        ("b-read", ["b"], ["break"]),
        ("b-check", ["b"], ["b-read"]),
    ]
    assert skill_prerequisites(steps) == {"a": frozenset(), "b": frozenset({"a"})}


def test_skills_that_need_each_other_are_no_evidence():
    steps = [("x", ["a"], []), ("y", ["b"], ["x"]), ("z", ["a"], ["y"])]
    assert skill_prerequisites(steps) == {"a": frozenset(), "b": frozenset()}


def test_a_step_cycle_does_not_loop_forever():
    steps = [("x", [], ["y"]), ("y", [], ["x"]), ("z", ["a"], ["x"])]
    assert skill_prerequisites(steps) == {"a": frozenset()}
