"""What the class dashboard needs of one learner's progress, stored beside their state.

A learner's row of the dashboard reads their finished and tested-out steps, the latest
attempt at each checkpoint (passed, whether the one before it failed too, right or wrong per
question) and their last activity. The commit that writes a learner's state
(paths/learner_state.py) writes this summary too, as compact JSON with a checksum over the
number of events it accounts for, so a class of 500 learners is read as 500 short rows
instead of its 20,000 events. A summary is used only when its checksum holds and its count of
events is the enrollment's; anything else is read from the events (paths/dashboard.py).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from paths.progress import LearnerProgress

SUMMARY_FORMAT = 1  # the JSON layout below; a summary of another format is not read


class LatestAttempt(NamedTuple):
    """A learner's latest attempt at a checkpoint."""

    passed: bool
    failed_twice: bool  # this attempt and the one before it both failed
    correct: tuple[bool, ...] = ()  # right or wrong per question


@dataclass(slots=True)
class ClassProgress:
    finished: set[str] = field(default_factory=set)  # done, tested out or checkpoint passed
    tested_out: set[str] = field(default_factory=set)
    # per checkpoint attempted, in the order of the first attempts
    checkpoints: dict[str, LatestAttempt] = field(default_factory=dict)
    last_activity: datetime | None = None

    @classmethod
    def of(cls, progress: LearnerProgress) -> ClassProgress:
        checkpoints = {}
        for key, tries in progress.attempts.items():
            latest = tries[-1]
            failed_twice = not latest.passed and len(tries) > 1 and not tries[-2].passed
            checkpoints[key] = LatestAttempt(latest.passed, failed_twice, tuple(latest.correct))
        return cls(
            finished=set(progress.finished),
            tested_out=set(progress.tested_out),
            checkpoints=checkpoints,
            last_activity=progress.last_activity,
        )


def summary_text(progress: ClassProgress) -> str:
    document = {
        "finished": sorted(progress.finished),
        "tested": sorted(progress.tested_out),
        "checks": [
            [key, c.passed, c.failed_twice, list(c.correct)]
            for key, c in progress.checkpoints.items()
        ],
        "last": progress.last_activity.isoformat() if progress.last_activity else None,
    }
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def summary_checksum(events: int, text: str) -> str:
    signed = f"{SUMMARY_FORMAT}|{events}|{text}".encode()
    return hashlib.blake2b(signed, digest_size=16).hexdigest()


def read_summary(events: int, text: str, checksum: str | None) -> ClassProgress | None:
    """The stored summary of `events` events, or None when it cannot be trusted."""
    if checksum != summary_checksum(events, text):
        return None
    try:
        return _parse(json.loads(text))
    except (ValueError, KeyError, TypeError, IndexError, AttributeError):
        return None


def _parse(document: dict[str, Any]) -> ClassProgress:
    last = document["last"]
    at = datetime.fromisoformat(last) if last is not None else None
    if at is not None and at.tzinfo is None:
        raise ValueError("a summary's times are UTC")
    return ClassProgress(
        finished=set(map(str, document["finished"])),
        tested_out=set(map(str, document["tested"])),
        checkpoints={
            str(key): LatestAttempt(bool(passed), bool(twice), tuple(map(bool, correct)))
            for key, passed, twice, correct in document["checks"]
        },
        last_activity=at,
    )
