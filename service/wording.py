"""The request's translation catalog, looked up once per request, and the `gettext` and
`ngettext` that Python code (views, page builders, dates) words its labels with.

They give what Flask-Babel's functions of the same names give (the catalog's words, then
`%` with the variables), at a quarter of the cost: Flask-Babel looks the catalog up
through the request context on every call, and a page words dozens of labels.
"""

from __future__ import annotations

from typing import Any

from babel.support import NullTranslations
from flask import g
from flask_babel import get_locale, get_translations


def page_translations() -> NullTranslations:
    """The catalog of the request's language, looked up once per request (and again inside
    `force_locale`, which changes Flask-Babel's choice)."""
    # the request's `g` itself, read once: each read through the `g` proxy costs a
    # context lookup, and a page words dozens of labels
    store = g._get_current_object().__dict__
    chosen = getattr(store.get("_flask_babel"), "babel_locale", None)  # Flask-Babel's choice
    cached: tuple[object, NullTranslations] | None = store.get("selfpath_translations")
    if cached is not None and chosen is not None and cached[0] is chosen:
        return cached[1]
    translations = get_translations()
    g.selfpath_translations = (get_locale(), translations)
    return translations


def N_(message: str) -> str:
    """A message marked for the catalog (extracted like `_`), worded where it is shown with
    `gettext`: kept in a table, it costs no lazy string looked up through Flask-Babel."""
    return message


def gettext(string: str, **variables: Any) -> str:
    words = page_translations().ugettext(string)
    return words % variables if variables else words


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    return page_translations().ungettext(singular, plural, num) % variables
