"""Which LMS origin may frame Selfpath's pages for a session: its own platform's only.

A session's pages (the learner's path, the teacher's dashboard) may be framed by the
platform that launched it and by no other tenant's LMS. The answer is cached per
platform for `max_age` seconds, so a page costs no query, and a platform an admin
disables (or has not approved yet) stops framing within that time.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti.models import Deployment, Platform
from lti.registrations import frame_origin
from lti.registry import KnownPlatform
from lti.ttl_cache import TtlCache


class FrameOrigins:
    def __init__(self, max_age: float = 60, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._by_platform: TtlCache[str | None] = TtlCache(max_age, clock=clock)
        self._platform_of_tenant: TtlCache[int | None] = TtlCache(max_age, clock=clock)

    def for_platform(self, session: Session, platform_id: int) -> str | None:
        """The platform's origin, or None when it is disabled, waiting or gone."""

        def look_up() -> str | None:
            row = session.execute(
                select(Platform.issuer, Platform.enabled).where(Platform.id == platform_id)
            ).first()
            return frame_origin(row.issuer) if row and row.enabled else None

        return self._by_platform.get(platform_id, look_up)

    def for_tenant(self, session: Session, tenant_id: int) -> str | None:
        """For sessions that hold only their tenant (started before sessions named their
        platform)."""
        platform_id = self._platform_of_tenant.get(
            tenant_id,
            lambda: session.scalar(
                select(Deployment.platform_id).where(Deployment.tenant_id == tenant_id)
            ),
        )
        return self.for_platform(session, platform_id) if platform_id is not None else None

    def remember(self, platform: Platform | KnownPlatform) -> None:
        """What a launch just checked is as fresh as a lookup."""
        self._by_platform.put(
            platform.id, frame_origin(platform.issuer) if platform.enabled else None
        )

    def forget(self, platform_id: int | None = None) -> None:
        self._by_platform.forget(platform_id)
        if platform_id is None:
            self._platform_of_tenant.forget()
