"""Finding library entries: words typed in any case and with or without diacritics,
narrowed by language, subject, level, skill and length.

PostgreSQL matches with full-text search over the normalised text (a GIN index on
`to_tsvector('simple', search_text)`); SQLite with an FTS5 table that triggers keep in step
with the entries (both made by the migration). Both
read the same normalised words with the same prefix rule, and the ranking is done here, so
the two databases return the same entries in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, func, select, text
from sqlalchemy.orm import Session, selectinload

from paths.library.models import LISTED, LibraryEntry
from paths.library.normalise import query_terms, searchable

PAGE_SIZE = 20
MAX_MATCHES = 1000  # ranked in Python; a library this size is read in one go
LENGTHS = {"short": (0, 60), "medium": (61, 180), "long": (181, 10**6)}


@dataclass(frozen=True)
class LibraryQuery:
    words: str = ""
    language: str | None = None
    subject: str | None = None
    level: str | None = None
    skill: str | None = None
    length: str | None = None  # a key of LENGTHS
    page: int = 1


@dataclass(frozen=True)
class LibraryPage:
    entries: list[LibraryEntry]
    total: int
    page: int
    pages: int


def search_library(session: Session, query: LibraryQuery) -> LibraryPage:
    """Listed entries matching every word, best first; an empty query lists them newest
    first."""
    terms = query_terms(query.words)
    statement = _filtered(select(LibraryEntry), query)
    if terms:
        statement = statement.where(_matches(session, terms))
    entries = list(
        session.scalars(
            statement.options(selectinload(LibraryEntry.releases))
            .order_by(LibraryEntry.updated_at.desc(), LibraryEntry.id.desc())
            .limit(MAX_MATCHES)
        )
    )
    if query.skill:
        entries = [e for e in entries if _teaches(e, query.skill)]
    if terms:
        entries.sort(key=lambda e: _rank(e, terms), reverse=True)
    return _page(entries, query.page)


def _filtered(
    statement: Select[tuple[LibraryEntry]], query: LibraryQuery
) -> Select[tuple[LibraryEntry]]:
    statement = statement.where(LibraryEntry.status == LISTED)
    for column, value in (
        (LibraryEntry.language, query.language),
        (LibraryEntry.subject, query.subject),
        (LibraryEntry.level, query.level),
    ):
        if value:
            statement = statement.where(column == value)
    if query.length in LENGTHS:
        low, high = LENGTHS[query.length]
        statement = statement.where(LibraryEntry.minutes.between(low, high))
    return statement


def _matches(session: Session, terms: list[str]) -> ColumnElement[bool]:
    if session.get_bind().dialect.name == "postgresql":
        tsquery = " & ".join(f"{t}:*" for t in terms)
        return func.to_tsvector("simple", LibraryEntry.search_text).op("@@")(
            func.to_tsquery("simple", tsquery)
        )
    fts = " AND ".join(f'"{t}"*' for t in terms)
    return LibraryEntry.id.in_(
        select(text("rowid"))
        .select_from(text("library_search"))
        .where(text("library_search MATCH :fts").bindparams(fts=fts))
    )


def _rank(entry: LibraryEntry, terms: list[str]) -> tuple[int, int]:
    """Words found in the title count most, then in the skills' names."""
    title = searchable(entry.title).split()
    skills = searchable(" ".join(s.get("label", "") for s in entry.skills)).split()
    in_title = sum(any(w.startswith(t) for w in title) for t in terms)
    in_skills = sum(any(w.startswith(t) for w in skills) for t in terms)
    return (in_title, in_skills)


def _teaches(entry: LibraryEntry, skill: str) -> bool:
    wanted = query_terms(skill)
    for label in entry.skills:
        words = searchable(f"{label.get('label', '')} {label.get('key', '')}").split()
        if all(any(w.startswith(t) for w in words) for t in wanted):
            return True
    return False


def _page(entries: list[LibraryEntry], page: int) -> LibraryPage:
    pages = max(1, -(-len(entries) // PAGE_SIZE))
    page = min(max(page, 1), pages)
    start = (page - 1) * PAGE_SIZE
    return LibraryPage(
        entries=entries[start : start + PAGE_SIZE], total=len(entries), page=page, pages=pages
    )
