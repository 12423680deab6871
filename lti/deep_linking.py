"""Deep Linking 2.0: what the LMS asked for, and the signed answer with chosen paths.

Items are built with pylti1p3's DeepLinkResource and LineItem; the response JWT is
signed here with the tool key object parsed once (pylti1p3 re-parses a PEM for every
signature, which costs tens of milliseconds).
"""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

import jwt
from pylti1p3.deep_link_resource import DeepLinkResource
from pylti1p3.lineitem import LineItem

from lti import claims
from lti.errors import LaunchRefused
from lti.keys import SigningKey
from lti.launch import Launch

RESPONSE_TYPE = "LtiDeepLinkingResponse"
CONTENT_ITEMS = "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
DATA = "https://purl.imsglobal.org/spec/lti-dl/claim/data"
MSG = "https://purl.imsglobal.org/spec/lti-dl/claim/msg"
ERRORMSG = "https://purl.imsglobal.org/spec/lti-dl/claim/errormsg"
RESOURCE_LINK = "ltiResourceLink"
SCORE_MAXIMUM = 100


@dataclass(frozen=True)
class DeepLinkRequest:
    """The settings of an LtiDeepLinkingRequest, kept until the teacher has chosen."""

    platform_id: int
    issuer: str
    client_id: str
    deployment_id: str
    return_url: str
    data: str | None = None
    accept_multiple: bool = True
    accept_lineitem: bool = True
    auto_create: bool = False
    accept_types: tuple[str, ...] = field(default_factory=tuple)

    @classmethod
    def from_launch(cls, launch: Launch) -> DeepLinkRequest:
        settings = dict(launch.deep_linking or {})
        return_url = settings.get("deep_link_return_url")
        if not isinstance(return_url, str) or not return_url:
            raise LaunchRefused(
                "invalid_message", "the deep linking request has no deep_link_return_url"
            )
        data = settings.get("data")
        return cls(
            platform_id=launch.platform_id,
            issuer=launch.issuer,
            client_id=launch.client_id,
            deployment_id=launch.deployment_id,
            return_url=return_url,
            data=data if isinstance(data, str) else None,
            accept_multiple=settings.get("accept_multiple", True) is not False,
            accept_lineitem=settings.get("accept_lineitem", True) is not False,
            auto_create=bool(settings.get("auto_create", False)),
            accept_types=tuple(t for t in settings.get("accept_types", ()) if isinstance(t, str)),
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> DeepLinkRequest:
        return cls(**{**raw, "accept_types": tuple(raw.get("accept_types", ()))})


@dataclass(frozen=True)
class PathLink:
    """A path offered as an LMS activity."""

    path_id: int
    version: int
    title: str
    text: str
    library_entry: str | None = None  # an open-library entry's uuid: `version` is its release

    def custom(self) -> dict[str, str]:
        """What the first launch reads to assign the path (custom parameters)."""
        if self.library_entry:
            return {"library_entry": self.library_entry, "library_version": str(self.version)}
        return {"path_id": str(self.path_id), "path_version": str(self.version)}

    def resource_id(self) -> str:
        if self.library_entry:
            return f"selfpath-library-{self.library_entry}"
        return f"selfpath-path-{self.path_id}"


def resource_item(link: PathLink, launch_url: str, with_lineitem: bool) -> dict[str, Any]:
    resource = (
        DeepLinkResource()
        .set_url(launch_url)
        .set_title(link.title)
        .set_custom_params(link.custom())
    )
    if with_lineitem:
        resource.set_lineitem(
            LineItem()
            .set_score_maximum(SCORE_MAXIMUM)
            .set_label(link.title)
            .set_resource_id(link.resource_id())
            .set_tag("selfpath")
        )
    item = resource.to_dict()
    item["text"] = link.text[:1000]
    return item


def response_jwt(
    request: DeepLinkRequest,
    links: list[PathLink],
    launch_url: str,
    key: SigningKey,
    now: datetime,
    message: str | None = None,
) -> str:
    """The LtiDeepLinkingResponse JWT to post back to the LMS (empty items = cancel)."""
    if len(links) > 1 and not request.accept_multiple:
        raise LaunchRefused("one_item_only", "This LMS accepts only one path at a time.")
    items = [resource_item(link, launch_url, request.accept_lineitem) for link in links]
    body: dict[str, Any] = {
        "iss": request.client_id,
        "aud": request.issuer,
        "azp": request.client_id,
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
        "nonce": secrets.token_urlsafe(24),
        claims.DEPLOYMENT_ID: request.deployment_id,
        claims.MESSAGE_TYPE: RESPONSE_TYPE,
        claims.VERSION: "1.3.0",
        CONTENT_ITEMS: items,
    }
    if request.data is not None:
        body[DATA] = request.data
    if message:
        body[MSG] = message
    return jwt.encode(body, key.private_key, algorithm="RS256", headers={"kid": key.kid})
