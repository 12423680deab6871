"""Idle grade workers woken as soon as a score changes, through Redis publish/subscribe.

The grade queue finds unsent scores by query (lti/grade_queue.py), so a worker that found
nothing waits before it looks again. With Redis (REDIS_URL), the request that commits a new
score version publishes a word on a channel, and every idle worker subscribed to it looks at
once. Without Redis, or when Redis is away, the workers' polling alone sends the score.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import valkey
from sqlalchemy.orm import Session

from lti.after_commit import OnCommit

log = logging.getLogger("selfpath.grades")
CHANNEL = "selfpath:scores-changed"
PENDING = "scores_changed"  # in `session.info`: a score changed in the open transaction
LISTEN_STEP = 0.25  # seconds between two looks at the stop signal while waiting


class RedisScoreOutbox:
    """The domain's ScoreOutbox (paths.scores): publishes once a change is committed, never
    for a transaction rolled back, at most once per commit."""

    def __init__(self, client: Any, channel: str = CHANNEL) -> None:
        self.client, self.channel = client, channel
        self._after_commit = OnCommit(PENDING, self._publish)

    def score_changed(self, session: Session, score_id: int) -> None:
        self._after_commit.ask(session)

    def _publish(self) -> None:
        try:
            self.client.publish(self.channel, "1")
        except valkey.ValkeyError as error:  # the score is committed: polling will send it
            log.warning("Could not wake the grade workers: %s", error)


class ScoreWakeups:
    """What an idle grade worker waits on: a committed score change, its poll interval, or
    the signal to stop, whichever comes first. Subscribed when made, so a change published
    while the worker sends a batch wakes it as soon as it is idle again."""

    def __init__(self, client: Any, channel: str = CHANNEL) -> None:
        self._pubsub = client.pubsub(ignore_subscribe_messages=True)
        self._pubsub.subscribe(channel)

    def wait(self, seconds: float, stop: threading.Event) -> bool:
        """Whether a score change woke the worker before `seconds` passed."""
        deadline = time.monotonic() + seconds
        while not stop.is_set() and (left := deadline - time.monotonic()) > 0:
            try:
                if self._pubsub.get_message(timeout=min(left, LISTEN_STEP)) is not None:
                    self._drain()
                    return True
            except valkey.ValkeyError as error:
                log.warning("Grade workers are not woken while Redis is away: %s", error)
                stop.wait(max(deadline - time.monotonic(), 0))
                return False
        return False

    def _drain(self) -> None:
        """Changes published together wake the worker once."""
        while self._pubsub.get_message(timeout=0) is not None:
            pass

    def close(self) -> None:
        self._pubsub.close()
