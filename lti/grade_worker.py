"""The grade-sync worker: sends every score newer than what the LMS acknowledged.

A batch is claimed in the database, its line items are found or created, and its scores
are posted in parallel over kept-alive connections. A platform that is down, slow or
busy (5xx, timeouts, 429) is paused with exponential backoff and jitter, honouring
Retry-After; a refusal (4xx, an odd answer, a forged address) is recorded with the LMS's
reason and the score is held until someone asks for a resync.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, fields
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from lti import grade_queue as queue
from lti.addresses import ANYWHERE, AddressRule
from lti.ags_endpoint import LINEITEM, SCORE, foreign_url, token_scopes
from lti.ags_http import (
    LmsRefused,
    LmsUnauthorized,
    LmsUnavailable,
    create_line_item,
    find_line_item,
    post_score,
    score_body,
)
from lti.ags_token import AccessTokens
from lti.backoff import retry_delay
from lti.grade_queue import PendingScore
from lti.housekeeping import PeriodicPurge
from lti.keys import SigningKey, signing_key
from lti.outbound import Outbound
from paths.db import utcnow
from paths.scores import SCORE_MAXIMUM

log = logging.getLogger("selfpath.grades")
SENT, RETRY, REFUSED, SKIPPED = "sent", "retry", "refused", "skipped"
ACK_EVERY = 10  # outcomes per commit: a killed worker resends at most these few


@dataclass(frozen=True)
class WorkerSettings:
    batch: int = 50
    threads: int = 4
    lease_seconds: float = 120.0
    retry_base_seconds: float = 2.0
    retry_max_seconds: float = 900.0
    timeout: float = 10.0
    addresses: AddressRule = ANYWHERE  # production: public LMS addresses (and named networks)


@dataclass(frozen=True)
class Outcome:
    kind: str
    reason: str | None = None
    delay: float = 0.0


@dataclass
class BatchReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped: int = 0

    def add(self, other: BatchReport) -> None:
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))


def new_http_session(settings: WorkerSettings) -> Outbound:
    """Kept-alive connections, enough for every sending thread."""
    return Outbound(addresses=settings.addresses, pool_size=settings.threads)


def _sleep(seconds: float, stop: threading.Event) -> bool:
    return stop.wait(seconds)


class GradeWorker:
    def __init__(
        self,
        settings: WorkerSettings,
        *,
        http: Outbound | None = None,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
        name: str | None = None,
        purge: PeriodicPurge | None = None,
        idle: Callable[[float, threading.Event], object] | None = None,
    ) -> None:
        self.settings, self.clock, self.rng = settings, clock, rng or random.Random()
        self.purge = purge  # launch records and expired launch state, about hourly
        # How an idle worker waits: its poll interval, or less when woken (lti/score_wakeups.py).
        self.idle = idle or _sleep
        self.http = http or new_http_session(settings)
        self.tokens = AccessTokens(self.http, settings.timeout)
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self._pool = ThreadPoolExecutor(max_workers=max(settings.threads, 1))
        self._paused: dict[int, datetime] = {}
        self._failures: dict[int, int] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        self._pool.shutdown(wait=True)
        self.http.close()

    # -- the loop ---------------------------------------------------------------------

    def run(
        self, session: Session, *, once: bool, idle_sleep: float, stop: threading.Event
    ) -> BatchReport:
        """Send batches until stopped (or, with `once`, until nothing is due)."""
        total = BatchReport()
        while not stop.is_set():
            if self.purge is not None:
                self.purge.run_if_due(session)
            report = self.run_batch(session)
            total.add(report)
            if report.claimed == 0:
                if once:
                    break
                self.idle(idle_sleep, stop)
        return total

    def run_batch(self, session: Session) -> BatchReport:
        now = self.clock()
        with self._lock:
            paused = [p for p, until in self._paused.items() if until > now]
        items = queue.claim(
            session,
            worker=self.name,
            now=now,
            limit=self.settings.batch,
            lease_seconds=self.settings.lease_seconds,
            paused=paused,
        )
        report = BatchReport(claimed=len(items))
        if not items:
            return report
        key = signing_key(session, now)
        session.commit()
        deadline = now + timedelta(seconds=self.settings.lease_seconds * 0.8)
        ready = self._with_line_items(session, items, key, report)
        jobs = {
            self._pool.submit(self._send, item, url, key, deadline): item for item, url in ready
        }
        for done, job in enumerate(as_completed(jobs), start=1):
            self._record(session, jobs[job], job.result(), report)
            if done % ACK_EVERY == 0:
                session.commit()
        session.commit()
        if report.sent or report.retrying or report.failed:
            log.info(
                "grade sync batch",
                extra={
                    "fields": {
                        "sent": report.sent,
                        "failed": report.failed,
                        "retrying": report.retrying,
                    }
                },
            )
        return report

    # -- outcomes -------------------------------------------------------------------

    def _record(
        self, session: Session, item: PendingScore, outcome: Outcome, report: BatchReport
    ) -> None:
        now, who = self.clock(), self.name
        if outcome.kind == SENT:
            queue.acknowledged(session, item, worker=who, now=now)
            report.sent += 1
        elif outcome.kind == RETRY:
            queue.retry_later(
                session, item, worker=who, now=now, delay=outcome.delay, reason=outcome.reason
            )
            report.retrying += 1
        elif outcome.kind == REFUSED:
            queue.refused(session, item, worker=who, now=now, reason=outcome.reason or "")
            report.failed += 1
            log.warning(
                "grade sync refused",
                extra={
                    "fields": {
                        "score_id": item.score_id,
                        "platform_id": item.platform.id,
                        "reason": outcome.reason,
                    }
                },
            )
        else:
            queue.retry_later(
                session, item, worker=who, now=now, delay=outcome.delay, reason=None, counted=False
            )
            report.skipped += 1

    def _unavailable(self, platform_id: int, error: LmsUnavailable, attempts: int) -> Outcome:
        """Pause the platform: the next try waits longer each time the LMS fails."""
        with self._lock:
            failures = self._failures.get(platform_id, 0) + 1
            self._failures[platform_id] = failures
            delay = retry_delay(
                max(failures, attempts + 1),
                base=self.settings.retry_base_seconds,
                cap=self.settings.retry_max_seconds,
                retry_after=error.retry_after,
                rng=self.rng,
            )
            until = self.clock() + timedelta(seconds=delay)
            self._paused[platform_id] = max(until, self._paused.get(platform_id, until))
        return Outcome(RETRY, str(error), delay)

    def _pause_left(self, platform_id: int) -> float:
        with self._lock:
            until = self._paused.get(platform_id)
        return max(0.0, (until - self.clock()).total_seconds()) if until else 0.0

    # -- sending --------------------------------------------------------------------

    def _send(
        self, item: PendingScore, lineitem_url: str, key: SigningKey, deadline: datetime
    ) -> Outcome:
        wait = self._pause_left(item.platform.id)
        if wait > 0 or self.clock() > deadline:  # paused, or our lease is running out
            return Outcome(SKIPPED, delay=wait)
        try:
            self._post(item, lineitem_url, key)
        except LmsUnavailable as error:
            return self._unavailable(item.platform.id, error, item.attempts)
        except LmsRefused as error:
            return Outcome(REFUSED, str(error))
        with self._lock:
            self._failures[item.platform.id] = 0
        return Outcome(SENT)

    def _post(self, item: PendingScore, lineitem_url: str, key: SigningKey) -> None:
        self._check_address(item, lineitem_url)
        if SCORE not in item.scopes:
            raise LmsRefused(
                "the LMS's AGS claim for this activity does not allow sending "
                f"scores (scope {SCORE} is missing)"
            )
        body = score_body(
            user_id=item.user_id,
            timestamp=item.changed_at,
            given=item.given,
            maximum=item.maximum,
            activity_progress=item.activity_progress,
            grading_progress=item.grading_progress,
        )
        scopes = token_scopes(item.scopes)
        for retry in (False, True):
            token = self.tokens.token(item.platform, scopes, key)
            try:
                post_score(self.http, lineitem_url, token, body, self.settings.timeout)
                return
            except LmsUnauthorized:
                if retry:
                    raise
                self.tokens.forget(item.platform, scopes)  # revoked early? one fresh try

    @staticmethod
    def _check_address(item: PendingScore, url: str) -> None:
        why = foreign_url(item.platform.issuer, item.platform.token_url, url)
        if why:
            raise LmsRefused(why)

    # -- line items -----------------------------------------------------------------

    def _with_line_items(
        self, session: Session, items: list[PendingScore], key: SigningKey, report: BatchReport
    ) -> list[tuple[PendingScore, str]]:
        ready: list[tuple[PendingScore, str]] = []
        resolved: dict[int, str | Outcome] = {}
        for item in items:
            if item.lineitem_url:
                ready.append((item, item.lineitem_url))
                continue
            if item.endpoint_id not in resolved:
                resolved[item.endpoint_id] = self._line_item(session, item, key)
            result = resolved[item.endpoint_id]
            if isinstance(result, str):
                ready.append((item, result))
            else:
                self._record(session, item, result, report)
        session.commit()
        return ready

    def _line_item(self, session: Session, item: PendingScore, key: SigningKey) -> str | Outcome:
        try:
            row = queue.lock_endpoint(session, item.endpoint_id)
            if not row.lineitem_url:
                row.lineitem_url = self._find_or_create(item, key)
                row.line_item_created = True
            url = row.lineitem_url
            session.commit()
            return url
        except LmsUnavailable as error:
            session.rollback()
            return self._unavailable(item.platform.id, error, item.attempts)
        except LmsRefused as error:
            session.rollback()
            return Outcome(REFUSED, str(error))

    def _find_or_create(self, item: PendingScore, key: SigningKey) -> str:
        container = item.lineitems_url
        if not container:
            raise LmsRefused(
                "the LMS gave this activity no gradebook column and no line "
                "items address: turn on grades for the activity in the LMS"
            )
        if LINEITEM not in item.scopes:
            raise LmsRefused(
                "the LMS gave this activity no gradebook column, and its AGS "
                f"scopes do not let Selfpath create one ({LINEITEM} is missing)"
            )
        self._check_address(item, container)
        token = self.tokens.token(item.platform, token_scopes(item.scopes), key)
        timeout = self.settings.timeout
        return find_line_item(
            self.http, container, token, item.resource_link_id, timeout
        ) or create_line_item(
            self.http,
            container,
            token,
            label=item.label,
            score_maximum=SCORE_MAXIMUM,
            resource_link_id=item.resource_link_id,
            timeout=timeout,
        )
