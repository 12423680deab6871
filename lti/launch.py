"""A validated launch as a typed, immutable object: what the rest of Selfpath reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from lti import claims
from lti.roles import selfpath_role


@dataclass(frozen=True)
class Launch:
    platform_id: int
    issuer: str
    client_id: str
    deployment_id: str
    message_type: str
    subject: str
    roles: tuple[str, ...]
    role: str
    name: str | None = None
    email: str | None = None
    locale: str | None = None
    context_id: str | None = None
    context_title: str | None = None
    context_label: str | None = None
    resource_link_id: str | None = None
    resource_link_title: str | None = None
    target_link_uri: str | None = None
    custom: Mapping[str, Any] = field(default_factory=dict)
    deep_linking: Mapping[str, Any] | None = None
    ags: Mapping[str, Any] | None = None
    nrps: Mapping[str, Any] | None = None
    return_url: str | None = None

    @classmethod
    def from_claims(cls, body: Mapping[str, Any], platform_id: int, client_id: str) -> Launch:
        context = _dict(body.get(claims.CONTEXT))
        link = _dict(body.get(claims.RESOURCE_LINK))
        presentation = _dict(body.get(claims.LAUNCH_PRESENTATION))
        roles = tuple(r for r in body.get(claims.ROLES) or () if isinstance(r, str))
        name = (
            body.get("name")
            or " ".join(p for p in (body.get("given_name"), body.get("family_name")) if p)
            or None
        )
        return cls(
            platform_id=platform_id,
            issuer=str(body["iss"]),
            client_id=client_id,
            deployment_id=str(body[claims.DEPLOYMENT_ID]),
            message_type=str(body[claims.MESSAGE_TYPE]),
            subject=str(body.get("sub") or ""),
            roles=roles,
            role=selfpath_role(roles),
            name=_text(name),
            email=_text(body.get("email")),
            locale=_text(presentation.get("locale") or body.get("locale")),
            context_id=_text(context.get("id")),
            context_title=_text(context.get("title")),
            context_label=_text(context.get("label")),
            resource_link_id=_text(link.get("id")),
            resource_link_title=_text(link.get("title")),
            target_link_uri=_text(body.get(claims.TARGET_LINK_URI)),
            custom=_dict(body.get(claims.CUSTOM)),
            deep_linking=_dict(body.get(claims.DEEP_LINKING_SETTINGS)) or None,
            ags=_dict(body.get(claims.AGS_ENDPOINT)) or None,
            nrps=_dict(body.get(claims.NRPS)) or None,
            return_url=_text(presentation.get("return_url")),
        )

    @property
    def is_deep_linking(self) -> bool:
        return self.message_type == claims.DEEP_LINKING_REQUEST


def _dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def _text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)[:255]
