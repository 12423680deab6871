"""What an LTI 1.3 platform does when it launches a tool: claims, signature, key set.

Used by the demo LMS, and by the tests' platform, which signs real JWTs the same way.
"""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from lti import claims
from lti.keys import public_jwk

ROLE_URIS = {
    "learner": [
        "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner",
        "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Student",
    ],
    "teacher": [
        "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor",
        "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty",
    ],
}


@dataclass(frozen=True)
class PlatformKey:
    private_key: rsa.RSAPrivateKey
    jwk: dict[str, Any]

    @property
    def kid(self) -> str:
        return str(self.jwk["kid"])

    @classmethod
    def generate(cls) -> PlatformKey:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return cls(private_key=key, jwk=public_jwk(key.public_key()))

    @classmethod
    def from_file(cls, path: Path) -> PlatformKey:
        """Read the key at `path`, creating it (mode 0600) on first use by any worker."""
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            for _ in range(50):  # another worker may still be writing it
                if path.stat().st_size:
                    break
                time.sleep(0.05)
            loaded = serialization.load_pem_private_key(path.read_bytes(), password=None)
            assert isinstance(loaded, rsa.RSAPrivateKey)
            return cls(private_key=loaded, jwk=public_jwk(loaded.public_key()))
        key = cls.generate()
        with os.fdopen(fd, "wb") as handle:
            handle.write(
                key.private_key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
        return key

    def sign(self, payload: dict[str, Any], headers: dict[str, Any] | None = None) -> str:
        return jwt.encode(
            payload,
            self.private_key,
            algorithm="RS256",
            headers={"kid": self.kid, **(headers or {})},
        )


@dataclass(frozen=True)
class LaunchContext:
    """A course and activity of the platform, and the person launching."""

    subject: str
    role: str
    name: str
    email: str
    context_id: str
    context_title: str
    resource_link_id: str
    resource_link_title: str
    locale: str = "en"


def launch_claims(
    *,
    issuer: str,
    client_id: str,
    deployment_id: str,
    nonce: str,
    target_link_uri: str,
    who: LaunchContext,
    message_type: str,
    deep_link_return_url: str | None = None,
    lifetime: int = 300,
    now: float | None = None,
) -> dict[str, Any]:
    """The claims of a resource-link or deep-linking launch, as Moodle and Canvas send them."""
    now = time.time() if now is None else now
    body: dict[str, Any] = {
        "iss": issuer,
        "aud": client_id,
        "sub": who.subject,
        "iat": int(now),
        "exp": int(now) + lifetime,
        "nonce": nonce,
        "name": who.name,
        "email": who.email,
        "locale": who.locale,
        claims.VERSION: "1.3.0",
        claims.MESSAGE_TYPE: message_type,
        claims.DEPLOYMENT_ID: deployment_id,
        claims.TARGET_LINK_URI: target_link_uri,
        claims.ROLES: ROLE_URIS.get(who.role, [who.role]),
        claims.CONTEXT: {
            "id": who.context_id,
            "title": who.context_title,
            "label": who.context_id,
            "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
        },
        claims.LAUNCH_PRESENTATION: {"locale": who.locale, "document_target": "iframe"},
    }
    if message_type == claims.DEEP_LINKING_REQUEST:
        body[claims.DEEP_LINKING_SETTINGS] = {
            "deep_link_return_url": deep_link_return_url or issuer + "/deep-link-return",
            "accept_types": ["ltiResourceLink"],
            "accept_presentation_document_targets": ["iframe", "window"],
            "accept_multiple": True,
            "auto_create": True,
            "data": secrets.token_urlsafe(8),
        }
    else:
        body[claims.RESOURCE_LINK] = {"id": who.resource_link_id, "title": who.resource_link_title}
    return body
