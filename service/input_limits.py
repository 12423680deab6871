"""Bounds on what URLs and forms may carry.

Flask's `int` converter and marshmallow's `Integer` take numbers of any size, and the
database then fails on an id beyond its column (PostgreSQL's `integer` is 32 bits), which
would be a 500. Every id in a URL or a form is bounded here once, so it is a 404 or a 400.
PostgreSQL cannot hold a NUL character in text either: a request carrying one is refused
before any view reads it.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from marshmallow import fields, validate
from werkzeug.routing import IntegerConverter

from paths.errors import DomainError

# The largest id any table holds: ids are `integer` columns, 32 bits in PostgreSQL.
MAX_ID = 2**31 - 1


class BoundedIntConverter(IntegerConverter):
    """`<int:...>` in every route: digits only, from 0 to MAX_ID, else the route is a 404."""

    def __init__(
        self,
        map: Any,
        fixed_digits: int = 0,
        min: int | None = None,
        max: int | None = None,
        signed: bool = False,
    ) -> None:
        super().__init__(
            map,
            fixed_digits=fixed_digits,
            min=min,
            max=MAX_ID if max is None else max,
            signed=signed,
        )


def install(app: Flask) -> None:
    """Replace the `int` converter before any blueprint adds its routes, and refuse NUL
    characters in every request."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(refuse_nul_characters)


def refuse_nul_characters() -> None:
    """No field of Selfpath holds a NUL, and PostgreSQL text cannot: refuse it anywhere in
    the path, the query or the form (names and values), before it reaches a query."""
    texts = [request.path, *(request.view_args or {}).values()]
    for source in (request.args, request.form):
        for name, values in source.lists():
            texts.append(name)
            texts.extend(values)
    if any("\x00" in text for text in texts if isinstance(text, str)):
        raise DomainError(
            "The request contains a NUL character (%00), which no Selfpath field accepts.",
            code="nul_character",
        )


def id_field(**kwargs: Any) -> fields.Integer:
    """A form field holding a row's id: a whole number from 1 to MAX_ID."""
    return fields.Integer(validate=validate.Range(1, MAX_ID), **kwargs)


def whole_number(raw: str, *, up_to: int = MAX_ID) -> int | None:
    """An ASCII whole number from 0 to `up_to`, or None for anything else ("²", "-1", "1e3",
    a thousand digits)."""
    if not raw.isascii() or not raw.isdigit() or len(raw) > len(str(up_to)):
        return None
    number = int(raw)
    return number if number <= up_to else None


def page_number(raw: str, pages: int) -> int:
    """A `?page=` value as a page from 1 to `pages`; what is not a number is the first page.
    (`str.isdigit` also accepts digits such as "²" that `int` refuses.)"""
    if not raw.isascii() or not raw.isdigit():
        return 1
    number = int(raw) if len(raw) <= 9 else pages  # int() refuses 4,300+ digits
    return min(max(number, 1), pages)
