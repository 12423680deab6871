"""Addresses that are the same on every request of a process, built once.

Flask's `url_for` builds every address through the URL map and the application's URL
defaults; a page links to a few fixed pages (My path, My data, the goal's form), its
stylesheet and the pattern of its steps' addresses, and each costs as much as wording a
dozen labels. Such an address depends only on the script root, except when the session
travels in the links (`sp`, service/web_session.py): then it is built every time, as are
templates' addresses with values or relative to the current blueprint.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request, session, url_for

KEPT = "selfpath.fixed_urls"
KEPT_SIZE = 256  # addresses kept: the code names a few dozen fixed ones


def install(app: Flask) -> None:
    """Templates' `url_for` is `template_url_for`."""
    app.extensions[KEPT] = {}
    app.jinja_env.globals["url_for"] = template_url_for


def template_url_for(endpoint: str, **values: Any) -> str:
    """A template's `url_for`: kept when it names a page without values."""
    if values or endpoint.startswith("."):
        return url_for(endpoint, **values)
    return fixed_url(endpoint)


def fixed_url(endpoint: str, **values: Any) -> str:
    """`url_for(endpoint, **values)`, for values the code fixes (never a request's input),
    built once per process and script root."""
    if getattr(session, "carried", False):
        return url_for(endpoint, **values)
    kept: dict[tuple[Any, ...], str] = current_app.extensions[KEPT]
    key = (endpoint, request.script_root, *sorted(values.items()))
    address = kept.get(key)
    if address is None:
        address = url_for(endpoint, **values)
        if len(kept) < KEPT_SIZE:  # the script root comes with the request
            kept[key] = address
    return address
