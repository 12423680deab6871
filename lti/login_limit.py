"""Who a login initiation counts against: its platform and the client's address.

A school behind one NAT address launches hundreds of learners at the bell; counting per
address alone would lock the whole school out, and a flood from one platform would lock
out every other platform used from the same address. Logins naming no registered
platform all count together per address, so varying the issuer cannot escape the limit.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from lti.registrations import find_platform
from lti.ttl_cache import TtlCache

UNREGISTERED = "unregistered"


class LoginLimitKeys:
    """Rate-limit keys for login initiations; which platform (issuer, client id) names is
    cached per process for `max_age` seconds."""

    def __init__(self, max_age: float = 60) -> None:
        self._platforms: TtlCache[int | None] = TtlCache(max_age)

    def key(self, session: Session, address: str, issuer: str, client_id: str) -> str:
        platform_id = self.platform_id(session, issuer[:255], client_id[:255])
        who = f"platform-{platform_id}" if platform_id is not None else UNREGISTERED
        return f"{address}|{who}"

    def platform_id(self, session: Session, issuer: str, client_id: str) -> int | None:
        if not issuer:
            return None

        def look_up() -> int | None:
            platform = find_platform(session, issuer, client_id or None)
            return platform.id if platform else None

        return self._platforms.get((issuer, client_id), look_up)

    def forget(self) -> None:
        self._platforms.forget()
