"""OAuth2 access tokens for a platform's services: the client-credentials grant with a JWT
client assertion signed by the tool's key, cached per (platform, scope set) until shortly
before the token expires."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import jwt

from lti.ags_http import LmsRefused, json_body, request
from lti.keys import SigningKey
from lti.outbound import TOKEN_BYTES, Outbound

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_SECONDS = 60
DEFAULT_EXPIRES_IN = 300


@dataclass(frozen=True)
class PlatformAuth:
    """What a platform needs to hand out a token: who we are to it and where to ask."""

    id: int
    issuer: str
    client_id: str
    token_url: str
    audience: str | None = None


def client_assertion(key: SigningKey, auth: PlatformAuth, now: float) -> str:
    """The signed JWT proving it is us (signed with the parsed key: no PEM per signature)."""
    claims = {
        "iss": auth.client_id,
        "sub": auth.client_id,
        "aud": auth.audience or auth.token_url,
        "iat": int(now),
        "exp": int(now) + ASSERTION_SECONDS,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid})


def expires_at(fetched: float, expires_in: float) -> float:
    """Stop using a token a little before the LMS stops accepting it."""
    return fetched + expires_in - min(60.0, expires_in / 10)


@dataclass
class _Cached:
    token: str
    until: float


class AccessTokens:
    """Tokens of one worker process, fetched once per (platform, scopes) while valid."""

    def __init__(
        self, http: Outbound, timeout: float, clock: Callable[[], float] = time.time
    ) -> None:
        self.http, self.timeout, self.clock = http, timeout, clock
        self.fetched = 0
        self._cache: dict[tuple[int, tuple[str, ...]], _Cached] = {}
        self._locks: dict[tuple[int, tuple[str, ...]], threading.Lock] = {}
        self._guard = threading.Lock()

    def token(self, auth: PlatformAuth, scopes: Iterable[str], key: SigningKey) -> str:
        cache_key = (auth.id, tuple(sorted(set(scopes))))
        with self._guard:
            lock = self._locks.setdefault(cache_key, threading.Lock())
        with lock:  # one fetch at a time per key: the others wait and reuse it
            cached = self._cache.get(cache_key)
            if cached is not None and self.clock() < cached.until:
                return cached.token
            fresh = self._fetch(auth, cache_key[1], key)
            self._cache[cache_key] = fresh
            return fresh.token

    def forget(self, auth: PlatformAuth, scopes: Iterable[str]) -> None:
        self._cache.pop((auth.id, tuple(sorted(set(scopes)))), None)

    def _fetch(self, auth: PlatformAuth, scopes: tuple[str, ...], key: SigningKey) -> _Cached:
        now = self.clock()
        what = "asking the LMS for an access token"
        response = request(
            self.http,
            "POST",
            auth.token_url,
            timeout=self.timeout,
            what=what,
            max_bytes=TOKEN_BYTES,
            data={
                "grant_type": "client_credentials",
                "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": client_assertion(key, auth, now),
                "scope": " ".join(scopes),
            },
            headers={"Accept": "application/json"},
        )
        self.fetched += 1
        body = json_body(response, what)
        token = body.get("access_token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            raise LmsRefused(f"{what}: the LMS's answer has no access_token")
        expires_in = body.get("expires_in", DEFAULT_EXPIRES_IN)
        if not isinstance(expires_in, int | float) or expires_in <= 0:
            expires_in = DEFAULT_EXPIRES_IN
        return _Cached(token, expires_at(now, float(expires_in)))
