"""Calls to an LMS gradebook (AGS 2.0): scores and line items, with answers classified as
accepted, worth trying again later (5xx, 429, timeouts) or refused (4xx, odd answers)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import requests

from lti.backoff import parse_retry_after
from lti.outbound import GRADEBOOK_BYTES, Outbound, OutboundError
from paths.db import utcnow

SCORE_TYPE = "application/vnd.ims.lis.v1.score+json"
LINEITEM_TYPE = "application/vnd.ims.lis.v2.lineitem+json"
CONTAINER_TYPE = "application/vnd.ims.lis.v2.lineitemcontainer+json"
MAX_PAGES = 20


class LmsRefused(Exception):
    """The LMS refused (or answered nonsense); trying again will not help until someone
    changes something. The message is the reason shown to admins and teachers."""


class LmsUnavailable(Exception):
    """The LMS is down, slow or busy: try again later (not before `retry_after` seconds)."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.retry_after = retry_after


class LmsUnauthorized(LmsRefused):
    """401: the access token was not accepted (expired, revoked, or stripped on the way)."""


def scores_url(lineitem_url: str) -> str:
    """`<lineitem>/scores`, inserted before any query string (Moodle: `...?type_id=N`)."""
    parts = urlsplit(lineitem_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/scores"))


def with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    extra = urlencode(params)
    return urlunsplit(parts._replace(query=f"{parts.query}&{extra}" if parts.query else extra))


def lms_reason(response: requests.Response) -> str:
    """The LMS's own words for a refusal, short enough to show on a page."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, Mapping):
        words = [
            str(body[k])
            for k in ("error", "error_description", "message", "reason", "detail")
            if body.get(k)
        ]
        if words:
            return ": ".join(words)[:300]
    text = re.sub(r"<[^>]+>", " ", response.text or "")
    return re.sub(r"\s+", " ", text).strip()[:300] or response.reason or "no reason given"


def request(
    http: Outbound,
    method: str,
    url: str,
    *,
    timeout: float,
    what: str,
    max_bytes: int = GRADEBOOK_BYTES,
    **kwargs: Any,
) -> requests.Response:
    """One call; 2xx is returned, anything else raised as LmsUnavailable or LmsRefused.
    A slow or unreachable LMS is worth trying again; an oversized answer, a redirect
    elsewhere or an internal address is not."""
    try:
        response = http.request(method, url, timeout=timeout, max_bytes=max_bytes, **kwargs)
    except OutboundError as failed:
        if failed.retryable:
            raise LmsUnavailable(f"{what}: {failed}") from None
        raise LmsRefused(f"{what}: {failed}") from None
    status = response.status_code
    if 200 <= status < 300:
        return response
    reason = f"{what}: the LMS answered {status} ({lms_reason(response)})"
    if status == 429 or status >= 500:
        raise LmsUnavailable(
            reason, parse_retry_after(response.headers.get("Retry-After"), utcnow())
        )
    if status == 401:
        raise LmsUnauthorized(reason + _hint_401())
    raise LmsRefused(reason)


def _hint_401() -> str:
    return (
        ". If the LMS is Moodle behind a web server, check that it passes the "
        "Authorization header through"
    )


def json_body(response: requests.Response, what: str) -> Any:
    try:
        return response.json()
    except ValueError:
        raise LmsRefused(
            f"{what}: the LMS answered {response.status_code} with something "
            f"that is not JSON ({lms_reason(response)[:120]})"
        ) from None


def score_body(
    *,
    user_id: str,
    timestamp: datetime,
    given: float,
    maximum: float,
    activity_progress: str,
    grading_progress: str,
) -> dict[str, Any]:
    return {
        "userId": user_id,
        "timestamp": timestamp.isoformat(timespec="milliseconds"),
        "scoreGiven": given,
        "scoreMaximum": maximum,
        "activityProgress": activity_progress,
        "gradingProgress": grading_progress,
    }


def post_score(
    http: Outbound, lineitem_url: str, token: str, body: Mapping[str, Any], timeout: float
) -> None:
    what = "sending the score"
    response = request(
        http,
        "POST",
        scores_url(lineitem_url),
        timeout=timeout,
        what=what,
        data=json.dumps(body),
        headers={"Authorization": f"Bearer {token}", "Content-Type": SCORE_TYPE},
    )
    kind = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if response.content.strip() and "json" not in kind:
        # A 200 with a web page is a login page or proxy in the way, not an accepted score.
        raise LmsRefused(
            f"{what}: the LMS answered {response.status_code} with a "
            f"{kind or 'non-JSON'} page instead of accepting the score "
            f"({lms_reason(response)[:120]})"
        )


def find_line_item(
    http: Outbound, container_url: str, token: str, resource_link_id: str, timeout: float
) -> str | None:
    """The line item the LMS already has for this resource link (following Link: next)."""
    url: str | None = with_query(container_url, resource_link_id=resource_link_id)
    for _ in range(MAX_PAGES):
        if url is None:
            return None
        response = request(
            http,
            "GET",
            url,
            timeout=timeout,
            what="reading the line items",
            headers={"Authorization": f"Bearer {token}", "Accept": CONTAINER_TYPE},
        )
        items = json_body(response, "reading the line items")
        if not isinstance(items, list):
            raise LmsRefused("reading the line items: the LMS did not answer with a list")
        for item in items:
            if (
                isinstance(item, Mapping)
                and item.get("resourceLinkId") == resource_link_id
                and isinstance(item.get("id"), str)
            ):
                return str(item["id"])
        url = response.links.get("next", {}).get("url")
    return None


def create_line_item(
    http: Outbound,
    container_url: str,
    token: str,
    *,
    label: str,
    score_maximum: float,
    resource_link_id: str,
    timeout: float,
) -> str:
    what = "creating the gradebook column"
    response = request(
        http,
        "POST",
        container_url,
        timeout=timeout,
        what=what,
        data=json.dumps(
            {"label": label, "scoreMaximum": score_maximum, "resourceLinkId": resource_link_id}
        ),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": LINEITEM_TYPE,
            "Accept": LINEITEM_TYPE,
        },
    )
    item = json_body(response, what)
    if (
        not isinstance(item, Mapping)
        or not isinstance(item.get("id"), str)
        or not item["id"].startswith(("http://", "https://"))
    ):
        raise LmsRefused(f"{what}: the LMS's answer has no line item URL (`id`)")
    return str(item["id"])
