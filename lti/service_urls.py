"""The gradebook (AGS) and roster (NRPS) addresses a launch hands Selfpath, checked before
they are kept: in production only https:// addresses, public (whatever the spelling) or on
the private networks the LMS admin named.

No name is looked up here (a launch must not wait on DNS): names are resolved and their
addresses checked when Selfpath calls them (lti/outbound_transport.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from lti import claims
from lti.addresses import AddressRule

SERVICE_URLS = (
    (claims.AGS_ENDPOINT, "lineitems", "gradebook (AGS line items)"),
    (claims.AGS_ENDPOINT, "lineitem", "gradebook (AGS line item)"),
    (claims.NRPS, "context_memberships_url", "roster (NRPS)"),
)


def service_urls(body: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(what it is, address) for each service address the launch carries."""
    found = []
    for claim, key, label in SERVICE_URLS:
        block = body.get(claim)
        url = block.get(key) if isinstance(block, Mapping) else None
        if isinstance(url, str) and url:
            found.append((label, url))
    return found


def service_url_problem(body: Mapping[str, Any], addresses: AddressRule) -> str | None:
    """Why the launch's service addresses must not be kept under `addresses` (checked only
    where it allows public addresses only), for an LMS admin, or None."""
    if not addresses.public_only:
        return None
    for label, url in service_urls(body):
        parts = urlsplit(url)
        if parts.scheme != "https":
            return f"the launch's {label} address {url} is not an https:// address"
        problem = addresses.host_problem(parts.hostname or "", resolve=None)
        if problem:
            return (
                f"the launch's {label} address {url} is not public ({problem}): "
                "Selfpath will not call it"
            )
    return None
