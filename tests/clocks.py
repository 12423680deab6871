"""A monotonic clock that tests move by hand, for code that takes `clock=` (caches with
a time limit): no real waiting."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

from paths.db import utcnow


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class BehindWallClock:
    """Wall-clock time (time.time) that a test moves on by hand instead of waiting. It starts
    `behind` seconds behind the real clock, so that moving it on never puts it ahead of a real
    server's (the fake LMS refuses a client assertion issued in its future)."""

    def __init__(self, behind: float = 10.0) -> None:
        self.offset = -behind

    def __call__(self) -> float:
        return time.time() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += seconds


class MovingClock:
    """The time now (UTC, as paths.db.utcnow), moved on by hand: what waits on it (a grade
    worker's paused platform, a score to retry later) comes due without real waiting."""

    def __init__(self) -> None:
        self.offset = timedelta(0)

    def __call__(self) -> datetime:
        return utcnow() + self.offset

    def advance(self, seconds: float) -> None:
        self.offset += timedelta(seconds=seconds)
