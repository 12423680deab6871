"""The tool's RSA keys: created on first use, published as a JWKS, rotated by command.

Private keys live in the database (never in the repository). Parsed key objects are
kept per process, so signing does not re-parse and re-validate a PEM every time.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from threading import Lock
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lti.models import ToolKey

_parsed: dict[str, rsa.RSAPrivateKey] = {}
_parsed_lock = Lock()


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey


def new_key_pair() -> tuple[rsa.RSAPrivateKey, str, dict[str, Any]]:
    """A fresh 2048-bit RSA key, its PEM, and its public JWK with a thumbprint kid."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return key, pem, public_jwk(key.public_key())


def public_jwk(public_key: rsa.RSAPublicKey) -> dict[str, Any]:
    jwk = json.loads(RSAAlgorithm.to_jwk(public_key))
    thumb = json.dumps({"e": jwk["e"], "kty": "RSA", "n": jwk["n"]}, separators=(",", ":"))
    kid = base64.urlsafe_b64encode(hashlib.sha256(thumb.encode()).digest()).rstrip(b"=")
    return {
        "kty": "RSA",
        "n": jwk["n"],
        "e": jwk["e"],
        "kid": kid.decode(),
        "alg": "RS256",
        "use": "sig",
    }


def _create_key(session: Session, now: datetime) -> ToolKey:
    key, pem, jwk = new_key_pair()
    row = ToolKey(kid=jwk["kid"], private_pem=pem, public_jwk=json.dumps(jwk), created_at=now)
    session.add(row)
    session.flush()
    with _parsed_lock:
        _parsed[row.kid] = key
    return row


def _active_row(session: Session) -> ToolKey | None:
    return session.scalars(
        select(ToolKey)
        .where(ToolKey.retired_at.is_(None))
        .order_by(ToolKey.created_at.desc(), ToolKey.id.desc())
        .limit(1)
    ).first()


def ensure_key(session: Session, now: datetime) -> ToolKey:
    """The active key, created if the tool has none yet (first start)."""
    return _active_row(session) or _create_key(session, now)


def signing_key(session: Session, now: datetime) -> SigningKey:
    row = ensure_key(session, now)
    with _parsed_lock:
        key = _parsed.get(row.kid)
    if key is None:
        loaded = serialization.load_pem_private_key(row.private_pem.encode(), password=None)
        assert isinstance(loaded, rsa.RSAPrivateKey)
        key = loaded
        with _parsed_lock:
            _parsed[row.kid] = key
    return SigningKey(kid=row.kid, private_key=key)


def published_keys(session: Session, now: datetime) -> list[ToolKey]:
    """Keys in the JWKS: the active one and retired ones still in their grace period."""
    return list(
        session.scalars(
            select(ToolKey)
            .where(or_(ToolKey.retired_at.is_(None), ToolKey.published_until > now))
            .order_by(ToolKey.created_at.desc(), ToolKey.id.desc())
        )
    )


def jwks(session: Session, now: datetime) -> dict[str, list[dict[str, Any]]]:
    ensure_key(session, now)
    return {"keys": [json.loads(row.public_jwk) for row in published_keys(session, now)]}


def rotate(session: Session, now: datetime, grace_seconds: int) -> ToolKey:
    """Start signing with a new key; the previous ones stay published for the grace period."""
    for row in session.scalars(select(ToolKey).where(ToolKey.retired_at.is_(None))):
        row.retired_at = now
        row.published_until = now + timedelta(seconds=grace_seconds)
    session.flush()
    return _create_key(session, now)
