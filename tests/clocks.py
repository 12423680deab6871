"""A monotonic clock that tests move by hand, for code that takes `clock=` (caches with
a time limit): no real waiting."""

from __future__ import annotations

import time


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
