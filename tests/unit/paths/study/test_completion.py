"""Marking steps done (`paths.study.completion`): once, never when locked or a checkpoint,
with bounded reflections, and once under two concurrent requests."""

import pytest

from paths.db import utcnow
from paths.errors import DomainError, Forbidden, NotFound
from paths.study import completion, learner_path
from tests.unit.paths.study.demo_path import complete_in_two_tabs, events


def test_completing_is_idempotent(session, enrollment):
    now = utcnow()
    assert completion.complete_step(session, enrollment, "search-basics", now=now) is True
    assert completion.complete_step(session, enrollment, "search-basics", now=now) is False
    session.commit()
    assert learner_path.progress_of(session, enrollment).completed == {"search-basics"}
    assert events(session) == 1


def test_locked_step_cannot_be_completed(session, enrollment):
    with pytest.raises(Forbidden, match="How search engines work"):
        completion.complete_step(session, enrollment, "search-queries", now=utcnow())
    assert events(session) == 0


def test_unknown_step_and_bad_reflection(session, enrollment):
    with pytest.raises(NotFound):
        completion.complete_step(session, enrollment, "elsewhere", now=utcnow())
    with pytest.raises(DomainError, match="2000"):
        completion.complete_step(
            session, enrollment, "search-basics", now=utcnow(), reflection="x" * 2001
        )
    with pytest.raises(DomainError, match="1 to 5"):
        completion.complete_step(session, enrollment, "search-basics", now=utcnow(), confidence=9)
    assert events(session) == 0


def test_checkpoint_cannot_be_marked_done(session, enrollment):
    with pytest.raises(DomainError):
        completion.complete_step(session, enrollment, "check-search", now=utcnow())


def test_two_concurrent_completions_record_one(session, enrollment):
    outcomes = complete_in_two_tabs(session, enrollment, "search-basics")
    assert sorted(outcomes) == [False, True]
    assert events(session) == 1
