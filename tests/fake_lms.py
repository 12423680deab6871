"""The gradebook side of a test LMS (AGS 2.0), served over loopback HTTP like Moodle's.

Its token endpoint checks the tool's client assertion against the tool's published key
set; its line item URLs end in `?type_id=N` as Moodle's do; it keeps the latest score per
learner, ignores older timestamps as the specification asks, and remembers everything it
was sent so tests can say what arrived, how often and in which order.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import jwt
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Request, Response

from lti.ags_endpoint import LINEITEM, LINEITEM_READONLY, SCORE
from lti.ags_http import SCORE_TYPE
from lti.ags_token import ASSERTION_TYPE
from lti.models import ToolKey
from tests.platform import TestPlatform

RESULT_READONLY = "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly"
ALL_SCOPES = [LINEITEM, LINEITEM_READONLY, RESULT_READONLY, SCORE]
ROSTER_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"
TYPE_ID = "3"


def tool_key_set(database_url: str) -> Callable[[], dict[str, Any]]:
    """The tool's published keys, read from its database as the JWKS endpoint serves them."""
    engine = create_engine(database_url)

    def read() -> dict[str, Any]:
        with Session(engine) as session:
            return {
                "keys": [
                    json.loads(k)
                    for k in session.scalars(
                        select(ToolKey.public_jwk).where(ToolKey.retired_at.is_(None))
                    )
                ]
            }

    read.engine = engine  # type: ignore[attr-defined]
    return read


@dataclass
class Received:
    line_item: str
    user_id: str
    timestamp: datetime
    score_given: float
    score_maximum: float
    activity_progress: str
    grading_progress: str
    at: float


@dataclass
class FakeGradebook:
    __test__ = False

    platform: TestPlatform
    tool_jwks: Callable[[], dict[str, Any]]
    latency: float = 0.0
    expires_in: int = 3600
    down: bool = False
    page_size: int = 10
    token_requests: int = 0
    refused_tokens: list[str] = field(default_factory=list)
    scripted: deque[tuple[int, dict[str, str], str]] = field(default_factory=deque)
    received: list[Received] = field(default_factory=list)
    attempts: list[tuple[float, int]] = field(default_factory=list)
    stale: list[Received] = field(default_factory=list)
    authorizations: list[str] = field(default_factory=list)
    line_items: dict[str, dict[str, Any]] = field(default_factory=dict)
    latest: dict[tuple[str, str], Received] = field(default_factory=dict)
    _tokens: dict[str, tuple[set[str], float]] = field(default_factory=dict)
    _jtis: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    members: list[dict[str, Any]] = field(default_factory=list)
    roster_page_size: int = 2
    roster_requests: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        server, name = self.platform.server, self.platform.name
        server.routes[f"/{name}/token"] = self._token
        server.prefix_routes[f"/{name}/ags/"] = self._ags
        server.routes[f"/{name}/nrps/memberships"] = self._roster

    @property
    def memberships_url(self) -> str:
        return f"{self.platform.issuer}/nrps/memberships?Context=Course-1"

    def _roster(self, request: Request) -> Response:
        """Names and roles, a few per page; the next page's link carries a case-sensitive
        token, as some LMSs' do."""
        self.roster_requests.append(request.url)
        if not self._authorized(request, ROSTER_SCOPE):
            return _json({"error": "unauthorized"}, 401)
        if request.args.get("Context") != "Course-1":
            return _json({"error": "unknown context"}, 404)
        page = int(request.args.get("Page", "1"))
        start = (page - 1) * self.roster_page_size
        chunk = self.members[start : start + self.roster_page_size]
        response = _json({"id": self.memberships_url, "members": chunk})
        response.headers["Content-Type"] = (
            "application/vnd.ims.lti-nrps.v2.membershipcontainer+json"
        )
        if start + self.roster_page_size < len(self.members):
            following = f"{self.memberships_url}&Page={page + 1}&Token=AbC{page}"
            response.headers["Link"] = f'<{following}>; rel="next"'
        return response

    # -- addresses the tool learns from launches ----------------------------------------

    @property
    def lineitems_url(self) -> str:
        return f"{self.platform.issuer}/ags/lineitems?type_id={TYPE_ID}"

    def add_line_item(self, label: str = "Selfpath", resource_link_id: str = "link-1") -> str:
        number = len(self.line_items) + 1
        url = f"{self.platform.issuer}/ags/lineitems/{number}/lineitem?type_id={TYPE_ID}"
        self.line_items[str(number)] = {
            "id": url,
            "label": label,
            "scoreMaximum": 100,
            "resourceLinkId": resource_link_id,
        }
        return url

    def claim(self, lineitem: str | None = None, scopes: list[str] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {
            "scope": ALL_SCOPES if scopes is None else scopes,
            "lineitems": self.lineitems_url,
        }
        if lineitem:
            body["lineitem"] = lineitem
        return body

    # -- what arrived --------------------------------------------------------------------

    def scores_of(self, user_id: str) -> list[Received]:
        return [r for r in self.received if r.user_id == user_id]

    def final(self) -> dict[str, float]:
        return {user: r.score_given for (_item, user), r in self.latest.items()}

    def latest_scores(self) -> dict[tuple[str, str], Received]:
        """The score the gradebook shows, by (line item URL, learner)."""
        with self._lock:
            latest = dict(self.latest)
        return {
            (self.line_items[number]["id"], user): got for (number, user), got in latest.items()
        }

    # -- token endpoint -------------------------------------------------------------------

    def _token(self, request: Request) -> Response:
        time.sleep(self.latency)
        if self.down:
            return _json({"error": "temporarily_unavailable"}, 503)
        with self._lock:
            self.token_requests += 1
        try:
            scopes = self._check_assertion(request)
        except (ValueError, jwt.PyJWTError) as error:
            self.refused_tokens.append(str(error))
            return _json({"error": "invalid_client", "error_description": str(error)}, 400)
        token = uuid.uuid4().hex
        with self._lock:
            self._tokens[token] = (scopes, time.time() + self.expires_in)
        return _json(
            {
                "access_token": token,
                "token_type": "Bearer",
                "expires_in": self.expires_in,
                "scope": " ".join(sorted(scopes)),
            }
        )

    def _check_assertion(self, request: Request) -> set[str]:
        form = request.form
        if (
            form.get("grant_type") != "client_credentials"
            or form.get("client_assertion_type") != ASSERTION_TYPE
        ):
            raise ValueError("unsupported grant")
        assertion = form.get("client_assertion", "")
        kid = jwt.get_unverified_header(assertion).get("kid")
        keys = {k["kid"]: k for k in self.tool_jwks()["keys"]}
        if kid not in keys:
            raise ValueError(f"unknown key {kid}")
        key = jwt.PyJWK(keys[kid]).key
        client_id = self.platform.client_id
        body = jwt.decode(
            assertion,
            key,
            algorithms=["RS256"],
            issuer=client_id,
            audience=f"{self.platform.issuer}/token",
            options={"require": ["exp", "iat", "jti", "sub"]},
        )
        if body["sub"] != client_id or body["exp"] - body["iat"] > 300:
            raise ValueError("bad subject or lifetime")
        with self._lock:
            if body["jti"] in self._jtis:
                raise ValueError("assertion replayed")
            self._jtis.add(body["jti"])
        scopes = set(form.get("scope", "").split())
        if not scopes or not scopes <= {*ALL_SCOPES, ROSTER_SCOPE}:
            raise ValueError("invalid scope")
        return scopes

    def _authorized(self, request: Request, scope: str) -> bool:
        header = request.headers.get("Authorization", "")
        self.authorizations.append(header)
        token = header.removeprefix("Bearer ")
        with self._lock:
            granted = self._tokens.get(token)
        return granted is not None and scope in granted[0] and granted[1] > time.time()

    # -- line items, scores and results ---------------------------------------------------

    def _ags(self, request: Request) -> Response:
        time.sleep(self.latency)
        if self.down:
            return Response("<h1>Service Unavailable</h1>", 503, mimetype="text/html")
        if request.args.get("type_id") != TYPE_ID:
            return _json({"error": "No such line item (type_id missing)"}, 404)
        tail = request.path.split("/ags/", 1)[1]
        if tail == "lineitems":
            return self._container(request)
        match = re.fullmatch(r"lineitems/(\d+)/lineitem(/scores|/results)?", tail)
        if not match or match.group(1) not in self.line_items:
            return _json({"error": "No such line item"}, 404)
        if match.group(2) == "/scores" and request.method == "POST":
            return self._score(request, match.group(1))
        if match.group(2) == "/results":
            return self._results(match.group(1))
        return _json(self.line_items[match.group(1)])

    def _container(self, request: Request) -> Response:
        if request.method == "POST":
            if not self._authorized(request, LINEITEM):
                return _json({"error": "Unauthorized"}, 401)
            body = json.loads(request.get_data() or b"{}")
            url = self.add_line_item(body.get("label", ""), body.get("resourceLinkId", ""))
            return _json(self.line_items[url.split("/lineitems/")[1].split("/")[0]], 201)
        if not (
            self._authorized(request, LINEITEM) or self._authorized(request, LINEITEM_READONLY)
        ):
            return _json({"error": "Unauthorized"}, 401)
        wanted = request.args.get("resource_link_id")
        items = [
            i for i in self.line_items.values() if wanted is None or i["resourceLinkId"] == wanted
        ]
        return _json(items[: self.page_size])

    def _score(self, request: Request, number: str) -> Response:
        status = self._scripted_or_checked(request)
        with self._lock:
            self.attempts.append((time.time(), status[0] if status else 200))
        if status:
            return Response(status[2], status[0], headers=status[1])
        body = json.loads(request.get_data())
        got = Received(
            number,
            body["userId"],
            datetime.fromisoformat(body["timestamp"]),
            body["scoreGiven"],
            body["scoreMaximum"],
            body["activityProgress"],
            body["gradingProgress"],
            time.time(),
        )
        with self._lock:
            self.received.append(got)
            before = self.latest.get((number, got.user_id))
            if before is not None and got.timestamp < before.timestamp:
                self.stale.append(got)  # older than what it has: ignored, as specified
            else:
                self.latest[(number, got.user_id)] = got
        return Response("", 200)

    def _scripted_or_checked(self, request: Request) -> tuple[int, dict[str, str], str] | None:
        with self._lock:
            if self.scripted:
                return self.scripted.popleft()
        if not self._authorized(request, SCORE):
            return 401, {"Content-Type": "application/json"}, '{"error": "Unauthorized"}'
        if request.content_type != SCORE_TYPE:
            return 415, {}, "wrong media type"
        body = json.loads(request.get_data() or b"{}")
        needed = {
            "userId",
            "timestamp",
            "scoreGiven",
            "scoreMaximum",
            "activityProgress",
            "gradingProgress",
        }
        if not needed <= set(body) or "+" not in body["timestamp"][10:]:
            return 400, {"Content-Type": "application/json"}, '{"error": "Incomplete score"}'
        return None

    def _results(self, number: str) -> Response:
        return _json(
            [
                {
                    "userId": user,
                    "resultScore": r.score_given,
                    "resultMaximum": r.score_maximum,
                    "scoreOf": self.line_items[number]["id"],
                }
                for (item, user), r in self.latest.items()
                if item == number
            ]
        )


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status, mimetype="application/json")
