"""The benchmark's LMS on loopback HTTP (HTTPS for the production-shaped cluster): a
platform key and its JWKS, launch tokens signed the way Moodle signs them
(service/demo/platform.py) and, once opened, a gradebook (AGS) that the tool's grade
workers send scores to.

The platform and the gradebook are the tests' own (tests/platform.py, tests/fake_lms.py):
a client-credentials token endpoint that checks the tool's signed assertion against the
tool's published keys, line items, and every score received, the latest kept per learner.
"""

from __future__ import annotations

import secrets
import ssl
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from lti import claims
from service.demo.platform import LaunchContext, PlatformKey, launch_claims
from tests.certificates import self_signed
from tests.fake_lms import FakeGradebook
from tests.platform import PlatformServer, TestPlatform

CLIENT_ID = "bench-client"
DEPLOYMENT_ID = "bench-deployment"
# Where the launch's gradebook and roster services live, as a Moodle site names them. A
# public-looking name: production keeps only public https:// service addresses.
MOODLE_SITE = "https://moodle.school.invalid"
LIS = "https://purl.imsglobal.org/spec/lti/claim/lis"
EXT = "https://purl.imsglobal.org/spec/lti/claim/ext"
TOOL_PLATFORM = "https://purl.imsglobal.org/spec/lti/claim/tool_platform"
AGS_SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]


class BenchLms:
    """A platform whose key set (and, after `open_gradebook`, gradebook) is served on
    127.0.0.1 until `close`: over HTTPS with `tls_folder`, where its self-signed
    certificate is written (`ca_bundle`, for the tool to trust), else over HTTP."""

    def __init__(self, tls_folder: Path | None = None) -> None:
        self.ca_bundle: Path | None = None
        tls = None
        if tls_folder is not None:
            self.ca_bundle, key = self_signed(tls_folder)
            tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            tls.load_cert_chain(self.ca_bundle, key)
        self._server = PlatformServer(tls)
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
        body.update(moodle_claims(who))
        if self.gradebook is not None:
            body[claims.AGS_ENDPOINT] = self.gradebook.claim(
                self.line_item(who.resource_link_id, who.resource_link_title)
            )
        return self.key.sign(body)


def moodle_claims(who: LaunchContext) -> dict[str, Any]:
    """What Moodle 4 adds to a resource-link launch beyond the required claims: the
    gradebook (AGS, its activity's line item and every scope), the roster (NRPS), lis,
    custom parameters, ext, the tool platform, a fuller launch presentation and the
    person's name parts."""
    course = who.context_id
    services = f"{MOODLE_SITE}/mod/lti/services.php/{course}"
    given, _, family = who.name.partition(" ")
    return {
        "given_name": given,
        "family_name": family,
        "middle_name": "",
        "picture": f"{MOODLE_SITE}/theme/image.php/boost/core/1/u/f1",
        claims.AGS_ENDPOINT: {
            "scope": AGS_SCOPES,
            "lineitems": f"{services}/lineitems?type_id=1",
            "lineitem": f"{services}/lineitems/{who.resource_link_id}/lineitem?type_id=1",
        },
        claims.NRPS: {
            "context_memberships_url": f"{MOODLE_SITE}/mod/lti/services.php/CourseSection/"
            f"{course}/bindings/1/memberships",
            "service_versions": ["1.0", "2.0"],
        },
        LIS: {
            "person_sourcedid": "",
            "course_offering_sourcedid": "",
            "course_section_sourcedid": course,
        },
        claims.CUSTOM: {"course_id": course, "section": "1", "unit": "self-study"},
        EXT: {"user_username": who.subject, "lms": "moodle-2"},
        TOOL_PLATFORM: {
            "product_family_code": "moodle",
            "version": "2024042200",
            "guid": "moodle.school.invalid",
            "name": "School Moodle",
            "description": "The school's learning platform",
        },
        claims.LAUNCH_PRESENTATION: {
            "locale": who.locale,
            "document_target": "iframe",
            "return_url": f"{MOODLE_SITE}/mod/lti/return.php?course={course}"
            f"&launch_container=3&instanceid={who.resource_link_id}&sesskey=bench",
        },
    }


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
