"""Form input through allow-list schemas: unknown fields are refused, blanks are None."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from flask import request
from marshmallow import RAISE, Schema, ValidationError, fields

from paths.errors import DomainError

IGNORED = {"csrf_token"}


def load_form(schema: type[Schema]) -> dict[str, Any]:
    """The form through `schema`; a `List` field takes every value sent under its name."""
    loader, lists = _loader(schema)
    data: dict[str, Any] = {}
    for name in request.form:
        if name in lists:
            data[name] = [v for v in request.form.getlist(name) if v.strip() != ""]
        elif name not in IGNORED and request.form[name].strip() != "":
            data[name] = request.form[name]
    try:
        loaded: dict[str, Any] = loader.load(data, unknown=RAISE)
    except ValidationError as error:
        raise DomainError(_message(error.messages), code="invalid_form") from error
    return loaded


@cache
def _loader(schema: type[Schema]) -> tuple[Schema, frozenset[str]]:
    """One instance per schema, built on first use, and its `List` fields' names: building
    a schema copies every declared field, and a loading schema keeps nothing of a request."""
    instance = schema()
    return instance, frozenset(
        name for name, field in instance.fields.items() if isinstance(field, fields.List)
    )


def load_indexed(prefix: str, extra: set[str]) -> tuple[dict[str, str], dict[str, str]]:
    """Fields named `<prefix><id>` as {id: value}, and the allowed `extra` fields."""
    pattern = re.compile(re.escape(prefix) + r"([A-Za-z0-9_.:-]{1,80})$")
    indexed: dict[str, str] = {}
    others: dict[str, str] = {}
    for name, value in request.form.items():
        if name in IGNORED:
            continue
        match = pattern.match(name)
        if match:
            indexed[match.group(1)] = value
        elif name in extra:
            others[name] = value
        else:
            raise DomainError(f"Unexpected field {name!r}.", code="invalid_form")
    return indexed, others


def _message(messages: Any) -> str:
    parts = []
    for name, problems in messages.items():
        text = problems[0] if isinstance(problems, list) and problems else str(problems)
        parts.append(f"{name}: {text}")
    return "; ".join(parts)
