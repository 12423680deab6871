"""The browser session a launch starts, and cookies that survive inside an LMS iframe.

When the browser withholds every cookie inside the LMS frame (third-party cookies
blocked, partitioned ones included), the launch still completes through platform
storage, and the session then travels with the page instead: the same signed session
that the cookie would hold, as a short-lived token in the `sp` query parameter of every
Selfpath link and form. Its CSRF secret travels inside it, so forms are checked as usual.

Cookie and token share one lifetime, `SESSION_HOURS` (Flask's PERMANENT_SESSION_LIFETIME):
it is how long a session may sit idle. An unchanged cookie is signed again once it is
`RENEW_AFTER_SECONDS` old, not on every page: signing is a third of what a small page costs,
and a session then ends between SESSION_HOURS and five minutes less after its last page.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Request, Response, current_app, has_request_context, request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature, URLSafeTimedSerializer

from lti.launch import Launch
from lti.provisioning import LaunchParties
from service.form_tokens import FIELD as FORM_SECRET
from service.form_tokens import new_secret as new_form_secret

STATE_COOKIE_PREFIX = "lti_state_"
TOKEN_PARAM = "sp"
TOKEN_BLUEPRINTS = frozenset({"learner", "teaching"})
"""Pages whose links and forms carry the session token when cookies are withheld."""
RENEW_AFTER_SECONDS = 300
"""An unchanged session cookie is signed again (its idle time restarted) once it is this old."""


class CarriedSession(SecureCookieSession):
    """A session; `carried` is true when it travels as a token instead of a cookie, and
    `signed_at` is when its cookie was signed (None for a new or carried session)."""

    carried = False
    signed_at: float | None = None


class CookieOrTokenSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, or the same session carried in the `sp` parameter."""

    session_class = CarriedSession
    token_salt = "selfpath-session-token"
    clock: Callable[[], float] = staticmethod(time.time)  # tests move it on

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's serializer, built once per application and keys instead of per request."""
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached: tuple[tuple[Any, ...], URLSafeTimedSerializer | None] | None = app.extensions.get(
            "selfpath.session_serializer"
        )
        if cached is None or cached[0] != keys:
            cached = (keys, super().get_signing_serializer(app))
            app.extensions["selfpath.session_serializer"] = cached
        return cached[1]

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
        return self.open_cookie(app, request)

    def open_cookie(self, app: Flask, request: Request) -> CarriedSession | None:
        """Flask's cookie session, knowing when the cookie was signed."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        try:
            data, signed_at = serializer.loads(
                value, max_age=idle_limit_seconds(app), return_timestamp=True
            )
        except BadSignature:
            return self.session_class()
        opened = self.session_class(data)
        opened.signed_at = signed_at.timestamp()
        return opened

    def should_set_cookie(self, app: Flask, session: Any) -> bool:
        """A changed session is always sent; an unchanged permanent one once its cookie is
        RENEW_AFTER_SECONDS old (or when the lifetime is shorter than that)."""
        if session.modified or not session.permanent:
            return bool(session.modified)
        signed_at = getattr(session, "signed_at", None)
        renew_after = min(RENEW_AFTER_SECONDS, idle_limit_seconds(app) // 2)
        return signed_at is None or self.clock() - signed_at >= renew_after

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


def clear_iframe_cookie(response: Response, name: str, *, path: str = "/") -> None:
    """Expire a cookie `set_iframe_cookie` set: with the same attributes, without which the
    browser would not take a partitioned cookie for the same one."""
    set_iframe_cookie(response, name, "", max_age=0, path=path)


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
            FORM_SECRET: new_form_secret(),
        }
    )
    # Permanent: the cookie then expires after SESSION_HOURS idle (renewed on each page)
    # instead of living until the browser closes, which a shared school computer never does.
    session.permanent = True
    session.carried = not cookies  # type: ignore[attr-defined]


def cookies_came_back(state: str) -> bool:
    """Whether the browser returned the launch's state cookie to this frame."""
    return STATE_COOKIE_PREFIX + state in request.cookies
