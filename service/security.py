"""Security headers. Pages may be framed only by registered LMS origins."""

from __future__ import annotations

import re
import time
from threading import Lock
from urllib.parse import urlsplit

from flask import Flask, Response
from sqlalchemy.exc import SQLAlchemyError

from lti.registrations import frame_origins
from service.extensions import db_session

_CACHE_SECONDS = 60
_cache: dict[str, object] = {"at": 0.0, "value": ""}
_lock = Lock()
_HOST = re.compile(r"^[a-z0-9.-]+$")


def install(app: Flask) -> None:
    app.after_request(_add_headers)


def _add_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = content_security_policy(
            _frame_ancestors())
    return response


def content_security_policy(frame_ancestors: str) -> str:
    return ("default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self' 'unsafe-inline'; form-action *; base-uri 'self'; "
            # steps show framable resources inline; the demo LMS frames the tool's site
            "frame-src 'self' https:; "
            f"frame-ancestors {frame_ancestors}")


def allow_framing_by(response: Response, url: str) -> None:
    """Let the LMS at `url` frame this response although it is not registered yet (the
    dynamic registration page). Only a well-formed origin is added to the policy."""
    origins = [_frame_ancestors()]
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    host = (parts.hostname or "").lower()
    if parts.scheme in ("http", "https") and _HOST.match(host):
        origins.append(f"{parts.scheme}://{host}" + (f":{port}" if port else ""))
        if host.endswith(".instructure.com"):  # Canvas frames from the school's own host
            origins.append("https://*.instructure.com")
    response.headers["Content-Security-Policy"] = content_security_policy(" ".join(origins))


def _frame_ancestors() -> str:
    now = time.monotonic()
    with _lock:
        if now - float(_cache["at"]) < _CACHE_SECONDS and _cache["value"]:  # type: ignore[arg-type]
            return str(_cache["value"])
    try:
        origins = frame_origins(db_session())
    except SQLAlchemyError:  # the database may be down: keep framing to ourselves
        db_session().rollback()
        origins = []
    value = " ".join(["'self'", *sorted(set(origins))])
    with _lock:
        _cache.update(at=now, value=value)
    return value


def reset_frame_ancestors_cache() -> None:
    with _lock:
        _cache.update(at=0.0, value="")

