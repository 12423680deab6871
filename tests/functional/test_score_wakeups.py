"""An idle grade worker is woken as soon as a learner's new score is committed (Redis
publish/subscribe), not at its next poll; a rolled-back change wakes no one, and without
Redis, or with Redis away, the polling alone sends scores."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest
import valkey

from lti.grade_worker import BatchReport, GradeWorker, WorkerSettings
from lti.score_wakeups import RedisScoreOutbox, ScoreWakeups
from paths.scores import OUTBOX_KEY, give_outbox
from service.extensions import db
from service.lti.services import EXTENSION as LTI_SERVICES
from service.lti.services import LtiServices
from tests.functional.learner_pages import post
from tests.redis_db import TEST_REDIS_URL

POLL_SECONDS = 60.0  # far longer than any test here waits


@contextmanager
def grade_log(caplog) -> Iterator[None]:
    """The grade workers' log (the `selfpath` loggers do not propagate to the root)."""
    logger = logging.getLogger("selfpath.grades")
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.WARNING, logger="selfpath.grades"):
            yield
    finally:
        logger.removeHandler(caplog.handler)


@pytest.fixture
def redis_client():
    connection = valkey.Valkey.from_url(TEST_REDIS_URL, socket_timeout=5)
    yield connection
    connection.close()


@pytest.fixture
def channel() -> str:
    return f"test:scores-changed:{uuid.uuid4().hex}"  # channels are shared by every database


def test_an_idle_worker_is_woken_by_a_learners_committed_score(
    learner, session, redis_client, channel
):
    wakeups = ScoreWakeups(redis_client, channel)
    give_outbox(session, RedisScoreOutbox(redis_client, channel))
    batches: list[float] = []
    stop = threading.Event()

    def batch_with_nothing_due(_session) -> BatchReport:
        batches.append(time.monotonic())
        if len(batches) == 2:
            stop.set()
        return BatchReport()

    worker = GradeWorker(WorkerSettings(), idle=wakeups.wait)
    worker.run_batch = batch_with_nothing_due  # type: ignore[method-assign]
    thread = threading.Thread(
        target=worker.run,
        args=(session,),
        kwargs={"once": False, "idle_sleep": POLL_SECONDS, "stop": stop},
    )
    thread.start()
    try:
        post(learner, "/path/steps/search-basics/done", {}, "/path/steps/search-basics")
        thread.join(timeout=10)
        assert not thread.is_alive() and len(batches) == 2
        assert batches[1] - batches[0] < 10  # woken, not at the poll a minute later
    finally:
        stop.set()
        thread.join(timeout=10)
        worker.close()
        wakeups.close()


def test_a_rolled_back_change_wakes_no_one_and_a_commit_wakes_once(session, redis_client, channel):
    wakeups, outbox = ScoreWakeups(redis_client, channel), RedisScoreOutbox(redis_client, channel)
    try:
        session.connection()  # a score changes inside a transaction
        outbox.score_changed(session, 1)
        session.rollback()
        session.commit()
        assert not wakeups.wait(0.5, threading.Event())
        session.connection()
        outbox.score_changed(session, 1)
        outbox.score_changed(session, 2)
        session.commit()
        assert wakeups.wait(5, threading.Event())
        assert not wakeups.wait(0.5, threading.Event())  # one word for the whole commit
    finally:
        wakeups.close()


def test_a_stopped_worker_stops_waiting_at_once(redis_client, channel):
    wakeups, stop = ScoreWakeups(redis_client, channel), threading.Event()
    stop.set()
    started = time.monotonic()
    try:
        assert not wakeups.wait(POLL_SECONDS, stop)
        assert time.monotonic() - started < 1
    finally:
        wakeups.close()


def test_with_redis_away_the_score_is_committed_and_the_workers_poll(session, caplog, channel):
    away = valkey.Valkey(host="127.0.0.1", port=1, socket_connect_timeout=1)
    outbox = RedisScoreOutbox(away, channel)
    with grade_log(caplog):
        session.connection()
        outbox.score_changed(session, 1)
        session.commit()  # no error: the learner's work is saved
    assert any("Could not wake the grade workers" in r.getMessage() for r in caplog.records)


def test_a_worker_losing_redis_waits_out_its_poll_interval(redis_client, channel, caplog):
    wakeups = ScoreWakeups(redis_client, channel)

    def redis_gone(**_kwargs):
        raise valkey.ConnectionError("Connection refused")

    wakeups._pubsub.get_message = redis_gone  # type: ignore[method-assign]
    started = time.monotonic()
    with grade_log(caplog):
        assert not wakeups.wait(0.3, threading.Event())
    assert time.monotonic() - started >= 0.3
    assert any("not woken while Redis is away" in r.getMessage() for r in caplog.records)


def test_the_applications_sessions_tell_its_outbox_when_redis_is_set(app, settings, redis_client):
    with_redis = LtiServices.build(replace(settings, redis_url=TEST_REDIS_URL))
    assert isinstance(with_redis.score_outbox, RedisScoreOutbox)
    assert LtiServices.build(settings).score_outbox is None  # polling only
    services = app.extensions[LTI_SERVICES]
    app.extensions[LTI_SERVICES] = with_redis
    try:
        with app.app_context():
            assert db.session.info[OUTBOX_KEY] is with_redis.score_outbox
            db.session.remove()
    finally:
        app.extensions[LTI_SERVICES] = services
        with_redis.http.close()
    with app.app_context():
        assert OUTBOX_KEY not in db.session.info
        db.session.remove()
