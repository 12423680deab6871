"""The tool's public URLs, built from BASE_URL so they match what LMS admins registered."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

AGS_SCOPES = (
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
)
NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
TOOL_NAME = "Selfpath"
TOOL_NAME_VI = "Selfpath – Lộ trình tự học"
DESCRIPTION = "Personal self-study paths with progress tracked in the gradebook."
DESCRIPTION_VI = "Lộ trình tự học cá nhân, tiến độ được ghi vào sổ điểm."


@dataclass(frozen=True)
class ToolUrls:
    base_url: str

    @property
    def login(self) -> str:
        return self.base_url + "/lti/login"

    @property
    def launch(self) -> str:
        return self.base_url + "/lti/launch"

    @property
    def deep_linking(self) -> str:
        return self.base_url + "/lti/launch"

    @property
    def jwks(self) -> str:
        return self.base_url + "/lti/jwks"

    @property
    def setup(self) -> str:
        return self.base_url + "/lti/setup"

    @property
    def register(self) -> str:
        """The one address an LMS admin pastes for dynamic registration."""
        return self.base_url + "/lti/register"

    @property
    def logo(self) -> str:
        return self.base_url + "/static/selfpath-logo.svg"

    @property
    def canvas_config(self) -> str:
        return self.base_url + "/lti/config.json"

    @property
    def domain(self) -> str:
        return self.base_url.split("://", 1)[1].split("/", 1)[0]


def canvas_configuration(urls: ToolUrls) -> dict[str, object]:
    """The JSON a Canvas admin pastes into a new LTI developer key."""
    return {
        "title": TOOL_NAME,
        "description": DESCRIPTION,
        "oidc_initiation_url": urls.login,
        "target_link_uri": urls.launch,
        "public_jwk_url": urls.jwks,
        "scopes": [*AGS_SCOPES, NRPS_SCOPE],
        "extensions": [
            {
                "domain": urls.domain,
                "platform": "canvas.instructure.com",
                "privacy_level": "public",
                "settings": {
                    "text": "Selfpath",
                    "placements": [
                        {
                            "placement": "link_selection",
                            "message_type": "LtiDeepLinkingRequest",
                            "target_link_uri": urls.deep_linking,
                        },
                        {
                            "placement": "assignment_selection",
                            "message_type": "LtiDeepLinkingRequest",
                            "target_link_uri": urls.deep_linking,
                        },
                        {
                            "placement": "course_navigation",
                            "message_type": "LtiResourceLinkRequest",
                            "target_link_uri": urls.launch,
                        },
                    ],
                },
            }
        ],
        "custom_fields": {},
    }


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
