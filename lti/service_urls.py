"""The gradebook (AGS) and roster (NRPS) addresses a launch hands Selfpath, checked before
they are kept: in production only public https:// addresses, whatever the spelling.

No name is looked up here (a launch must not wait on DNS): names are resolved and their
addresses checked when Selfpath calls them (lti/outbound_transport.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from lti import claims
from lti.addresses import host_problem

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


def service_url_problem(body: Mapping[str, Any]) -> str | None:
    """Why the launch's service addresses must not be kept, for an LMS admin, or None."""
    for label, url in service_urls(body):
        parts = urlsplit(url)
        if parts.scheme != "https":
            return f"the launch's {label} address {url} is not an https:// address"
        problem = host_problem(parts.hostname or "", resolve=None)
        if problem:
            return (
                f"the launch's {label} address {url} is not public ({problem}): "
                "Selfpath will not call it"
            )
    return None
