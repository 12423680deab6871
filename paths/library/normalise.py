"""Text as search compares it: no case, no diacritics ("Kỹ năng số" → "ky nang so").

The same normalisation feeds the stored search text and every query, on PostgreSQL and
SQLite alike, so both databases find the same entries.
"""

from __future__ import annotations

import re
import unicodedata

MAX_QUERY_CHARS = 200
MAX_TERMS = 8
MAX_TERM_CHARS = 40
_NOT_WORD = re.compile(r"[^a-z0-9]+")
# Letters that Unicode does not decompose into a base letter and a mark.
_UNMARKED = str.maketrans(
    {"đ": "d", "ð": "d", "ø": "o", "ł": "l", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i"}
)


def searchable(text: str) -> str:
    """Lower-case ASCII words separated by single spaces."""
    lowered = text.casefold().translate(_UNMARKED)
    decomposed = unicodedata.normalize("NFKD", lowered)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.split(bare)).strip()


def query_terms(query: str) -> list[str]:
    """The words of a search box's text, bounded in number and length whatever is typed."""
    words = searchable(query[:MAX_QUERY_CHARS]).split()
    return list(dict.fromkeys(w[:MAX_TERM_CHARS] for w in words))[:MAX_TERMS]
