"""Names and Role Provisioning Services 2.0: the course's roster, all pages of it.

The next page is followed exactly as the LMS wrote it in `Link: <...>; rel="next"` (some
LMSs put case-sensitive tokens in it), within the platform's own origin, up to a bound.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

from lti.ags_endpoint import foreign_url
from lti.ags_http import LmsRefused, LmsUnauthorized, json_body, request, with_query
from lti.ags_token import AccessTokens, PlatformAuth
from lti.keys import SigningKey
from lti.outbound import ROSTER_PAGE_BYTES, Outbound
from lti.roles import selfpath_role

SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
MEDIA_TYPE = "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
MAX_PAGES = 100


@dataclass(frozen=True)
class RosterMember:
    """A person the LMS lists in the course (`status` Active, Inactive or Deleted)."""

    user_id: str
    name: str | None
    email: str | None
    role: str
    status: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def read_roster(
    http: Outbound,
    tokens: AccessTokens,
    auth: PlatformAuth,
    key: SigningKey,
    memberships_url: str,
    *,
    timeout: float,
    resource_link_id: str | None = None,
) -> list[RosterMember]:
    """Every member of the course (or of one resource link), following every page."""
    why = foreign_url(auth.issuer, auth.token_url, memberships_url)
    if why:
        raise LmsRefused(why.replace("gradebook address", "roster address"))
    url: str | None = memberships_url
    if resource_link_id:
        url = with_query(memberships_url, rlid=resource_link_id)
    members: list[RosterMember] = []
    for _ in range(MAX_PAGES):
        if url is None:
            return members
        response = _get_page(http, tokens, auth, key, url, timeout)
        members.extend(_members(json_body(response, "reading the roster")))
        url = _next_page(response, auth)
    raise LmsRefused(f"reading the roster: more than {MAX_PAGES} pages")


def _get_page(
    http: Outbound,
    tokens: AccessTokens,
    auth: PlatformAuth,
    key: SigningKey,
    url: str,
    timeout: float,
) -> requests.Response:
    """One page; a cached token the LMS no longer accepts is replaced once."""
    for attempt in (1, 2):
        token = tokens.token(auth, [SCOPE], key)
        try:
            return request(
                http,
                "GET",
                url,
                timeout=timeout,
                what="reading the roster",
                max_bytes=ROSTER_PAGE_BYTES,
                headers={"Authorization": f"Bearer {token}", "Accept": MEDIA_TYPE},
            )
        except LmsUnauthorized:
            tokens.forget(auth, [SCOPE])
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _next_page(response: requests.Response, auth: PlatformAuth) -> str | None:
    url = response.links.get("next", {}).get("url")
    if url and foreign_url(auth.issuer, auth.token_url, url):
        raise LmsRefused("reading the roster: the next page is on another site")
    return url or None


def _members(body: Any) -> list[RosterMember]:
    if not isinstance(body, Mapping) or not isinstance(body.get("members"), list):
        raise LmsRefused("reading the roster: the LMS's answer has no members list")
    out = []
    for raw in body["members"]:
        if not isinstance(raw, Mapping) or not raw.get("user_id"):
            continue
        roles = [r for r in raw.get("roles", []) if isinstance(r, str)]
        name = (
            raw.get("name")
            or " ".join(str(p) for p in (raw.get("given_name"), raw.get("family_name")) if p)
            or None
        )
        out.append(
            RosterMember(
                user_id=str(raw["user_id"]),
                name=name,
                email=raw.get("email") if isinstance(raw.get("email"), str) else None,
                role=selfpath_role(roles),
                status=str(raw.get("status") or "Active"),
            )
        )
    return out
