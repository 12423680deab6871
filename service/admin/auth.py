"""Admin sign-in: the configured credentials, and a signed cookie of the console's own.

The cookie is separate from the session an LTI launch starts: it is `SameSite=Strict`
and limited to /admin, so an LMS frame or another site never carries it, and a launch
can neither create nor reuse it. Changing the admin password ends every admin session;
signing out ends that one on the server too (`service.admin_sessions`), so a copied
cookie stops working.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from werkzeug.security import check_password_hash
from werkzeug.wrappers import Response

from config import Settings
from service.admin_sessions import admin_session_is_open, close_admin_session, open_admin_session
from service.clock import now
from service.extensions import db_session

COOKIE = "selfpath_admin"
SESSION_SECONDS = 8 * 3600
_SALT = "selfpath.admin-session"


def credentials_match(settings: Settings, username: str, password: str) -> bool:
    user_ok = hmac.compare_digest(username.encode(), settings.admin_username.encode())
    if settings.admin_password_hash:
        password_ok = check_password_hash(settings.admin_password_hash, password)
    else:
        password_ok = hmac.compare_digest(password.encode(), settings.admin_password.encode())
    return user_ok and password_ok


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key or "", salt=_SALT)


def _fingerprint(settings: Settings) -> str:
    secret = settings.admin_password_hash or settings.admin_password
    message = f"{settings.admin_username}\0{secret}".encode()
    key = str(current_app.secret_key).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def sign_in(response: Response, settings: Settings) -> None:
    """Open a server-side session and hand its id to the browser; the caller commits."""
    session_id = open_admin_session(db_session(), now(), timedelta(seconds=SESSION_SECONDS))
    https = bool(current_app.config["SESSION_COOKIE_SECURE"])
    token = _serializer().dumps({"admin": _fingerprint(settings), "sid": session_id})
    response.set_cookie(
        COOKIE,
        token,
        max_age=SESSION_SECONDS,
        path="/admin",
        httponly=True,
        secure=https,
        samesite="Strict",
    )


def sign_out(response: Response) -> None:
    """End this browser's admin session on the server and drop its cookie; the caller commits."""
    data = _cookie_data()
    if data is not None:
        close_admin_session(db_session(), str(data.get("sid", "")))
    response.delete_cookie(COOKIE, path="/admin", httponly=True, samesite="Strict")


def is_signed_in(settings: Settings) -> bool:
    data = _cookie_data()
    if data is None or not hmac.compare_digest(str(data.get("admin", "")), _fingerprint(settings)):
        return False
    return admin_session_is_open(db_session(), str(data.get("sid", "")), now())


def _cookie_data() -> dict[str, object] | None:
    """The admin cookie's signed, unexpired content, or None."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=SESSION_SECONDS)
    except BadSignature:
        return None
    return data if isinstance(data, dict) else None
