"""RS256 verification of an id_token with a key object parsed once, then its time claims.

PyJWT's `decode` makes the same checks but, since 2.14, validates base64 one character at
a time in Python: about five times the cost of the RSA verification itself on a launch
token. This does the checks with C-speed primitives and raises PyJWT's own exception
types, so callers refuse a token for the same reasons as before.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

_SEGMENT = re.compile(r"[A-Za-z0-9_-]*")
_URLSAFE = str.maketrans("-_", "+/")
REQUIRED_CLAIMS = ("exp", "iat")


def verify_rs256(token: str, key: rsa.RSAPublicKey, *, now: float, leeway: float) -> dict[str, Any]:
    """The token's claims once its RS256 signature by `key`, `exp`, `iat` and `nbf` hold."""
    parts = token.split(".")
    if len(parts) != 3:
        raise jwt.DecodeError("Not enough segments")
    header_b64, payload_b64, signature_b64 = parts
    header = _json_object(_b64(header_b64), "header")
    if header.get("alg") != "RS256":
        raise jwt.InvalidAlgorithmError("The specified alg value is not allowed")
    if "crit" in header:  # no JWS extension is understood, so none may be critical
        raise jwt.InvalidTokenError("Unsupported critical extension")
    try:
        key.verify(
            _b64(signature_b64),
            f"{header_b64}.{payload_b64}".encode("ascii"),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
    except InvalidSignature as exc:
        raise jwt.InvalidSignatureError("Signature verification failed") from exc
    claims = _json_object(_b64(payload_b64), "payload")
    _check_times(claims, now, leeway)
    return claims


class NulCharacter(jwt.DecodeError):
    """The token's header or payload (`part`) holds a NUL, which PostgreSQL text cannot."""

    def __init__(self, part: str) -> None:
        super().__init__(f"Invalid JWT: its {part} holds a NUL character")
        self.part = part


def holds_nul(value: Any) -> bool:
    """Whether a NUL is in any string or key of a JSON value, however deep (no recursion:
    the value may nest as deep as the parser allowed)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str) and "\x00" in item:
            return True
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _b64(segment: str) -> bytes:
    if not _SEGMENT.fullmatch(segment) or len(segment) % 4 == 1:
        raise jwt.DecodeError("Invalid base64url segment")
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as exc:
        raise jwt.DecodeError("Invalid base64url segment") from exc


def _json_object(raw: bytes, name: str) -> dict[str, Any]:
    try:
        value = json.loads(raw)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested too deep
        raise jwt.DecodeError(f"Invalid {name}: not JSON") from exc
    if not isinstance(value, dict):
        raise jwt.DecodeError(f"Invalid {name}: must be a JSON object")
    return value


def _number(claims: dict[str, Any], name: str, error: type[jwt.InvalidTokenError]) -> int:
    try:
        return int(claims[name])
    except (ValueError, TypeError, OverflowError) as exc:
        raise error(f"The {name} claim must be an integer") from exc


def _check_times(claims: dict[str, Any], now: float, leeway: float) -> None:
    """The same checks, in the same order, as PyJWT with `require=["exp", "iat"]`."""
    for name in REQUIRED_CLAIMS:
        if claims.get(name) is None:
            raise jwt.MissingRequiredClaimError(name)
    if _number(claims, "iat", jwt.InvalidIssuedAtError) > now + leeway:
        raise jwt.ImmatureSignatureError("The token is not yet valid (iat)")
    if "nbf" in claims and _number(claims, "nbf", jwt.DecodeError) > now + leeway:
        raise jwt.ImmatureSignatureError("The token is not yet valid (nbf)")
    if _number(claims, "exp", jwt.DecodeError) <= now - leeway:
        raise jwt.ExpiredSignatureError("Signature has expired")


def read_unverified(token: str) -> tuple[Any, Any]:
    """The header and payload as JSON values, before any check: enough to find the
    registration and key the signature is verified with. Lenient as pylti1p3's reading
    (padding optional, characters outside base64 skipped); the signature check that
    follows is not. A part holding a NUL anywhere is refused (`NulCharacter`)."""
    parts = token.split(".")
    if len(parts) != 3:
        raise jwt.DecodeError("Not enough segments")
    try:
        texts = _lenient_b64(parts[0]), _lenient_b64(parts[1])
        values = json.loads(texts[0]), json.loads(texts[1])
    except (ValueError, RecursionError) as exc:  # ValueError: base64, UTF-8 or JSON
        raise jwt.DecodeError("Invalid JWT: its header or payload cannot be read") from exc
    for part, text, value in zip(("header", "payload"), texts, values, strict=True):
        # JSON holds a NUL only as this escape (the parser refuses a raw one), so a text
        # without it needs no walk; with it, it may still be an escaped backslash's "u0000"
        if "\\u0000" in text and holds_nul(value):
            raise NulCharacter(part)
    return values


def _lenient_b64(segment: str) -> str:
    padded = segment + "=" * (-len(segment) % 4)
    return base64.b64decode(padded.translate(_URLSAFE)).decode("utf-8")
