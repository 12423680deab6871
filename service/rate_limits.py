"""Rate limits on the views a flood could reach: LTI logins (per platform and address,
lti/login_limit.py), dynamic registrations, admin sign-ins and OAI-PMH requests.

A limit is declared on the view it guards (`@rate_limited`) and counted as that view runs;
no other request asks anything of it. Counters are fixed windows kept with the `limits`
library: in Redis when REDIS_URL is set, so every worker and instance shares them, else in
the process's memory. A refused request is a 429 whose Retry-After says when its window
ends (service/errors.py).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

from flask import Flask, current_app, request
from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import FixedWindowRateLimiter
from werkzeug.exceptions import TooManyRequests

EXTENSION = "selfpath.rate_limits"
log = logging.getLogger("selfpath.rate_limits")
View = TypeVar("View", bound=Callable[..., Any])


class LimitReached(TooManyRequests):
    """A request over its view's limit: `description` says what to do, `retry_after` is
    how many seconds until the limit's window ends."""

    def __init__(self, description: str, retry_after: int) -> None:
        super().__init__(description)
        self.retry_after = retry_after


class RateLimits:
    """The counters of one application, and its limits parsed once."""

    def __init__(self, storage: Storage, prefix: str) -> None:
        self.storage = storage
        self.prefix = prefix
        self._windows = FixedWindowRateLimiter(storage)
        self._parsed: dict[str, RateLimitItem] = {}

    @classmethod
    def install(cls, app: Flask, storage_uri: str, prefix: str) -> RateLimits:
        storage = storage_from_string(storage_uri)
        assert isinstance(storage, Storage)  # memory:// or valkey://, never an async store
        limits = cls(storage, prefix)
        app.extensions[EXTENSION] = limits
        return limits

    def check(self, limit: str, scope: str, key: str, message: str) -> None:
        """Count one request of `key` against `limit` (e.g. "10 per minute") in `scope`
        (the view); raise LimitReached when it is over."""
        item = self._item(limit)
        identifiers = (self.prefix, scope, key)
        if not self._windows.hit(item, *identifiers):
            raise LimitReached(message, self._seconds_left(item, identifiers))

    def reset(self) -> None:
        """Forget every count (tests)."""
        self.storage.reset()

    def _item(self, limit: str) -> RateLimitItem:
        item = self._parsed.get(limit)
        if item is None:
            item = self._parsed[limit] = parse(limit)  # settings name a few limits
        return item

    def _seconds_left(self, item: RateLimitItem, identifiers: tuple[str, ...]) -> int:
        """Until the window ends; the whole window if the store cannot say."""
        window = int(item.get_expiry())
        try:
            reset_at = self._windows.get_window_stats(item, *identifiers).reset_time
        except Exception:  # the store went away after refusing: the whole window is safe
            log.warning("rate limit store unreachable for Retry-After", exc_info=True)
            return window
        return min(max(1, round(reset_at - time.time())), window)


def rate_limited(
    limit: str | Callable[[], str],
    *,
    message: str,
    key: Callable[[], str] | None = None,
    methods: tuple[str, ...] | None = None,
) -> Callable[[View], View]:
    """Limit the view: `limit` (or the setting it reads) per `key` (the client's address
    by default), counted for the request methods named (every method by default)."""

    def decorate(view: View) -> View:
        scope = f"{view.__module__}.{view.__name__}"

        @wraps(view)
        def limited(*args: Any, **kwargs: Any) -> Any:
            if methods is None or request.method in methods:
                limits: RateLimits = current_app.extensions[EXTENSION]
                text = limit() if callable(limit) else limit
                limits.check(text, scope, (key or client_address)(), message)
            return view(*args, **kwargs)

        return cast(View, limited)

    return decorate


# REDIS_URL's schemes as the `limits` library names them for the valkey client, the one
# Selfpath installs (limits reads a redis:// address with the redis package, which is not
# installed: valkey is the Valkey project's maintained fork of it, and loads about 3 MB less
# in every worker). The server may be Redis or Valkey.
VALKEY_SCHEMES = {
    "redis": "valkey",
    "rediss": "valkeys",
    "unix": "valkey+unix",  # a socket, as the client of the launch state reads it
    "redis+unix": "valkey+unix",
}


def storage_uri(redis_url: str | None) -> str:
    """Where the counters live, as the `limits` library reads it: Redis when configured
    (shared by every instance), else memory."""
    if not redis_url:
        return "memory://"
    scheme, separator, rest = redis_url.partition("://")
    return f"{VALKEY_SCHEMES.get(scheme, scheme)}{separator}{rest}"


def key_prefix(base_url: str) -> str:
    """What keeps the counters of several Selfpath sites on one Redis apart."""
    return f"selfpath:{urlsplit(base_url).netloc}:limits"


def client_address() -> str:
    """The client's address (the real client's behind PROXY_HOPS trusted proxies)."""
    return request.remote_addr or "127.0.0.1"
