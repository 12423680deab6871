"""The placement check and skill checks (`paths.study.diagnostics`) on the demo path."""

import pytest

from paths.db import utcnow
from paths.errors import Conflict, DomainError
from paths.learning import make_model
from paths.study import diagnostics, learner_path, skills
from paths.study.path_view import path_view
from tests.unit.paths.study.demo_path import SEARCH_RIGHT


def test_placement_tests_out_mastered_skills(session, enrollment):
    questions = diagnostics.question_pool(learner_path.steps_of(session, enrollment))
    assert {q.skill for q in questions} == {"search", "evaluate", "safety"}
    right = {f"check-search:{i}": answer for i, answer in SEARCH_RIGHT.items()}
    model = make_model()
    while (question := diagnostics.current(session, enrollment, model).question) is not None:
        diagnostics.answer(
            session, enrollment, model, None, question.id, right.get(question.id, ""), now=utcnow()
        )
    result = diagnostics.placement_result(session, enrollment)
    assert result.mastered == ("search",) and result.stop_reason == "confident"
    assert set(result.tested_out) == {"search-basics", "search-queries", "check-search"}
    view = path_view(session, enrollment, utcnow())
    assert view.up_next.step_key == "judge-sources"
    assert {s.step.key: s.status for s in view.steps}["search-basics"] == "tested_out"
    with pytest.raises(DomainError, match="already"):
        diagnostics.skip_placement(session, enrollment, now=utcnow())


def test_placement_asks_where_it_is_least_certain_and_resumes(session, enrollment):
    model = make_model()
    first = diagnostics.current(session, enrollment, model)
    # search is the prerequisite of the two other skills: its answer tells most about all three
    assert first.question.skill == "search" and first.asked == 0 and first.budget == 12
    assert diagnostics.answer(
        session, enrollment, model, None, first.question.id, "1", now=utcnow()
    )
    # The same form sent again records nothing; the diagnostic resumes where it was.
    assert not diagnostics.answer(
        session, enrollment, model, None, first.question.id, "1", now=utcnow()
    )
    again = diagnostics.current(session, enrollment, model)
    assert again.asked == 1 and again.question.id != first.question.id
    assert skills.states_of(session, enrollment, model)["search"].answers == 1


def test_placement_stops_at_its_budget(session, enrollment, monkeypatch):
    monkeypatch.setattr(diagnostics, "PLACEMENT_BUDGET", 2)
    model = make_model()
    for _ in range(2):
        question = diagnostics.current(session, enrollment, model).question
        diagnostics.answer(session, enrollment, model, None, question.id, "1", now=utcnow())
    result = diagnostics.placement_result(session, enrollment)
    assert result.stop_reason == "budget" and result.questions == 2
    assert result.tested_out == ()


def test_placement_can_be_finished_at_any_time(session, enrollment):
    model = make_model()
    question = diagnostics.current(session, enrollment, model).question
    diagnostics.answer(session, enrollment, model, None, question.id, "", now=utcnow())
    result = diagnostics.finish(session, enrollment, model, now=utcnow())
    assert result.stop_reason == "learner_finished" and result.questions == 1
    assert not diagnostics.offers_placement(session, enrollment)
    with pytest.raises(Conflict):
        diagnostics.answer(session, enrollment, model, None, question.id, "", now=utcnow())
    with pytest.raises(Conflict):
        diagnostics.finish(session, enrollment, model, now=utcnow())


def test_a_skill_check_proves_mastery_and_tests_out_its_steps(session, enrollment):
    model = make_model()
    right = {f"check-search:{i}": a for i, a in SEARCH_RIGHT.items()}
    for _ in range(3):
        assert diagnostics.last_skill_check(session, enrollment, "search") is None
        question = diagnostics.current(session, enrollment, model, "search").question
        diagnostics.answer(
            session, enrollment, model, "search", question.id, right[question.id], now=utcnow()
        )
    result = diagnostics.last_skill_check(session, enrollment, "search")
    assert result.mastered == ("search",)
    assert set(result.tested_out) == {"search-basics", "search-queries", "check-search"}
    # A new check can start again afterwards.
    assert diagnostics.current(session, enrollment, model, "search").asked == 0


def test_conclusions_say_per_skill_what_was_asked_and_concluded():
    from paths.learning.mastery import SkillState

    answers = [
        {"skill": "search", "correct": True},
        {"skill": "search", "correct": True},
        {"skill": "safety", "correct": False},
    ]
    states = {
        "search": SkillState("search", 0.85, 0.36, 2, 2),
        "safety": SkillState("safety", 0.03, 0.17, 1, 0),
    }
    found = diagnostics.conclusions(answers, states, ["evaluate", "safety", "search"])
    assert [(c.skill, c.asked, c.right, c.verdict) for c in found] == [
        ("evaluate", 0, 0, "no_evidence"),
        ("safety", 1, 0, "not_yet"),
        ("search", 2, 2, "unsure"),
    ]  # 2 of 2 right: not enough to be sure
    assert found[2].percent == 85


def test_the_placement_result_keeps_what_it_concluded_per_skill(session, enrollment):
    model = make_model()
    while (question := diagnostics.current(session, enrollment, model).question) is not None:
        diagnostics.answer(session, enrollment, model, None, question.id, "", now=utcnow())
    result = diagnostics.placement_result(session, enrollment)
    by_skill = {c.skill: c for c in result.by_skill}
    assert set(by_skill) == {"search", "evaluate", "safety"}
    assert sum(c.asked for c in by_skill.values()) == result.questions
    assert all(c.right == 0 and c.verdict != "mastered" for c in by_skill.values())
