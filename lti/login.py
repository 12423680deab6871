"""OIDC third-party-initiated login: the first leg of every LTI 1.3 launch."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlencode, urlsplit

from sqlalchemy.orm import Session

from lti.errors import LaunchRefused
from lti.registrations import is_canvas, refuse_inactive_platform
from lti.registry import KnownPlatform, Registry
from lti.state_store import LaunchStateStore, PendingLogin
from lti.urls import origin_of

LOGIN_PARAMS = (
    "iss",
    "login_hint",
    "target_link_uri",
    "lti_message_hint",
    "client_id",
    "lti_deployment_id",
)
# The longest value Selfpath keeps of each login parameter, with room to spare over what
# platforms send: issuers, client and deployment ids fit the registration's 255 columns;
# Moodle's login_hint is a user id and Canvas's a 40-character hash; Moodle's
# lti_message_hint is a small JSON object and Canvas's a JWT of 1-2 KB; a storage target is
# a frame name. A login with a longer value is refused, so launch state stays small.
MAX_LENGTHS = {
    "iss": 255,
    "client_id": 255,
    "lti_deployment_id": 255,
    "login_hint": 1024,
    "target_link_uri": 2048,
    "lti_message_hint": 4096,
    "lti_storage_target": 255,
}


@dataclass(frozen=True)
class LoginStart:
    pending: PendingLogin
    redirect_url: str
    platform_origin: str
    canvas: bool


def _same_origin(url: str, base_url: str) -> bool:
    a, b = urlsplit(url), urlsplit(base_url)
    return (a.scheme, a.netloc.lower()) == (b.scheme, b.netloc.lower())


def _refuse_oversize(params: Mapping[str, str]) -> None:
    for name, limit in MAX_LENGTHS.items():
        size = len(params.get(name) or "")
        if size > limit:  # the message names the size, never the value
            raise LaunchRefused(
                "login_param_too_long",
                f"the login initiation's {name} is "
                f"{size} characters long, more than the {limit} Selfpath "
                "accepts: check the tool's registration in the LMS",
            )


def start_login(
    session: Session,
    store: LaunchStateStore,
    registry: Registry,
    params: Mapping[str, str],
    *,
    base_url: str,
    redirect_uri: str,
    ttl: int,
    now: datetime,
) -> LoginStart:
    """Check the login initiation and remember it; return where to send the browser.

    With a store that reads the registry's token beside what it saves (Redis), a platform
    this process already knows is taken as it knows it, the login saved, and the token
    read with it in one round trip; should the token show the registry moved, the lookup
    is made again, and a state saved for a registration that changed is discarded."""
    _refuse_oversize(params)
    login = {k: params[k] for k in LOGIN_PARAMS if params.get(k)}
    for required in ("iss", "login_hint", "target_link_uri"):
        if not login.get(required):
            raise LaunchRefused(
                "login_missing_param",
                f"the login initiation has no {required!r}: check the tool's login URL in the LMS",
            )
    # with no client id given, the issuer's only registration
    issuer, client_id = login["iss"], login.get("client_id")
    guess = registry.cached(issuer, client_id) if store.reads_beside else None
    if guess is not None and _refusal(guess, login, base_url) is None:
        pending = _pending(guess, login, params)
        read = store.save(pending, ttl, now)
        platform = registry.platform(session, issuer, client_id, token_read=read)
        if platform == guess:
            return _started(pending, guess, login, redirect_uri)
        store.discard(pending)  # saved for a registration as it no longer is
    else:
        platform = registry.platform(session, issuer, client_id)
    refused = _refusal(platform, login, base_url)
    if refused is not None:
        raise refused
    assert platform is not None
    pending = _pending(platform, login, params)
    store.save(pending, ttl, now)
    return _started(pending, platform, login, redirect_uri)


def _refusal(
    platform: KnownPlatform | None, login: Mapping[str, str], base_url: str
) -> LaunchRefused | None:
    """Why a login for `platform` (None: none is registered) is refused, if it is."""
    if platform is None:
        client = login.get("client_id") or "(none given)"
        return LaunchRefused(
            "login_unknown_platform",
            f"no platform is registered with "
            f"issuer {login['iss']} and client id {client}: register it in "
            "Selfpath, or check the client id the LMS shows",
        )
    try:
        refuse_inactive_platform(platform)
    except LaunchRefused as refused:
        return refused
    if not _same_origin(login["target_link_uri"], base_url):
        return LaunchRefused(
            "target_off_origin",
            f"the target_link_uri is not a Selfpath address (expected one under {base_url})",
        )
    return None


def _pending(
    platform: KnownPlatform, login: dict[str, str], params: Mapping[str, str]
) -> PendingLogin:
    return PendingLogin(
        state=secrets.token_urlsafe(32),
        nonce=secrets.token_urlsafe(32),
        binding=secrets.token_urlsafe(32),
        platform_id=platform.id,
        login=login,
        storage_target=params.get("lti_storage_target") or None,
    )


def _started(
    pending: PendingLogin, platform: KnownPlatform, login: Mapping[str, str], redirect_uri: str
) -> LoginStart:
    query = {"login_hint": login["login_hint"], "state": pending.state, "nonce": pending.nonce}
    if login.get("lti_message_hint"):
        query["lti_message_hint"] = login["lti_message_hint"]
    joiner = "&" if "?" in platform.auth_login_url else "?"
    return LoginStart(
        pending=pending,
        redirect_url=platform.auth_login_url
        + joiner
        + _request_fixed(platform.client_id, redirect_uri)
        + urlencode(query),
        platform_origin=origin_of(platform.auth_login_url),
        canvas=is_canvas(platform.issuer),
    )


@lru_cache(maxsize=256)  # one per registration (and tool address)
def _request_fixed(client_id: str, redirect_uri: str) -> str:
    """The authentication request's parameters that are the same for every login of a
    registration, encoded once, with the `&` that joins the login's own."""
    fixed = {
        "scope": "openid",
        "response_type": "id_token",
        "response_mode": "form_post",
        "prompt": "none",
        "client_id": client_id,
        "redirect_uri": redirect_uri,
    }
    return urlencode(fixed) + "&"
