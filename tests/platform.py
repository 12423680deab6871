"""A test LMS: signs real JWTs with its own keys and serves them over loopback HTTP(S)."""

from __future__ import annotations

import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from lti import claims
from lti.registrations import PlatformDetails, add_deployment, add_platform
from service.demo.platform import LaunchContext, PlatformKey, launch_claims

LEARNER = LaunchContext(
    subject="learner-1",
    role="learner",
    name="Lan Pham",
    email="lan@school.invalid",
    context_id="course-1",
    context_title="Biology 10A",
    resource_link_id="link-1",
    resource_link_title="Cells path",
)
TEACHER = LaunchContext(
    subject="teacher-1",
    role="teacher",
    name="Hoa Le",
    email="hoa@school.invalid",
    context_id="course-1",
    context_title="Biology 10A",
    resource_link_id="link-1",
    resource_link_title="Cells path",
)


class _QuietHandler(WSGIRequestHandler):
    # Keeps connections open between requests, as an LMS behind nginx does: a client
    # that sends many requests (a grade worker) pays for one TLS handshake, not one each.
    protocol_version = "HTTP/1.1"

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


class PlatformServer:
    """A loopback HTTP server (HTTPS with `tls`); each test platform mounts its routes
    under /<name>/."""

    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.routes: dict[str, Callable[[Request], Response]] = {}
        self.prefix_routes: dict[str, Callable[[Request], Response]] = {}
        self.hits: dict[str, int] = {}
        self._server = make_server(
            "127.0.0.1",
            0,
            self._app,
            threaded=True,
            request_handler=_QuietHandler,
            ssl_context=tls,
        )
        scheme = "https" if tls else "http"
        self.base_url = f"{scheme}://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def _app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        self.hits[request.path] = self.hits.get(request.path, 0) + 1
        handler = self.routes.get(request.path) or self._by_prefix(request.path)
        response = handler(request) if handler else Response("not found", status=404)
        return response(environ, start_response)

    def _by_prefix(self, path: str) -> Callable[[Request], Response] | None:
        for prefix in sorted(self.prefix_routes, key=len, reverse=True):
            if path.startswith(prefix):
                return self.prefix_routes[prefix]
        return None

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@dataclass
class TestPlatform:
    __test__ = False  # not a test class

    server: PlatformServer
    name: str
    client_id: str
    deployment_ids: tuple[str, ...] = ("deploy-1",)
    key: PlatformKey = field(default_factory=PlatformKey.generate)
    published: list[PlatformKey] = field(default_factory=list)
    platform_id: int | None = None

    def __post_init__(self) -> None:
        self.published = [self.key]
        self.server.routes[f"/{self.name}/jwks"] = self._jwks
        self.server.hits.pop(f"/{self.name}/jwks", None)

    @property
    def issuer(self) -> str:
        return f"{self.server.base_url}/{self.name}"

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/jwks"

    @property
    def jwks_hits(self) -> int:
        return self.server.hits.get(f"/{self.name}/jwks", 0)

    def _jwks(self, request: Request) -> Response:
        import json

        keys = [k.jwk for k in self.published]
        return Response(json.dumps({"keys": keys}), mimetype="application/json")

    def register(self, session: Any) -> None:
        platform = add_platform(
            session,
            PlatformDetails(
                name=self.name,
                issuer=self.issuer,
                client_id=self.client_id,
                auth_login_url=f"{self.issuer}/auth",
                auth_token_url=f"{self.issuer}/token",
                key_set_url=self.jwks_url,
            ),
        )
        for deployment_id in self.deployment_ids:
            add_deployment(session, platform.id, deployment_id)
        self.platform_id = platform.id

    def login_params(
        self, tool_base: str, who: LaunchContext = LEARNER, **overrides: str
    ) -> dict[str, str]:
        params = {
            "iss": self.issuer,
            "login_hint": who.subject,
            "target_link_uri": tool_base + "/lti/launch",
            "lti_message_hint": "hint-123",
            "client_id": self.client_id,
            "lti_deployment_id": self.deployment_ids[0],
        }
        params.update(overrides)
        return {k: v for k, v in params.items() if v is not None}

    def claims(
        self,
        login_nonce: str,
        tool_base: str,
        who: LaunchContext = LEARNER,
        message_type: str = claims.RESOURCE_LINK_REQUEST,
        **overrides: Any,
    ) -> dict:
        body = launch_claims(
            issuer=self.issuer,
            client_id=self.client_id,
            deployment_id=self.deployment_ids[0],
            nonce=login_nonce,
            target_link_uri=tool_base + "/lti/launch",
            who=who,
            message_type=message_type,
            deep_link_return_url=f"{self.issuer}/deep-link-return",
        )
        for name, value in overrides.items():
            if value is _DROP:
                body.pop(name, None)
            else:
                body[name] = value
        return body

    def sign(
        self, body: dict, *, key: PlatformKey | None = None, headers: dict[str, Any] | None = None
    ) -> str:
        return (key or self.key).sign(body, headers=headers)


_DROP = object()
DROP = _DROP


def auth_request(location: str) -> dict[str, str]:
    """The query of the tool's redirect to the platform's authorization endpoint."""
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def now() -> int:
    return int(time.time())


PLATFORM_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-platform-configuration"
TOOL_CONFIGURATION = "https://purl.imsglobal.org/spec/lti-tool-configuration"
REGISTRATION_PATHS = {
    "moodle": ("/mod/lti/openid-configuration.php", "/mod/lti/openid-registration.php"),
    "canvas": ("/api/lti/security/openid-configuration", "/api/lti/registrations"),
}


@dataclass
class Received:
    method: str
    path: str
    authorization: str | None
    body: Any


@dataclass
class RegisteringLms:
    """An LMS that registers tools dynamically, shaped like Moodle's or like Canvas's.

    Canvas insists on the registration token for its configuration too, names no
    deployment in its answer and may grant fewer scopes; Moodle returns a deployment id
    and checks that the tool's target link is on its domain. After a registration,
    `platform` launches with the client id the tool was given."""

    __test__ = False

    platform: TestPlatform
    style: str = "moodle"
    token: str = "registration-token-1"
    old_moodle: bool = False
    configuration_changes: dict[str, Any] = field(default_factory=dict)
    answer: Callable[[dict[str, Any]], Response] | None = None
    received: list[Received] = field(default_factory=list)
    registrations: int = 0

    def __post_init__(self) -> None:
        config_path, register_path = REGISTRATION_PATHS[self.style]
        name = self.platform.name
        self.server.routes[f"/{name}{config_path}"] = self._configuration
        self.server.routes[f"/{name}{register_path}"] = self._register
        self.configuration_url = f"{self.platform.issuer}{config_path}"
        self.registration_endpoint = f"{self.platform.issuer}{register_path}"

    @property
    def server(self) -> PlatformServer:
        return self.platform.server

    def invite(self, token: str | None = "same") -> dict[str, str]:
        """The query the LMS adds to the tool's registration URL."""
        query = {"openid_configuration": self.configuration_url}
        token = self.token if token == "same" else token
        if token is not None:
            query["registration_token"] = token
        return query

    def configuration(self) -> dict[str, Any]:
        issuer = self.platform.issuer
        messages: list[Any] = [
            {"type": "LtiResourceLinkRequest"},
            {"type": "LtiDeepLinkingRequest"},
        ]
        if self.old_moodle:
            messages = [{"type": "LtiResourceLink"}, {"type": "LtiDeepLinkingRequest"}]
        document: dict[str, Any] = {
            "issuer": issuer,
            "token_endpoint": f"{issuer}/token",
            "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            "token_endpoint_auth_signing_alg_values_supported": ["RS256"],
            "jwks_uri": self.platform.jwks_url,
            "authorization_endpoint": f"{issuer}/auth",
            "registration_endpoint": self.registration_endpoint,
            "scopes_supported": ["openid", "https://purl.imsglobal.org/spec/lti-ags/scope/score"],
            "response_types_supported": ["id_token"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "claims_supported": ["sub", "iss", "name", "given_name", "family_name", "email"],
            PLATFORM_CONFIGURATION + (" " if self.old_moodle else ""): {
                "product_family_code": self.style,
                "version": "4.5",
                "messages_supported": messages,
                "variables": ["CourseSection.timeFrame.end", "Person.name.full"],
            },
        }
        if self.style == "canvas":
            document["authorization_server"] = f"{issuer}/token-audience"
        document.update(self.configuration_changes)
        return {k: v for k, v in document.items() if v is not DROP}

    def _record(self, request: Request) -> None:
        body = request.get_json(silent=True) if request.method == "POST" else None
        self.received.append(
            Received(request.method, request.path, request.headers.get("Authorization"), body)
        )

    def _authorized(self, request: Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.token}"

    def _configuration(self, request: Request) -> Response:
        import json

        self._record(request)
        if self.style == "canvas" and not self._authorized(request):
            return Response('{"error": "invalid_token"}', status=401, mimetype="application/json")
        return Response(json.dumps(self.configuration()), mimetype="application/json")

    def _register(self, request: Request) -> Response:
        import json

        self._record(request)
        if not self._authorized(request):
            return Response('{"error": "invalid_token"}', status=401, mimetype="application/json")
        body = request.get_json(silent=True) or {}
        if self.answer is not None:
            return self.answer(body)
        tool = body.get(TOOL_CONFIGURATION, {})
        if urlsplit(tool.get("target_link_uri", "")).netloc != tool.get("domain"):
            return Response(
                '{"error": "invalid_client_metadata"}', status=400, mimetype="application/json"
            )
        self.registrations += 1
        answer = dict(body, client_id=f"{self.style}-client-{self.registrations}")
        if self.style == "moodle":
            answer[TOOL_CONFIGURATION] = dict(tool, deployment_id=str(self.registrations))
        else:  # Canvas trims scopes the account admin did not allow
            answer["scope"] = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
        return Response(json.dumps(answer), mimetype="application/json")
