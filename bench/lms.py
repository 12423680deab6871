"""The benchmark's LMS: a platform key, its JWKS served over loopback HTTP, and
launch tokens signed the way Moodle signs them (service/demo/platform.py)."""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from lti import claims
from service.demo.platform import LaunchContext, PlatformKey, launch_claims

CLIENT_ID = "bench-client"
DEPLOYMENT_ID = "bench-deployment"


class _JwksHandler(BaseHTTPRequestHandler):
    document: bytes = b"{}"
    hits = 0

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        type(self).hits += 1
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.document)))
        self.end_headers()
        self.wfile.write(self.document)

    def log_message(self, *args: Any) -> None:
        pass


class BenchLms:
    """A platform whose key set is served on 127.0.0.1 until `close`."""

    def __init__(self) -> None:
        self.key = PlatformKey.generate()
        handler = type("Handler", (_JwksHandler,), {
            "document": json.dumps({"keys": [self.key.jwk]}).encode(), "hits": 0})
        self._handler = handler
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def issuer(self) -> str:
        return self.base_url + "/lms"

    @property
    def jwks_url(self) -> str:
        return self.issuer + "/jwks"

    @property
    def jwks_hits(self) -> int:
        return int(self._handler.hits)

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def register(self, session: Any) -> int:
        """Register this LMS (and its deployment) in the tool's database."""
        from lti.registrations import PlatformDetails, add_deployment, add_platform

        platform = add_platform(session, PlatformDetails(
            name="Benchmark LMS", issuer=self.issuer, client_id=CLIENT_ID,
            auth_login_url=self.issuer + "/auth", auth_token_url=self.issuer + "/token",
            key_set_url=self.jwks_url))
        add_deployment(session, platform.id, DEPLOYMENT_ID)
        return platform.id

    def login_params(self, tool_base: str, who: LaunchContext) -> dict[str, str]:
        return {"iss": self.issuer, "login_hint": who.subject, "client_id": CLIENT_ID,
                "target_link_uri": tool_base + "/lti/launch", "lti_deployment_id": DEPLOYMENT_ID,
                "lti_message_hint": secrets.token_urlsafe(8)}

    def id_token(self, nonce: str, tool_base: str, who: LaunchContext) -> str:
        """A freshly signed resource-link launch for the nonce the tool issued."""
        body = launch_claims(issuer=self.issuer, client_id=CLIENT_ID,
                             deployment_id=DEPLOYMENT_ID, nonce=nonce,
                             target_link_uri=tool_base + "/lti/launch", who=who,
                             message_type=claims.RESOURCE_LINK_REQUEST)
        return self.key.sign(body)


def learner(number: int, course: int = 1) -> LaunchContext:
    """Learner `number` of course `course`, as the LMS describes them."""
    return LaunchContext(subject=f"learner-{number}", role="learner", name=f"Learner {number}",
                         email=f"learner{number}@school.invalid", context_id=f"course-{course}",
                         context_title=f"Course {course}", resource_link_id=f"link-{course}",
                         resource_link_title="Self-study path")
