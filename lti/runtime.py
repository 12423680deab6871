"""Per-process collaborators of the LTI layer, built once per application."""

from __future__ import annotations

from typing import Any

from flask import current_app

from config import Settings
from lti.ags_token import AccessTokens
from lti.frame_origins import FrameOrigins
from lti.login_limit import LoginLimitKeys
from lti.outbound import Outbound
from lti.platform_keys import PlatformKeys
from lti.state_store import DatabaseStateStore, LaunchStateStore, RedisStateStore
from service.extensions import db_session


def _settings() -> Settings:
    settings: Settings = current_app.extensions["selfpath.settings"]
    return settings


def outbound_http() -> Outbound:
    """The process's client for calls to LMSs (internal addresses refused in production)."""
    http: Outbound | None = current_app.extensions.get("selfpath.http")
    if http is None:
        http = Outbound(check_addresses=_settings().is_production)
        current_app.extensions["selfpath.http"] = http
    return http


def platform_keys() -> PlatformKeys:
    keys: PlatformKeys | None = current_app.extensions.get("selfpath.platform_keys")
    if keys is None:
        settings = _settings()
        keys = PlatformKeys(outbound_http(), timeout=settings.http_timeout_seconds,
                            max_age=settings.platform_jwks_cache_seconds)
        current_app.extensions["selfpath.platform_keys"] = keys
    return keys


def access_tokens() -> AccessTokens:
    """OAuth2 tokens for LMS services called from web requests (rosters), per process."""
    tokens: AccessTokens | None = current_app.extensions.get("selfpath.tokens")
    if tokens is None:
        tokens = AccessTokens(outbound_http(), _settings().http_timeout_seconds)
        current_app.extensions["selfpath.tokens"] = tokens
    return tokens


def login_limit_keys() -> LoginLimitKeys:
    keys: LoginLimitKeys | None = current_app.extensions.get("selfpath.login_limit_keys")
    if keys is None:
        keys = LoginLimitKeys()
        current_app.extensions["selfpath.login_limit_keys"] = keys
    return keys


def frame_origins() -> FrameOrigins:
    """Which origin may frame each platform's pages, cached per platform in this process."""
    origins: FrameOrigins | None = current_app.extensions.get("selfpath.frame_origins")
    if origins is None:
        origins = FrameOrigins()
        current_app.extensions["selfpath.frame_origins"] = origins
    return origins


def redis_client() -> Any:
    client = current_app.extensions.get("selfpath.redis")
    url = _settings().redis_url
    if client is None and url:
        import redis

        client = redis.Redis.from_url(url, socket_timeout=5)
        current_app.extensions["selfpath.redis"] = client
    return client


def state_store() -> LaunchStateStore:
    client = redis_client()
    if client is not None:
        return RedisStateStore(client)
    return DatabaseStateStore(db_session())
