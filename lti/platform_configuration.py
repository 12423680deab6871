"""The LMS's OpenID configuration, as a dynamic registration reads and checks it."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NoReturn
from urllib.parse import urlsplit

from lti.addresses import AddressRule, Resolver, system_resolver
from lti.claims import DEEP_LINKING_REQUEST, RESOURCE_LINK_REQUEST, SUPPORTED_MESSAGES
from lti.errors import RegistrationFailed

PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri", "registration_endpoint")
# Older Moodle called the resource-link message by its LTI 1.1 name.
MESSAGE_ALIASES = {"LtiResourceLink": RESOURCE_LINK_REQUEST}


@dataclass(frozen=True)
class PlatformConfiguration:
    url: str
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    registration_endpoint: str
    authorization_server: str | None = None
    product_family: str | None = None


def check_platform_url(
    url: str, *, addresses: AddressRule, resolve: Resolver | None = system_resolver
) -> None:
    """HTTPS to a host `addresses` allows; plain HTTP only to this machine, and never
    where only public addresses are allowed (production), where the host must not be, or
    resolve to, an internal address outside the networks the admin named."""
    production = addresses.public_only
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "https" and host:
        problem = addresses.host_problem(host, resolve)
        if problem is None:
            return
        raise RegistrationFailed(
            "internal_platform_address",
            f"{url} is not a public address ({problem}), so Selfpath will not use it for an LMS",
            status=400,
        )
    if parts.scheme == "http" and not production and _loopback(host):
        return
    raise RegistrationFailed(
        "insecure_platform_url",
        f"{url or 'the address'} is not an "
        "https:// address of the LMS, so Selfpath will not register "
        "with it",
        status=400,
    )


def check_platform_urls(
    urls: Iterable[str], *, addresses: AddressRule, resolve: Resolver | None = system_resolver
) -> None:
    """Every address an LMS registers (login, token, key set, registration): all checked."""
    for url in urls:
        check_platform_url(url, addresses=addresses, resolve=resolve)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    default = {"https": 443, "http": 80}.get(parts.scheme)
    try:
        port = parts.port or default
    except ValueError:
        port = None
    return parts.scheme, (parts.hostname or "").lower(), port


def read_configuration(document: Any, url: str) -> PlatformConfiguration:
    """Check that the configuration is the LMS's own and offers what Selfpath needs."""
    if not isinstance(document, Mapping):
        _incomplete(url, "is not a JSON object")
    issuer = _url_field(document, "issuer", url, limit=255)
    if origin(issuer) != origin(url):
        raise RegistrationFailed(
            "issuer_mismatch",
            f"the configuration at {url} names the "
            f"issuer {issuer}, which is not on the same origin (scheme, "
            "host and port) as the configuration itself",
            status=400,
        )
    endpoints = {name: _url_field(document, name, url) for name in ENDPOINTS}
    _require_offer(document, "response_types_supported", "id_token", url)
    _require_offer(document, "id_token_signing_alg_values_supported", "RS256", url)
    lti = _platform_block(document, url)
    _require_messages(lti, url)
    server = document.get("authorization_server")
    return PlatformConfiguration(
        url=url,
        issuer=issuer,
        **endpoints,
        authorization_server=server if isinstance(server, str) and server else None,
        product_family=_text(lti.get("product_family_code")),
    )


def _incomplete(url: str, problem: str) -> NoReturn:
    raise RegistrationFailed(
        "configuration_incomplete", f"the LMS's OpenID configuration at {url} {problem}"
    )


def _url_field(document: Mapping[str, Any], name: str, url: str, limit: int = 2048) -> str:
    value = document.get(name)
    parts = urlsplit(value) if isinstance(value, str) else None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.netloc
        or len(str(value)) > limit
    ):
        _incomplete(url, f"has no usable {name!r}")
    return str(value)


def _require_offer(document: Mapping[str, Any], name: str, wanted: str, url: str) -> None:
    offered = document.get(name)
    if not isinstance(offered, list) or wanted not in offered:
        _incomplete(url, f"does not offer {wanted!r} in {name!r}")


def _platform_block(document: Mapping[str, Any], url: str) -> Mapping[str, Any]:
    # Older Moodle served the key with a trailing space.
    block = document.get(PLATFORM_CONFIGURATION, document.get(PLATFORM_CONFIGURATION + " "))
    if not isinstance(block, Mapping):
        _incomplete(url, f"has no {PLATFORM_CONFIGURATION!r} block")
    return block


def _require_messages(block: Mapping[str, Any], url: str) -> None:
    offered: set[str] = set()
    for entry in block.get("messages_supported") or ():
        kind = entry.get("type") if isinstance(entry, Mapping) else entry
        if isinstance(kind, str):
            offered.add(MESSAGE_ALIASES.get(kind, kind))
    missing = [m for m in SUPPORTED_MESSAGES if m not in offered]
    if missing:
        _incomplete(
            url,
            f"does not support the message types {', '.join(missing)} "
            f"(Selfpath needs {RESOURCE_LINK_REQUEST} and {DEEP_LINKING_REQUEST})",
        )


def _text(value: Any) -> str | None:
    return value.strip()[:64] or None if isinstance(value, str) else None
