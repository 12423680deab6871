"""Security headers. A page may be framed only by the LMS of its own session."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, Response, session
from sqlalchemy.exc import SQLAlchemyError

from lti.runtime import frame_origins
from service.extensions import db_session

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
    """Let the LMS at `url` frame this response: the platform of a launch in progress, or
    an LMS not registered yet (the dynamic registration page). Only a well-formed origin
    is added to the policy."""
    origins = ["'self'"]
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
    origin = _session_platform_origin()
    return f"'self' {origin}" if origin else "'self'"


def _session_platform_origin() -> str | None:
    """The origin of the platform that launched this session, while it is enabled."""
    if not session:  # no launch (and an empty session is not read, so adds no Vary)
        return None
    platform_id, tenant_id = session.get("platform_id"), session.get("tenant_id")
    try:
        if isinstance(platform_id, int):
            return frame_origins().for_platform(db_session(), platform_id)
        if isinstance(tenant_id, int):
            return frame_origins().for_tenant(db_session(), tenant_id)
    except SQLAlchemyError:  # the database may be down: keep framing to ourselves
        db_session().rollback()
    return None


def reset_frame_ancestors_cache() -> None:
    frame_origins().forget()
