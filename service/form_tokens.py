"""The CSRF token every Selfpath form carries (`{{ csrf_token() }}`), signed once per session.

Flask-WTF keeps a random secret in the session and puts it, signed, in each form; it checks
what a form sends against the session's secret (Flask-WTF's CSRFProtect, unchanged). It signs
the secret again on every page that has a form: about 60 µs, a few per cent of My path. Since
Selfpath's form tokens do not expire on their own (WTF_CSRF_TIME_LIMIT is None: the session's
lifetime bounds them), a token signed once is as good on every later page of that session.
This process keeps the last SIGNED_TOKENS_KEPT signatures, by secret; a secret it no longer
holds is signed again. With a time limit set, every page signs anew, as Flask-WTF does.

The check is the same reasoning the other way (`FormTokenCheck`): a form sending the very
token this process holds for the session's secret is a signature already verified, so it
is compared, not verified again; any other token goes through Flask-WTF's check, and one
that passes is kept for that secret (every signature of a secret is as good as another).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
from typing import Any

from flask import Flask, current_app, g, request, session
from flask_wtf.csrf import CSRFProtect, generate_csrf
from itsdangerous import URLSafeTimedSerializer

FIELD = "csrf_token"  # Flask-WTF's default field name, in the form and in the session
SALT = "wtf-csrf-token"  # Flask-WTF's, so its check reads these tokens
SIGNED_TOKENS = "selfpath.signed_form_tokens"
SIGNED_TOKENS_KEPT = 2048  # about 250 bytes each: half a megabyte at most per worker


class SignedTokens:
    """Form tokens signed with one key, by the session secret they sign: the oldest goes
    when SIGNED_TOKENS_KEPT are held."""

    def __init__(self, secret_key: Any, kept: int = SIGNED_TOKENS_KEPT) -> None:
        self.secret_key = secret_key
        self._serializer = URLSafeTimedSerializer(secret_key, salt=SALT)
        self._signed: dict[str, str] = {}
        self._kept = kept
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._signed)

    def signed(self, secret: str) -> str:
        token = self._signed.get(secret)
        if token is None:
            token = str(self._serializer.dumps(secret))
            self.keep(secret, token)
        return token

    def held(self, secret: str) -> str | None:
        """The token held for `secret`, without signing one."""
        return self._signed.get(secret)

    def keep(self, secret: str, token: str) -> None:
        """Hold `token`, a verified signature of `secret`, as that secret's token."""
        with self._lock:  # a worker's threads may sign at once
            if secret not in self._signed and len(self._signed) >= self._kept:
                self._signed.pop(next(iter(self._signed)))
            self._signed[secret] = token


class FormTokenCheck(CSRFProtect):
    """Flask-WTF's CSRF protection; a form sending the token this process holds for the
    session's secret passes by comparison. Only while tokens do not expire and the check
    asks for nothing more (WTF_CSRF_TIME_LIMIT None, WTF_CSRF_SSL_STRICT false or plain
    http); otherwise, and for any other token, Flask-WTF's check as before."""

    def protect(self, apply_exemptions: bool = False) -> None:
        if apply_exemptions and (not request.endpoint or self._is_exempt()):
            return  # as Flask-WTF skips them (the LTI launch, the login)
        held = _held_token()
        if held is not None and hmac.compare_digest(held, _posted_token()):
            g.csrf_valid = True  # as Flask-WTF marks a request it checked
            return
        super().protect()
        if not g.get("csrf_valid"):
            return  # not a form Flask-WTF checks (an exempt view, a GET)
        secret, token = session.get(FIELD), _posted_token()
        if isinstance(secret, str) and token and _signing_once():
            _signed_tokens().keep(secret, token)


def _posted_token() -> str:
    token = request.form.get(FIELD)
    return token if isinstance(token, str) else ""


def _held_token() -> str | None:
    """The token held for the session's secret, when a form's may be compared with it."""
    if request.method not in current_app.config["WTF_CSRF_METHODS"] or not _signing_once():
        return None
    if request.is_secure and current_app.config["WTF_CSRF_SSL_STRICT"]:
        return None
    secret = session.get(FIELD)
    return _signed_tokens().held(secret) if isinstance(secret, str) else None


def _signing_once() -> bool:
    """Whether tokens are signed once per session (they do not expire, and sit in FIELD)."""
    config = current_app.config
    return config["WTF_CSRF_TIME_LIMIT"] is None and config["WTF_CSRF_FIELD_NAME"] == FIELD


def install(app: Flask) -> None:
    """After CSRFProtect.init_app: templates' `csrf_token()` is `form_token`."""
    app.jinja_env.globals["csrf_token"] = form_token
    # Flask-WTF also puts its own csrf_token in every template's context, which would hide
    # the global; its other name there (csrf_meta_tag) is a global too.
    processors = app.template_context_processors[None]
    processors[:] = [p for p in processors if p.__module__ != "flask_wtf.csrf"]


def form_token() -> str:
    """The request's signed form token, creating the session's secret when it has none."""
    token = g.get(FIELD)
    if token is not None:
        return str(token)
    if not _signing_once():
        return str(generate_csrf())
    secret = session.get(FIELD)
    if not isinstance(secret, str):
        secret = session[FIELD] = new_secret()
    token = _signed_tokens().signed(secret)
    setattr(g, FIELD, token)
    return token


def new_secret() -> str:
    """A session's form secret, as Flask-WTF makes one. A launch puts one in the session it
    starts, so the page it lands on does not change the session (and sign its cookie) again."""
    return hashlib.sha1(os.urandom(64)).hexdigest()


def _signed_tokens() -> SignedTokens:
    key = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    tokens: SignedTokens | None = current_app.extensions.get(SIGNED_TOKENS)
    if tokens is None or tokens.secret_key != key:
        tokens = SignedTokens(key)
        current_app.extensions[SIGNED_TOKENS] = tokens
    return tokens
