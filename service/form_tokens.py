"""The CSRF token every Selfpath form carries (`{{ csrf_token() }}`), signed once per session.

Flask-WTF keeps a random secret in the session and puts it, signed, in each form; it checks
what a form sends against the session's secret (Flask-WTF's CSRFProtect, unchanged). It signs
the secret again on every page that has a form: about 60 µs, a few per cent of My path. Since
Selfpath's form tokens do not expire on their own (WTF_CSRF_TIME_LIMIT is None: the session's
lifetime bounds them), a token signed once is as good on every later page of that session.
This process keeps the last SIGNED_TOKENS_KEPT signatures, by secret; a secret it no longer
holds is signed again. With a time limit set, every page signs anew, as Flask-WTF does.
"""

from __future__ import annotations

import hashlib
import os
import threading
from typing import Any

from flask import Flask, current_app, g, session
from flask_wtf.csrf import generate_csrf
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
            with self._lock:  # a worker's threads may sign at once
                if len(self._signed) >= self._kept:
                    self._signed.pop(next(iter(self._signed)))
                self._signed[secret] = token
        return token


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
    config = current_app.config
    if config["WTF_CSRF_TIME_LIMIT"] is not None or config["WTF_CSRF_FIELD_NAME"] != FIELD:
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
