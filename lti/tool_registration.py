"""What Selfpath asks an LMS for in a dynamic registration, and what the LMS answers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from lti.claims import DEEP_LINKING_REQUEST, RESOURCE_LINK_REQUEST
from lti.errors import RegistrationFailed
from lti.urls import (
    AGS_SCOPES,
    DESCRIPTION,
    DESCRIPTION_VI,
    NRPS_SCOPE,
    TOOL_NAME,
    TOOL_NAME_VI,
    ToolUrls,
)

TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
CANVAS_PRIVACY_LEVEL = "https://canvas.instructure.com/lti/privacy_level"
CLAIMS = ("iss", "sub", "name", "given_name", "family_name", "email", "locale")


@dataclass(frozen=True)
class RegisteredClient:
    client_id: str
    deployment_id: str | None
    scope: str | None  # what the LMS granted, which may differ from what was asked


def registration_request(urls: ToolUrls) -> dict[str, Any]:
    """The client registration document posted to the LMS's registration endpoint."""
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": urls.login,
        "redirect_uris": [urls.launch],
        "client_name": TOOL_NAME,
        "client_name#vi": TOOL_NAME_VI,
        "jwks_uri": urls.jwks,
        "logo_uri": urls.logo,
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join((*AGS_SCOPES, NRPS_SCOPE)),
        TOOL_CONFIGURATION: _tool_configuration(urls),
    }


def _tool_configuration(urls: ToolUrls) -> dict[str, Any]:
    return {
        "domain": urls.domain,
        "target_link_uri": urls.launch,  # on `domain`, as Moodle requires
        "claims": list(CLAIMS),
        "custom_parameters": {},
        "description": DESCRIPTION,
        "description#vi": DESCRIPTION_VI,
        CANVAS_PRIVACY_LEVEL: "public",
        "messages": [
            {
                "type": RESOURCE_LINK_REQUEST,
                "target_link_uri": urls.launch,
                "label": TOOL_NAME,
                "label#vi": TOOL_NAME_VI,
                "placements": ["course_navigation"],
            },
            {
                "type": DEEP_LINKING_REQUEST,
                "target_link_uri": urls.deep_linking,
                "label": TOOL_NAME,
                "label#vi": TOOL_NAME_VI,
                "placements": ["link_selection", "assignment_selection"],
                "supported_types": ["ltiResourceLink"],
            },
        ],
    }


def read_registration_response(document: Any, endpoint: str) -> RegisteredClient:
    """The client id the LMS issued, and the deployment it created, if it says."""
    if not isinstance(document, Mapping):
        _unusable(endpoint, "is not a JSON object")
    client_id = _identifier(document.get("client_id"))
    if client_id is None:
        _unusable(endpoint, "has no client_id")
    tool = document.get(TOOL_CONFIGURATION)
    deployment_id = _identifier(tool.get("deployment_id")) if isinstance(tool, Mapping) else None
    scope = document.get("scope")
    return RegisteredClient(
        client_id=client_id,
        deployment_id=deployment_id,
        scope=scope.strip() if isinstance(scope, str) else None,
    )


def _identifier(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    return text if 0 < len(text) <= 255 else None


def _unusable(endpoint: str, problem: str) -> NoReturn:
    raise RegistrationFailed(
        "registration_unusable", f"the LMS's answer to the registration at {endpoint} {problem}"
    )
