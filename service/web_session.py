"""The browser session a launch starts, and cookies that survive inside an LMS iframe."""

from __future__ import annotations

from flask import Response, current_app, session

from lti.launch import Launch
from lti.provisioning import LaunchParties

STATE_COOKIE_PREFIX = "lti_state_"


def set_iframe_cookie(response: Response, name: str, value: str, *, max_age: int,
                      path: str = "/") -> None:
    """Over HTTPS, cookies must be `SameSite=None; Secure; Partitioned` to reach an
    iframe on the LMS's site; over plain HTTP (local development) browsers refuse that."""
    https = bool(current_app.config["SESSION_COOKIE_SECURE"])
    response.set_cookie(name, value, max_age=max_age, path=path, httponly=True,
                        secure=https, samesite="None" if https else "Lax",
                        partitioned=https)


def start_session(launch: Launch, parties: LaunchParties) -> None:
    """Replace any previous session with one bound to this launch's course and activity."""
    session.clear()
    session.update({
        "user_id": parties.user.id,
        "tenant_id": parties.tenant.id,
        "course_id": parties.course.id if parties.course else None,
        "activity_id": parties.activity.id if parties.activity else None,
        "role": launch.role,
        "locale": launch.locale,
    })
