"""The platforms' public keys, fetched from their key-set URLs and kept per process.

A key set is fetched when first needed, again when it is older than the cache time,
and once more (one request at a time per URL) when a token names a key id it lacks,
which is how a platform's key rotation reaches us.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from threading import Lock
from typing import Any

import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from lti.errors import LaunchRefused
from lti.outbound import KEY_SET_BYTES, Outbound, OutboundError

MIN_REFETCH_SECONDS = 5.0


@dataclass
class _Entry:
    fetched_at: float
    keys: dict[str, rsa.RSAPublicKey]
    lock: Lock = field(default_factory=Lock)


class PlatformKeys:
    def __init__(
        self,
        http: Outbound,
        timeout: float,
        max_age: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._http = http
        self._timeout = timeout
        self._max_age = max_age
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._lock = Lock()

    def key_for(self, url: str, kid: str) -> rsa.RSAPublicKey:
        """The RSA key `kid` from the key set at `url`, refetching once if it is unknown."""
        entry = self._entry(url)
        with entry.lock:
            age = self._clock() - entry.fetched_at
            if age > self._max_age or (kid not in entry.keys and age > MIN_REFETCH_SECONDS):
                entry.keys = self._fetch(url)
                entry.fetched_at = self._clock()
            key = entry.keys.get(kid)
        if key is None:
            raise LaunchRefused(
                "unknown_kid",
                f"the token's key id {kid!r} is not in the platform's key set at {url}",
                status=401,
            )
        return key

    def forget(self, url: str | None = None) -> None:
        with self._lock:
            if url is None:
                self._entries.clear()
            else:
                self._entries.pop(url, None)

    def _entry(self, url: str) -> _Entry:
        with self._lock:
            entry = self._entries.get(url)
            if entry is None:
                entry = self._entries[url] = _Entry(fetched_at=float("-inf"), keys={})
            return entry

    def _fetch(self, url: str) -> dict[str, rsa.RSAPublicKey]:
        try:
            response = self._http.get(
                url,
                timeout=self._timeout,
                max_bytes=KEY_SET_BYTES,
                headers={"Accept": "application/json"},
            )
            response.raise_for_status()
            document = response.json()
        except (OutboundError, requests.HTTPError, ValueError) as exc:
            raise LaunchRefused(
                "key_set_unavailable",
                f"the platform's key set at {url} could not be read ({_why(exc)}): is the "
                "key set URL registered for this platform right?",
                status=502,
            ) from exc
        return parse_key_set(document)


def _why(exc: Exception) -> str:
    if isinstance(exc, OutboundError):
        return str(exc)
    response = getattr(exc, "response", None)
    if response is not None:
        return f"it answered HTTP {response.status_code}"
    if isinstance(exc, ValueError):
        return "it is not JSON"
    return f"{type(exc).__name__}: unreachable"


def parse_key_set(document: Any) -> dict[str, rsa.RSAPublicKey]:
    """RSA signing keys by kid; other keys (and malformed ones) are skipped."""
    keys: dict[str, rsa.RSAPublicKey] = {}
    for jwk in document.get("keys", []) if isinstance(document, dict) else []:
        if not isinstance(jwk, dict) or jwk.get("kty") != "RSA" or not jwk.get("kid"):
            continue
        if jwk.get("use", "sig") != "sig" or jwk.get("alg", "RS256") != "RS256":
            continue
        try:
            key = RSAAlgorithm.from_jwk(json.dumps(jwk))
        except Exception:  # noqa: BLE001 - a malformed key is skipped, not fatal
            continue
        if isinstance(key, rsa.RSAPublicKey):
            keys[str(jwk["kid"])] = key
    return keys
