"""Dates, times and durations as people read them in their language (Babel's data).

Vietnamese readers expect dd/mm/yyyy and a 24-hour clock; Babel's short Vietnamese date
drops the leading zeros and two digits of the year, so the patterns are spelled out here.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import g
from flask_babel import format_date, format_datetime, get_locale, ngettext

DAY_PATTERNS = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}
MOMENT_PATTERNS = {"vi": "dd/MM/yyyy HH:mm", "en": "d MMM yyyy, HH:mm"}


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None and locale.language in DAY_PATTERNS else "en"


def day_label(value: date | datetime | None) -> str:
    """A date in the reader's language: 05/03/2026 in Vietnamese, 5 Mar 2026 in English.
    Each distinct day is formatted once per request (a class list repeats the same days)."""
    if value is None:
        return ""
    language = _language()
    seen: dict[tuple[str, date], str] = g.setdefault("selfpath_days", {})
    if (language, value) not in seen:
        pattern = DAY_PATTERNS[language]
        seen[language, value] = (
            format_datetime(value, pattern)
            if isinstance(value, datetime)
            else format_date(value, pattern)
        )
    return seen[language, value]


def moment_label(value: datetime | None) -> str:
    """A date and time of day in the reader's language and the site's time zone."""
    if value is None:
        return ""
    return format_datetime(value, MOMENT_PATTERNS[_language()])


def duration_label(minutes: int) -> str:
    """A duration in words: "45 minutes", "1 hour 20 minutes" ("1 giờ 20 phút")."""
    hours, rest = divmod(max(0, int(minutes)), 60)
    minutes_part = ngettext("%(num)d minute", "%(num)d minutes", rest)
    if not hours:
        return str(minutes_part)
    hours_part = ngettext("%(num)d hour", "%(num)d hours", hours)
    return str(hours_part) if not rest else f"{hours_part} {minutes_part}"
