import pytest

from paths.learning.bkt import BKT, BKTParams
from paths.learning.placement import Placement

MODEL = BKT(default=BKTParams(init=0.4, learn=0.1, guess=0.2, slip=0.1))


def run(placement: Placement, knows: set[str]) -> list[str]:
    asked = []
    while (skill := placement.next_skill()) is not None:
        asked.append(skill)
        placement.record(skill, skill in knows)
    return asked


def test_stops_when_confident_and_reports_mastered_skills():
    placement = Placement(MODEL, {"a": 1.0, "b": 1.0, "c": 1.0}, confidence=0.95, budget=30)
    asked = run(placement, knows={"a", "c"})
    result = placement.result()
    assert result.stop_reason == "confident"
    assert result.mastered == ("a", "c") and result.not_mastered == ("b",)
    assert result.questions == len(asked) <= 9


def test_diagnostic_answers_are_not_learning_opportunities():
    # with learning applied, wrong answers could never push mastery below 1 - confidence
    placement = Placement(MODEL, {"a": 1.0}, confidence=0.95, budget=10)
    run(placement, knows=set())
    assert placement.result().not_mastered == ("a",)


def test_stops_at_the_question_budget():
    placement = Placement(MODEL, dict.fromkeys("abcdef", 1.0), budget=4)
    asked = run(placement, knows=set("abcdef"))
    result = placement.result()
    assert len(asked) == 4 and result.stop_reason == "budget" and result.undecided


def test_asks_where_the_model_is_least_certain_among_skills_that_matter():
    states = {
        "known": MODEL.update(MODEL.initial("known"), True, practice=False),
        "unsure": MODEL.initial("unsure"),
    }
    states["known"] = MODEL.update(states["known"], True, practice=False)
    placement = Placement(MODEL, {"known": 1.0, "unsure": 1.0, "ignored": 0.0}, states)
    assert placement.next_skill() == "unsure"
    assert "ignored" not in placement.states


def test_weights_steer_the_choice_between_equally_uncertain_skills():
    placement = Placement(MODEL, {"minor": 0.2, "major": 1.0})
    assert placement.next_skill() == "major"


def test_refuses_answers_on_other_skills_and_bad_confidence():
    with pytest.raises(ValueError):
        Placement(MODEL, {"a": 1.0}, confidence=0.4)
    with pytest.raises(KeyError):
        Placement(MODEL, {"a": 1.0}).record("b", True)


def test_prerequisite_evidence_judges_linked_skills_with_fewer_questions():
    weights = dict.fromkeys("abcd", 1.0)
    chain = {"b": ["a"], "c": ["b"], "d": ["c"]}
    alone = Placement(MODEL, weights, budget=40)
    linked = Placement(MODEL, weights, budget=40, prerequisites=chain)
    asked_alone = run(alone, knows=set())
    asked_linked = run(linked, knows=set())
    assert linked.result().not_mastered == ("a", "b", "c", "d")
    assert len(asked_linked) < len(asked_alone)


def test_the_first_question_goes_where_it_tells_most_about_the_whole_chain():
    chain = {"b": ["a"], "c": ["b"]}
    placement = Placement(MODEL, dict.fromkeys("abc", 1.0), prerequisites=chain)
    alone = Placement(MODEL, dict.fromkeys("abc", 1.0))
    assert alone.next_skill() == "a"  # equal skills: the first in order
    assert placement.information("a") > alone.information("a")  # a failure there tells on b, c
    placement.record("b", False)
    result = placement.result()
    assert result.beliefs["c"] < result.states["c"].mastery  # lowered by its prerequisite
    assert result.beliefs["a"] == pytest.approx(result.states["a"].mastery, abs=1e-6)
