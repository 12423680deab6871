"""Marking steps done (`paths.study.completion`): once, never when locked or a checkpoint,
with bounded reflections, and once under two concurrent requests."""

import threading

import pytest
from sqlalchemy.orm import Session

from paths.db import utcnow
from paths.errors import DomainError, Forbidden, NotFound
from paths.study import completion, learner_path
from tests.unit.paths.study.demo_path import events


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
    engine = session.get_bind()
    barrier = threading.Barrier(2)
    outcomes: list[bool] = []

    def complete() -> None:
        with Session(engine) as own:
            mine = own.merge(enrollment, load=True)
            barrier.wait()
            outcomes.append(completion.complete_step(own, mine, "search-basics", now=utcnow()))
            own.commit()

    threads = [threading.Thread(target=complete) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == [False, True]
    assert events(session) == 1
