"""Dates, times and durations as people read them in their language.

Vietnamese readers expect dd/mm/yyyy and a 24-hour clock; English readers 5 Mar 2026 and
a 24-hour clock. Both are written here from the date's numbers and English's twelve short
month names: Babel's calendar data for a language (its CLDR locale, about 4 MB of objects
in every worker that shows one English date) would be loaded for those twelve words alone.
Babel still gives the reader's language and the site's time zone.
"""

from __future__ import annotations

from datetime import date, datetime

from flask import g
from flask_babel import get_locale, to_user_timezone

from service.wording import ngettext

ENGLISH_MONTHS = (
    "Jan",
    "Feb",
    "Mar",
    "Apr",
    "May",
    "Jun",
    "Jul",
    "Aug",
    "Sep",
    "Oct",
    "Nov",
    "Dec",
)
LANGUAGES = ("vi", "en")


def _language() -> str:
    locale = get_locale()
    return locale.language if locale is not None and locale.language in LANGUAGES else "en"


def _day_text(language: str, day: date) -> str:
    if language == "vi":
        return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
    return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"


def _local(value: date | datetime) -> date | datetime:
    """A moment in the site's time zone (a naive one is UTC); a calendar day as it is."""
    return to_user_timezone(value) if isinstance(value, datetime) else value


def day_label(value: date | datetime | None) -> str:
    """A date in the reader's language: 05/03/2026 in Vietnamese, 5 Mar 2026 in English.
    Each distinct day is written once per request (a class list repeats the same days)."""
    if value is None:
        return ""
    language = _language()
    seen: dict[tuple[str, date], str] = g.setdefault("selfpath_days", {})
    if (language, value) not in seen:
        seen[language, value] = _day_text(language, _local(value))
    return seen[language, value]


def moment_label(value: datetime | None) -> str:
    """A date and time of day in the reader's language and the site's time zone:
    05/03/2026 14:07 in Vietnamese, 5 Mar 2026, 14:07 in English."""
    if value is None:
        return ""
    language = _language()
    local = to_user_timezone(value)
    separator = " " if language == "vi" else ", "
    return f"{_day_text(language, local)}{separator}{local.hour:02d}:{local.minute:02d}"


def duration_label(minutes: int) -> str:
    """A duration in words: "45 minutes", "1 hour 20 minutes" ("1 giờ 20 phút")."""
    hours, rest = divmod(max(0, int(minutes)), 60)
    minutes_part = ngettext("%(num)d minute", "%(num)d minutes", rest)
    if not hours:
        return str(minutes_part)
    hours_part = ngettext("%(num)d hour", "%(num)d hours", hours)
    return str(hours_part) if not rest else f"{hours_part} {minutes_part}"
