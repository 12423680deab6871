"""Trying a checkpoint before its reading and practice (`paths.study.checkpoints`) on the demo
path: who may, what a pass tests out, and the guard against a lucky pass."""

import pytest

from paths.db import utcnow
from paths.errors import Forbidden
from paths.learning import make_model
from paths.study import checkpoints, diagnostics, learner_path
from tests.unit.paths.study.demo_path import BEFORE_CHECK, SEARCH_HALF, SEARCH_RIGHT


def some_evidence_on_search(session, enrollment, model) -> None:
    """Placement: one right answer on searching, then finished."""
    question = diagnostics.current(session, enrollment, model).question
    assert question.skill == "search"
    index = int(question.id.split(":")[1])
    diagnostics.answer(
        session, enrollment, model, None, question.id, SEARCH_RIGHT[index], now=utcnow()
    )
    diagnostics.finish(session, enrollment, model, now=utcnow())


def open_first(session, enrollment, model) -> bool:
    step = learner_path.find_step(session, enrollment, "check-search")
    state = learner_path.progress_of(session, enrollment)
    return learner_path.open_to_try_first(session, enrollment, step, state, model, utcnow())


def test_without_evidence_the_checkpoint_is_locked(session, enrollment):
    model = make_model()
    assert not open_first(session, enrollment, model)
    with pytest.raises(Forbidden, match="locked"):
        checkpoints.submit_checkpoint(
            session, enrollment, "check-search", SEARCH_RIGHT, now=utcnow(), model=model
        )


def test_a_confident_pass_first_tests_out_the_reading_and_practice(session, enrollment):
    model = make_model()
    some_evidence_on_search(session, enrollment, model)
    assert open_first(session, enrollment, model)
    result = checkpoints.submit_checkpoint(
        session, enrollment, "check-search", SEARCH_RIGHT, now=utcnow(), model=model
    )
    assert result.passed and result.mastery_after["search"].mastery >= 0.95
    state = learner_path.progress_of(session, enrollment)
    assert set(BEFORE_CHECK) <= state.tested_out and "check-search" in state.passed


def test_a_lucky_pass_first_leaves_the_reading_and_practice_to_do(session, enrollment):
    model = make_model()
    some_evidence_on_search(session, enrollment, model)
    result = checkpoints.submit_checkpoint(
        session, enrollment, "check-search", SEARCH_HALF, now=utcnow(), model=model
    )
    assert result.passed and result.mastery_after["search"].mastery < 0.95
    state = learner_path.progress_of(session, enrollment)
    assert not set(BEFORE_CHECK) & state.tested_out and "check-search" in state.passed
