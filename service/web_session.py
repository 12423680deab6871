"""The browser session a launch starts, and cookies that survive inside an LMS iframe.

When the browser withholds every cookie inside the LMS frame (third-party cookies
blocked, partitioned ones included), the launch still completes through platform
storage, and the session then travels with the page instead: the same signed session
that the cookie would hold, as a short-lived token in the `sp` query parameter of every
Selfpath link and form. Its CSRF secret travels inside it, so forms are checked as usual.

Cookie and token share one lifetime, `SESSION_HOURS` (Flask's PERMANENT_SESSION_LIFETIME):
both are signed again on every page, so it is how long a session may sit idle.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Request, Response, current_app, has_request_context, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature, URLSafeTimedSerializer

from lti.launch import Launch
from lti.provisioning import LaunchParties

STATE_COOKIE_PREFIX = "lti_state_"
TOKEN_PARAM = "sp"
TOKEN_BLUEPRINTS = frozenset({"learner", "teaching"})
"""Pages whose links and forms carry the session token when cookies are withheld."""


class CarriedSession(SecureCookieSession):
    """A session; `carried` is true when it travels as a token instead of a cookie."""

    carried = False


class CookieOrTokenSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, or the same session carried in the `sp` parameter."""

    session_class = CarriedSession
    token_salt = "selfpath-session-token"

    def token_serializer(self, app: Flask) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(
            app.secret_key,  # type: ignore[arg-type]
            salt=self.token_salt,
            serializer=self.serializer,
            signer_kwargs={
                "key_derivation": self.key_derivation,
                "digest_method": self.digest_method,
            },
        )

    def open_session(self, app: Flask, request: Request) -> CarriedSession | None:
        token = request.args.get(TOKEN_PARAM)
        if token:
            data = self.read_token(app, token)
            if data is not None:
                carried = CarriedSession(data)
                carried.carried = True
                return carried
        return super().open_session(app, request)  # type: ignore[return-value]

    def read_token(self, app: Flask, token: str) -> dict[str, Any] | None:
        """The session in a valid, unexpired token that names a user; otherwise None."""
        try:
            data = self.token_serializer(app).loads(token, max_age=idle_limit_seconds(app))
        except BadSignature:  # also an expired token
            return None
        if not isinstance(data, dict) or not data.get("user_id"):
            return None
        return data


def idle_limit_seconds(app: Flask) -> int:
    return int(app.permanent_session_lifetime.total_seconds())


def install(app: Flask) -> None:
    app.session_interface = CookieOrTokenSessionInterface()
    app.url_defaults(_carry_session_token)


def session_token() -> str:
    """The current session as a token; the CSRF secret is created first so it rides along."""
    generate_csrf()
    interface = current_app.session_interface
    assert isinstance(interface, CookieOrTokenSessionInterface)
    return str(interface.token_serializer(current_app).dumps(dict(session)))


def _carry_session_token(endpoint: str, values: dict[str, Any]) -> None:
    if not has_request_context() or TOKEN_PARAM in values:
        return
    if endpoint.partition(".")[0] not in TOKEN_BLUEPRINTS:
        return
    if getattr(session, "carried", False):
        values[TOKEN_PARAM] = session_token()


def set_iframe_cookie(
    response: Response, name: str, value: str, *, max_age: int, path: str = "/"
) -> None:
    """Over HTTPS, cookies must be `SameSite=None; Secure; Partitioned` to reach an
    iframe on the LMS's site; over plain HTTP (local development) browsers refuse that."""
    https = bool(current_app.config["SESSION_COOKIE_SECURE"])
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=path,
        httponly=True,
        secure=https,
        samesite="None" if https else "Lax",
        partitioned=https,
    )


def start_session(launch: Launch, parties: LaunchParties, *, cookies: bool = True) -> None:
    """Replace any previous session with one bound to this launch's course and activity.
    With `cookies` false (the state cookie did not come back), the session is carried
    in Selfpath's links and forms instead."""
    session.clear()
    session.update(
        {
            "user_id": parties.user_id,
            "platform_id": launch.platform_id,  # the only LMS that may frame its pages
            "tenant_id": parties.tenant_id,
            "course_id": parties.course_id,
            "activity_id": parties.activity_id,
            "role": launch.role,
            "locale": launch.locale,
        }
    )
    # Permanent: the cookie then expires after SESSION_HOURS idle (renewed on each page)
    # instead of living until the browser closes, which a shared school computer never does.
    session.permanent = True
    session.carried = not cookies  # type: ignore[attr-defined]


def cookies_came_back(state: str) -> bool:
    """Whether the browser returned the launch's state cookie to this frame."""
    return STATE_COOKIE_PREFIX + state in request.cookies
