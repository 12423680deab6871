"""The LTI layer's per-process collaborators, built once by the application factory.

The outbound HTTP client, the platforms' key sets, OAuth2 access tokens and the caches
are shared by every request of a process; `create_app` builds them from the settings and
keeps them in `app.extensions`, and the views hand them to `lti/` as arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import valkey
from flask import current_app
from sqlalchemy.orm import Session

from config import Settings
from lti.ags_token import AccessTokens
from lti.frame_origins import FrameOrigins
from lti.login_limit import LoginLimitKeys
from lti.outbound import Outbound
from lti.platform_keys import PlatformKeys
from lti.registry import Registry
from lti.registry_signal import RedisRegistrySignal
from lti.score_wakeups import RedisScoreOutbox
from lti.state_store import DatabaseStateStore, LaunchStateStore, RedisStateStore

EXTENSION = "selfpath.lti"


@dataclass(frozen=True)
class LtiServices:
    http: Outbound  # calls to LMSs (internal addresses refused in production, see Settings)
    platform_keys: PlatformKeys
    access_tokens: AccessTokens  # for LMS services called from web requests (rosters)
    login_limit_keys: LoginLimitKeys
    frame_origins: FrameOrigins  # which origin may frame each platform's pages
    redis: Any = None  # launch state lives in Redis when REDIS_URL is set
    registry: Registry = field(default_factory=Registry)  # platforms and deployments
    score_outbox: RedisScoreOutbox | None = None  # wakes the grade workers (with Redis)

    @classmethod
    def build(cls, settings: Settings) -> LtiServices:
        http = Outbound(addresses=settings.addresses)
        # Redis connects on first use, so building the client here costs nothing.
        client = (
            valkey.Valkey.from_url(settings.redis_url, socket_timeout=5)
            if settings.redis_url
            else None
        )
        return cls(
            http=http,
            platform_keys=PlatformKeys(
                http,
                timeout=settings.http_timeout_seconds,
                max_age=settings.platform_jwks_cache_seconds,
            ),
            access_tokens=AccessTokens(http, settings.http_timeout_seconds),
            login_limit_keys=LoginLimitKeys(),
            frame_origins=FrameOrigins(),
            redis=client,
            registry=Registry(signal=RedisRegistrySignal(client) if client is not None else None),
            score_outbox=RedisScoreOutbox(client) if client is not None else None,
        )

    def state_store(self, session: Session) -> LaunchStateStore:
        """Where logins in flight are remembered: Redis if configured, else the database."""
        if self.redis is not None:
            signal = self.registry.signal  # its token is read with the login's state
            return RedisStateStore(self.redis, read_beside=signal.key if signal else None)
        return DatabaseStateStore(session)


def lti_services() -> LtiServices:
    """The running application's LTI collaborators."""
    services: LtiServices = current_app.extensions[EXTENSION]
    return services
