"""Forgetting what launches leave behind: old launch records, expired launch states and
seen nonces. Run by `flask launches purge` and, about once an hour, by every worker.

Deletes go in small batches, each its own transaction, and skip rows another worker is
deleting at the same moment, so several workers purging at once neither wait nor clash.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from lti.models import LaunchRecord, LaunchState, SeenNonce

log = logging.getLogger("selfpath.lti")
BATCH = 1000
UNITS = {"d": "days", "h": "hours", "m": "minutes"}
MAX_AGE = timedelta(days=36500)
_AGE = re.compile(r"\s*(\d{1,6})\s*([dhm])\s*")


@dataclass(frozen=True)
class PurgeReport:
    launch_records: int = 0
    launch_states: int = 0
    seen_nonces: int = 0

    def __str__(self) -> str:
        return (
            f"{self.launch_records} launch record(s), {self.launch_states} expired launch "
            f"state(s) and {self.seen_nonces} expired nonce(s)"
        )


def parse_age(text: str) -> timedelta:
    """`30d`, `12h` or `90m` as a duration; ValueError, in an admin's words, otherwise."""
    match = _AGE.fullmatch(text)
    if not match:
        raise ValueError(
            f"{text!r} is not an age: write a number and d (days), h (hours) "
            "or m (minutes), e.g. 30d or 12h"
        )
    age = timedelta(**{UNITS[match.group(2)]: int(match.group(1))})
    if not timedelta(0) < age <= MAX_AGE:
        raise ValueError(f"{text!r} is out of range: from 1m to {MAX_AGE.days}d")
    return age


def purge_launches(
    session: Session, *, now: datetime, older_than: timedelta, batch: int = BATCH
) -> PurgeReport:
    """Delete launch records older than `older_than`, and every expired launch state and
    seen nonce; commits after each batch."""
    return PurgeReport(
        launch_records=_delete_in_batches(
            session, LaunchRecord.id, LaunchRecord.at < now - older_than, batch
        ),
        launch_states=_delete_in_batches(
            session, LaunchState.state, LaunchState.expires_at <= now, batch
        ),
        seen_nonces=_delete_in_batches(
            session, SeenNonce.nonce, SeenNonce.expires_at <= now, batch
        ),
    )


def _delete_in_batches(session: Session, key: Any, condition: Any, batch: int) -> int:
    removed = 0
    while True:
        chosen = (
            select(key)
            .where(condition)
            .order_by(key)
            .limit(batch)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        result = session.execute(
            delete(key.class_).where(key.in_(chosen)).execution_options(synchronize_session=False)
        )
        session.commit()
        count: int = result.rowcount  # type: ignore[attr-defined]
        removed += count
        if count < batch:
            return removed


class PeriodicPurge:
    """A worker's purge: at most once per `every`, never an error that stops the worker."""

    def __init__(
        self, *, older_than: timedelta, every: timedelta, clock: Callable[[], datetime]
    ) -> None:
        self.older_than, self.every, self.clock = older_than, every, clock
        self._last: datetime | None = None

    def due(self) -> bool:
        return self._last is None or self.clock() - self._last >= self.every

    def run_if_due(self, session: Session) -> PurgeReport | None:
        if not self.due():
            return None
        self._last = now = self.clock()
        try:
            report = purge_launches(session, now=now, older_than=self.older_than)
        except SQLAlchemyError:  # e.g. the database is restarting: try at the next hour
            session.rollback()
            log.warning("launch purge failed", exc_info=True)
            return None
        if report != PurgeReport():
            log.info(
                "launch purge",
                extra={
                    "fields": {
                        "launch_records": report.launch_records,
                        "launch_states": report.launch_states,
                        "seen_nonces": report.seen_nonces,
                    }
                },
            )
        return report
