"""The benchmark's LMS on loopback HTTP: a platform key and its JWKS, launch tokens signed
the way Moodle signs them (service/demo/platform.py) and, once opened, a gradebook (AGS)
that the tool's grade workers send scores to.

The platform and the gradebook are the tests' own (tests/platform.py, tests/fake_lms.py):
a client-credentials token endpoint that checks the tool's signed assertion against the
tool's published keys, line items, and every score received, the latest kept per learner.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from typing import Any

import requests

from lti import claims
from service.demo.platform import LaunchContext, PlatformKey, launch_claims
from tests.fake_lms import FakeGradebook
from tests.platform import PlatformServer, TestPlatform

CLIENT_ID = "bench-client"
DEPLOYMENT_ID = "bench-deployment"


class BenchLms:
    """A platform whose key set (and, after `open_gradebook`, gradebook) is served on
    127.0.0.1 until `close`."""

    def __init__(self) -> None:
        self._server = PlatformServer()
        self.platform = TestPlatform(
            self._server, name="lms", client_id=CLIENT_ID, deployment_ids=(DEPLOYMENT_ID,)
        )
        self.base_url = self._server.base_url
        self.gradebook: FakeGradebook | None = None
        self._line_items: dict[str, str] = {}
        self._lock = threading.Lock()

    @property
    def key(self) -> PlatformKey:
        return self.platform.key

    @property
    def issuer(self) -> str:
        return self.platform.issuer

    @property
    def jwks_url(self) -> str:
        return self.platform.jwks_url

    @property
    def jwks_hits(self) -> int:
        return self.platform.jwks_hits

    def close(self) -> None:
        self._server.close()

    def register(self, session: Any) -> int:
        """Register this LMS (and its deployment) in the tool's database."""
        from lti.registrations import PlatformDetails, add_deployment, add_platform

        platform = add_platform(
            session,
            PlatformDetails(
                name="Benchmark LMS",
                issuer=self.issuer,
                client_id=CLIENT_ID,
                auth_login_url=self.issuer + "/auth",
                auth_token_url=self.issuer + "/token",
                key_set_url=self.jwks_url,
            ),
        )
        add_deployment(session, platform.id, DEPLOYMENT_ID)
        self.platform.platform_id = platform.id
        return platform.id

    def open_gradebook(self, tool_jwks: Callable[[], dict[str, Any]]) -> FakeGradebook:
        """Serve a gradebook whose token endpoint trusts the keys `tool_jwks` returns. From
        now on launches carry the AGS claim: one line item per resource link, every scope."""
        self.gradebook = FakeGradebook(self.platform, tool_jwks)
        return self.gradebook

    def line_item(self, resource_link_id: str, title: str = "Self-study path") -> str:
        """The gradebook column of a resource link, made on its first launch."""
        assert self.gradebook is not None, "open_gradebook first"
        with self._lock:
            if resource_link_id not in self._line_items:
                self._line_items[resource_link_id] = self.gradebook.add_line_item(
                    title, resource_link_id
                )
            return self._line_items[resource_link_id]

    def login_params(self, tool_base: str, who: LaunchContext) -> dict[str, str]:
        return {
            "iss": self.issuer,
            "login_hint": who.subject,
            "client_id": CLIENT_ID,
            "target_link_uri": tool_base + "/lti/launch",
            "lti_deployment_id": DEPLOYMENT_ID,
            "lti_message_hint": secrets.token_urlsafe(8),
        }

    def id_token(self, nonce: str, tool_base: str, who: LaunchContext) -> str:
        """A freshly signed resource-link launch for the nonce the tool issued."""
        body = launch_claims(
            issuer=self.issuer,
            client_id=CLIENT_ID,
            deployment_id=DEPLOYMENT_ID,
            nonce=nonce,
            target_link_uri=tool_base + "/lti/launch",
            who=who,
            message_type=claims.RESOURCE_LINK_REQUEST,
        )
        if self.gradebook is not None:
            body[claims.AGS_ENDPOINT] = self.gradebook.claim(
                self.line_item(who.resource_link_id, who.resource_link_title)
            )
        return self.key.sign(body)


def published_keys(
    jwks_url: str, headers: dict[str, str] | None = None
) -> Callable[[], dict[str, Any]]:
    """The tool's key set as its JWKS endpoint publishes it, fetched on each call."""

    def read() -> dict[str, Any]:
        response = requests.get(jwks_url, headers=headers, timeout=10)
        response.raise_for_status()
        document = response.json()
        assert isinstance(document, dict)
        return document

    return read


def learner(number: int, course: int = 1) -> LaunchContext:
    """Learner `number` of course `course`, as the LMS describes them."""
    return LaunchContext(
        subject=f"learner-{number}",
        role="learner",
        name=f"Learner {number}",
        email=f"learner{number}@school.invalid",
        context_id=f"course-{course}",
        context_title=f"Course {course}",
        resource_link_id=f"link-{course}",
        resource_link_title="Self-study path",
    )
