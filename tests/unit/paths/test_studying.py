"""Derived state, locking, idempotent completion and recommendations on the demo path."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paths import placement, studying
from paths.db import utcnow
from paths.errors import DomainError, Forbidden, NotFound
from paths.learning import make_model
from paths.path_view import path_view
from paths.progress import ProgressEvent
from paths.recommend import (
    CHECKPOINT_READY,
    CLOSES_GAP,
    COMPLETE,
    REMEDIAL,
    REMEDIAL_REVIEW,
    to_restudy,
)

RIGHT = {0: "1", 1: "0", 2: "serp"}
WRONG = {0: "0", 1: "1", 2: "nope"}


def events(session) -> int:
    return session.scalar(select(func.count()).select_from(ProgressEvent))


def up_next(session, enrollment):
    return path_view(session, enrollment, utcnow()).up_next


def test_new_learner_starts_at_the_first_step(session, enrollment):
    view = path_view(session, enrollment, utcnow())
    assert view.up_next.step_key == "search-basics" and view.up_next.reason == CLOSES_GAP
    assert view.up_next.params == {"skills": "search"}
    statuses = {s.step.key: s.status for s in view.steps}
    assert statuses["search-basics"] == "available"
    assert statuses["search-queries"] == "locked"
    locked = next(s for s in view.steps if s.step.key == "search-queries")
    assert locked.locked_by == ("How search engines work",)
    assert view.percent == 0 and view.required_total == 10
    assert view.minutes_left == 118


def test_completing_is_idempotent(session, enrollment):
    now = utcnow()
    assert studying.complete_step(session, enrollment, "search-basics", now=now) is True
    assert studying.complete_step(session, enrollment, "search-basics", now=now) is False
    session.commit()
    assert studying.progress_of(session, enrollment).completed == {"search-basics"}
    assert events(session) == 1


def test_locked_step_cannot_be_completed(session, enrollment):
    with pytest.raises(Forbidden, match="How search engines work"):
        studying.complete_step(session, enrollment, "search-queries", now=utcnow())
    assert events(session) == 0


def test_unknown_step_and_bad_reflection(session, enrollment):
    with pytest.raises(NotFound):
        studying.complete_step(session, enrollment, "elsewhere", now=utcnow())
    with pytest.raises(DomainError, match="2000"):
        studying.complete_step(session, enrollment, "search-basics", now=utcnow(),
                               reflection="x" * 2001)
    with pytest.raises(DomainError, match="1 to 5"):
        studying.complete_step(session, enrollment, "search-basics", now=utcnow(),
                               confidence=9)
    assert events(session) == 0


def test_failed_checkpoint_recommends_the_remedial_step_then_the_check(session, enrollment):
    now = utcnow()
    for key in ("search-basics", "search-queries"):
        studying.complete_step(session, enrollment, key, now=now)
    assert up_next(session, enrollment).reason == CHECKPOINT_READY
    result = studying.submit_checkpoint(session, enrollment, "check-search", WRONG, now=now)
    assert not result.passed and result.correct == [False, False, False]
    remedial = up_next(session, enrollment)
    assert (remedial.step_key, remedial.reason) == ("search-review", REMEDIAL)
    assert remedial.params == {"checkpoint": "Check: finding information"}
    studying.complete_step(session, enrollment, "search-review", now=now)
    assert up_next(session, enrollment).step_key == "check-search"
    assert studying.submit_checkpoint(session, enrollment, "check-search", RIGHT,
                                      now=now).passed
    view = path_view(session, enrollment, now)
    assert view.up_next.step_key == "judge-sources"
    assert {s.step.key: s.status for s in view.steps}["check-search"] == "done"


def test_a_failed_review_brings_the_remedial_step_back_until_it_is_done_again(
        session, enrollment):
    start = utcnow()
    later = start + timedelta(days=30)
    for key in ("search-basics", "search-queries"):
        studying.complete_step(session, enrollment, key, now=start)
    studying.submit_checkpoint(session, enrollment, "check-search", WRONG, now=start)
    studying.complete_step(session, enrollment, "search-review", now=start)
    assert studying.submit_checkpoint(session, enrollment, "check-search", RIGHT,
                                      now=start).passed
    assert studying.complete_step(session, enrollment, "search-review", now=start) is False
    studying.submit_checkpoint(session, enrollment, "check-search", WRONG, now=later)
    state = studying.progress_of(session, enrollment)
    assert "check-search" in state.passed and state.failed_latest == {"check-search"}
    assert to_restudy(studying.steps_of(enrollment), state) == {"search-review"}
    remedial = path_view(session, enrollment, later).up_next
    assert (remedial.step_key, remedial.reason) == ("search-review", REMEDIAL_REVIEW)
    assert remedial.params == {"checkpoint": "Check: finding information"}
    before = events(session)
    assert studying.complete_step(session, enrollment, "search-review", now=later) is True
    assert events(session) == before + 1
    assert path_view(session, enrollment, later).up_next.step_key != "search-review"
    assert studying.complete_step(session, enrollment, "search-review", now=later) is False


def test_checkpoint_cannot_be_marked_done(session, enrollment):
    with pytest.raises(DomainError):
        studying.complete_step(session, enrollment, "check-search", now=utcnow())


def test_placement_tests_out_mastered_skills(session, enrollment):
    questions = placement.question_pool(studying.steps_of(enrollment))
    assert {q.skill for q in questions} == {"search", "evaluate", "safety"}
    right = {f"check-search:{i}": answer for i, answer in RIGHT.items()}
    model = make_model()
    while (question := placement.current(session, enrollment, model).question) is not None:
        placement.answer(session, enrollment, model, None, question.id,
                         right.get(question.id, ""), now=utcnow())
    result = placement.placement_result(session, enrollment)
    assert result.mastered == ("search",) and result.stop_reason == "confident"
    assert set(result.tested_out) == {"search-basics", "search-queries", "check-search"}
    view = path_view(session, enrollment, utcnow())
    assert view.up_next.step_key == "judge-sources"
    assert {s.step.key: s.status for s in view.steps}["search-basics"] == "tested_out"
    with pytest.raises(DomainError, match="already"):
        placement.skip_placement(session, enrollment, now=utcnow())


def test_finishing_everything_completes_the_path(session, enrollment):
    now = utcnow()
    steps = studying.steps_of(enrollment)
    answers = {"check-search": RIGHT,
               "check-judge-safety": {0: "1", 1: "0", 2: "2", 3: "Phishing"}}
    from paths.graph import topological_order
    for key in topological_order(steps):
        step = studying.find_step(enrollment, key)
        if step.remedial_for or step.optional:
            continue
        if step.is_checkpoint:
            assert studying.submit_checkpoint(session, enrollment, key, answers[key],
                                              now=now).passed
        else:
            studying.complete_step(session, enrollment, key, now=now)
    view = path_view(session, enrollment, now)
    assert view.percent == 100 and view.minutes_left == 0
    assert view.up_next.step_key == "two-factor"  # only the optional step is left
    studying.complete_step(session, enrollment, "two-factor", now=now)
    assert path_view(session, enrollment, now).up_next.reason == COMPLETE


def test_goal_and_on_track(session, enrollment):
    from datetime import timedelta

    now = utcnow()
    studying.set_goal(session, enrollment, minutes_per_week=60,
                      target_date=(now + timedelta(days=14)).date(), now=now)
    assert path_view(session, enrollment, now).on_track is True  # 118 min in 2 weeks at 60
    studying.set_goal(session, enrollment, minutes_per_week=30,
                      target_date=(now + timedelta(days=14)).date(), now=now)
    assert path_view(session, enrollment, now).on_track is False
    with pytest.raises(DomainError):
        studying.set_goal(session, enrollment, minutes_per_week=5, target_date=None, now=now)


def test_two_concurrent_completions_record_one(session, enrollment):
    engine = session.get_bind()
    barrier = threading.Barrier(2)
    outcomes: list[bool] = []

    def complete() -> None:
        with Session(engine) as own:
            mine = own.merge(enrollment, load=True)
            barrier.wait()
            outcomes.append(studying.complete_step(own, mine, "search-basics", now=utcnow()))
            own.commit()

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False, True]
    assert events(session) == 1
