"""Security headers. A page may be framed only by the LMS of its own session;
production responses insist on HTTPS; pages that need a session are never stored
by a cache."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from flask import Flask, Response, request, session
from sqlalchemy.exc import SQLAlchemyError

from service.extensions import db_session
from service.lti.services import lti_services
from service.settings import current_settings

_HOST = re.compile(r"^[a-z0-9.-]+$")


# A year, renewed by every response; subdomains of the tool's own host only.
TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
# Blueprints whose pages show a learner's, a teacher's or the admin's data.
SESSION_BLUEPRINTS = frozenset(
    {
        "learner",
        "teaching",
        "authoring",
        "class_dashboard",
        "class_learners",
        "deep_link",
        "library_teach",
        "open_resources",
        "alignments",
        "competencies",
        "cartridge",
        "admin",
    }
)


def install(app: Flask) -> None:
    app.after_request(_add_headers)
    app.after_request(_add_transport_security)
    app.after_request(_forbid_storing_session_pages)


def _add_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if "Content-Security-Policy" not in response.headers:
        response.headers["Content-Security-Policy"] = content_security_policy(_frame_ancestors())
    return response


def _add_transport_security(response: Response) -> Response:
    # Production always runs on https (Settings.check); development over http must not,
    # or the browser would pin the developer's host to https for a year.
    if current_settings().is_production:
        response.headers.setdefault("Strict-Transport-Security", TRANSPORT_SECURITY)
    return response


def _forbid_storing_session_pages(response: Response) -> Response:
    """A shared school computer's cache, or a proxy's, must not keep a page that only its
    learner, teacher or admin may see. Public pages (key set, setup, health) keep theirs."""
    if request.blueprint in SESSION_BLUEPRINTS:
        response.headers["Cache-Control"] = "no-store"
    return response


@lru_cache(maxsize=256)  # one per LMS origin that frames Selfpath, and 'self' or 'none'
def content_security_policy(frame_ancestors: str) -> str:
    return (
        "default-src 'self'; img-src 'self' data: https:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self' 'unsafe-inline'; form-action *; base-uri 'self'; "
        # steps show framable resources inline; the demo LMS frames the tool's site
        "frame-src 'self' https:; "
        f"frame-ancestors {frame_ancestors}"
    )


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
            return lti_services().frame_origins.for_platform(db_session(), platform_id)
        if isinstance(tenant_id, int):
            return lti_services().frame_origins.for_tenant(db_session(), tenant_id)
    except SQLAlchemyError:  # the database may be down: keep framing to ourselves
        db_session().rollback()
    return None


def reset_frame_ancestors_cache() -> None:
    lti_services().frame_origins.forget()
