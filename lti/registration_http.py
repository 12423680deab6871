"""The HTTP calls of a dynamic registration: JSON in and out, each failure named."""

from __future__ import annotations

from typing import Any

import requests

from lti.errors import RegistrationFailed
from lti.outbound import (
    CONFIGURATION_BYTES,
    InternalAddress,
    Outbound,
    OutboundError,
    RedirectRefused,
    Unreachable,
)


def get_json(http: Outbound, url: str, token: str | None, timeout: float) -> Any:
    return _call(http, "GET", url, token, timeout)


def post_json(
    http: Outbound, url: str, token: str | None, body: dict[str, Any], timeout: float
) -> Any:
    return _call(http, "POST", url, token, timeout, body)


def _call(
    http: Outbound,
    method: str,
    url: str,
    token: str | None,
    timeout: float,
    body: dict[str, Any] | None = None,
) -> Any:
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    try:
        response = http.request(
            method, url, headers=headers, json=body, timeout=timeout, max_bytes=CONFIGURATION_BYTES
        )
    except OutboundError as failed:
        raise _failure(failed) from None
    _check_status(response, url, token)
    try:
        return response.json()
    except ValueError as exc:
        raise RegistrationFailed(
            "platform_not_json", f"the LMS's answer from {url} is not JSON"
        ) from exc


def _failure(failed: OutboundError) -> RegistrationFailed:
    """A registration cut short: the LMS's fault is a 502, an address we refuse a 400."""
    if isinstance(failed, Unreachable):
        return RegistrationFailed(
            failed.code,
            f"{failed}: is the LMS address right, and can the Selfpath server reach it?",
        )
    refused = isinstance(failed, InternalAddress | RedirectRefused)
    return RegistrationFailed(failed.code, str(failed), status=400 if refused else 502)


def _check_status(response: requests.Response, url: str, token: str | None) -> None:
    status = response.status_code
    if status in (401, 403):
        given = "was refused" if token else "is needed and none was given"
        raise RegistrationFailed(
            "registration_token_refused",
            f"the registration token "
            f"{given} (HTTP {status} from {url}): start the "
            "registration again from the LMS; its link may have "
            "expired",
            status=400,
        )
    if not 200 <= status < 300:
        raise RegistrationFailed(
            "platform_error", f"the LMS answered HTTP {status} from {url}{_explanation(response)}"
        )


def _explanation(response: requests.Response) -> str:
    """The LMS's own words (OAuth error body), if it gave any."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    words = body.get("error_description") or body.get("error")
    return f": {str(words)[:300]}" if words else ""
