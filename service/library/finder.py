"""The library's search form, read from a query string. Whatever is typed is bounded and
anything outside the filters' choices is ignored, so a search never fails."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import lazy_gettext

from paths.catalog import LEVELS, SUBJECTS
from paths.library.normalise import MAX_QUERY_CHARS
from paths.library.search import LENGTHS, LibraryQuery
from service.input_limits import whole_number

LANGUAGE_NAMES = {"en": "English", "vi": "Tiếng Việt"}
SUBJECT_NAMES = {
    "digital-skills": lazy_gettext("Digital skills"),
    "study-skills": lazy_gettext("Study skills"),
    "mathematics": lazy_gettext("Mathematics"),
    "biology": lazy_gettext("Biology"),
    "physics": lazy_gettext("Physics"),
    "chemistry": lazy_gettext("Chemistry"),
    "geography": lazy_gettext("Geography"),
    "history": lazy_gettext("History"),
    "literature": lazy_gettext("Literature"),
    "english-language": lazy_gettext("English language"),
    "other": lazy_gettext("Other"),
}
LEVEL_NAMES = {
    "primary": lazy_gettext("Primary school"),
    "lower-secondary": lazy_gettext("Lower secondary"),
    "upper-secondary": lazy_gettext("Upper secondary"),
    "adult": lazy_gettext("Adults"),
}
LENGTH_NAMES = {
    "short": lazy_gettext("Up to an hour"),
    "medium": lazy_gettext("1 to 3 hours"),
    "long": lazy_gettext("More than 3 hours"),
}
MAX_PAGE = 10_000
assert set(SUBJECT_NAMES) == set(SUBJECTS) and set(LEVEL_NAMES) == set(LEVELS)


def library_query(args: Mapping[str, str]) -> LibraryQuery:
    def chosen(name: str, allowed: object) -> str | None:
        value = args.get(name) or None
        return value if value in allowed else None  # type: ignore[operator]

    page = whole_number(str(args.get("page", "1")), up_to=MAX_PAGE) or 1
    return LibraryQuery(
        words=str(args.get("q", ""))[:MAX_QUERY_CHARS],
        language=chosen("language", LANGUAGE_NAMES),
        subject=chosen("subject", SUBJECTS),
        level=chosen("level", LEVELS),
        skill=str(args.get("skill", ""))[:100] or None,
        length=chosen("length", LENGTHS),
        page=page,
    )


def query_args(query: LibraryQuery) -> dict[str, str]:
    """The query as URL parameters (for the next and previous pages)."""
    values = {
        "q": query.words,
        "language": query.language,
        "subject": query.subject,
        "level": query.level,
        "skill": query.skill,
        "length": query.length,
    }
    return {k: v for k, v in values.items() if v}


def filter_choices() -> dict[str, object]:
    return {
        "languages": LANGUAGE_NAMES,
        "subjects": SUBJECT_NAMES,
        "levels": LEVEL_NAMES,
        "lengths": LENGTH_NAMES,
    }
