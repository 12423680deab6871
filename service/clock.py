"""The time, in one place, so tests can move it."""

from datetime import datetime

from paths.db import utcnow


def now() -> datetime:
    return utcnow()
