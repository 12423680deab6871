"""When to try an LMS again after it was down, slow or asked us to wait."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def retry_delay(
    attempt: int,
    *,
    base: float,
    cap: float,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait before try number `attempt` + 1: exponential from `base`, capped,
    with jitter (between half and all of it) so workers do not come back in step, and
    never sooner than the LMS's Retry-After."""
    exponential = min(cap, base * 2 ** max(0, attempt - 1))
    jittered = exponential * (0.5 + (rng or random).random() / 2)
    return max(jittered, retry_after or 0.0)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds (it may be a number of seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
