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
A cookie is therefore sent unchanged with every page for minutes: each process keeps the
last cookies it verified (`VerifiedCookies`), and a page bringing one again skips its
signature check and decoding, not its lifetime.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Request, Response, current_app, has_request_context, request, session
from flask.json.tag import TaggedJSONSerializer
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


PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})


def is_plain(data: Any) -> bool:
    """Whether a session's data is a dict of plain values (text, numbers, true, false,
    none; no list, dict or markup), as every learner's and teacher's session is."""
    return isinstance(data, dict) and all(type(item) in PLAIN_TYPES for item in data.values())


class SessionSerializer(TaggedJSONSerializer):
    """Flask's session serializer, which tags values JSON has no type for (a tuple,
    bytes, markup, a date) so that they read back as they were. A plain session
    (`is_plain`) is written as plain JSON instead: it has nothing to tag, and finding that
    out value by value costs half of writing its cookie. Both read back through Flask's
    reading, for which plain JSON is data without tags."""

    def dumps(self, value: Any) -> str:
        if is_plain(value) and not (len(value) == 1 and next(iter(value)) in self.tags):
            return json.dumps(value, separators=(",", ":"))
        return super().dumps(value)


class CookieOrTokenSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, or the same session carried in the `sp` parameter."""

    session_class = CarriedSession
    serializer = SessionSerializer()
    token_salt = "selfpath-session-token"
    clock: Callable[[], float] = staticmethod(time.time)  # tests move it on

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's serializer, built once per application and keys instead of per request."""
        return self._signing(app)[1]

    def _signing(self, app: Flask) -> _Signing:
        """The serializer and the cookies verified with it, both replaced with the keys."""
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        cached: _Signing | None = app.extensions.get("selfpath.session_serializer")
        if cached is None or cached[0] != keys:
            cached = (keys, super().get_signing_serializer(app), VerifiedCookies())
            app.extensions["selfpath.session_serializer"] = cached
        return cached

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
        _, serializer, verified = self._signing(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = idle_limit_seconds(app)
        known = verified.get(value, max_age)
        if known is not None:
            data, signed_at = known
        else:
            try:
                data, signed = serializer.loads(value, max_age=max_age, return_timestamp=True)
            except BadSignature:
                return self.session_class()
            signed_at = int(signed.timestamp())
            verified.remember(value, data, signed_at)
        opened = self.session_class(data)  # a copy: the verified data stays as signed
        opened.signed_at = signed_at
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


class VerifiedCookies:
    """Session cookies this process verified, with their data and signing time, so that
    the same cookie brought again is not verified and decoded again (the last `SIZE`
    cookies; about 1.4 kB each with its data, 1.4 MB at most). Only a cookie whose
    signature held is kept, and only when its data is plain (`is_plain`): a page gets a
    copy of the data, and a list in it could be changed in place. Its lifetime is checked
    on every use, by the clock itsdangerous checks it with."""

    SIZE = 1024

    def __init__(self) -> None:
        self._cookies: dict[str, tuple[dict[str, Any], int]] = {}
        self._lock = threading.Lock()  # a worker's threads may open sessions at once

    def get(self, value: str, max_age: int) -> tuple[dict[str, Any], int] | None:
        known = self._cookies.get(value)
        if known is None:
            return None
        age = int(time.time()) - known[1]
        if 0 <= age <= max_age:
            return known
        self._cookies.pop(value, None)  # expired: verified again, and refused, as before
        return None

    def remember(self, value: str, data: Any, signed_at: int) -> None:
        if not is_plain(data):
            return
        with self._lock:
            while len(self._cookies) >= self.SIZE:
                self._cookies.pop(next(iter(self._cookies)), None)  # the oldest kept
            self._cookies[value] = (data, signed_at)


_Signing = tuple[tuple[Any, ...], URLSafeTimedSerializer | None, VerifiedCookies]


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
