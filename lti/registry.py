"""The platform registrations and deployments a process launches with, kept in memory.

A login and a launch find their platform and deployment here instead of in the database.
Every change to a platform or a deployment moves one counter on in the same transaction
(`lti_registry_versions`, by the flush hook below, whatever code made the change); a lookup
starts over when the counter moved, so an admin disabling a platform or a deployment stops
its launches at once on every instance. Without Redis each lookup reads the counter (one
indexed single-row read); with Redis it reads a token that every committed change replaces
(lti/registry_signal.py), and the counter only when that token changed, is missing or is
RECHECK_SECONDS old. Entries are values, never rows: nothing one request changes can leak
into another's.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from threading import Lock
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lti.models import Deployment, Platform, RegistryVersion
from lti.registry_signal import RECHECK_SECONDS, RedisRegistrySignal, signal_of
from lti.state_store import ReadBeside

ROW = 1  # the counter's only row
_VERSION = select(RegistryVersion.version).where(RegistryVersion.id == ROW)
_PLATFORM_COLUMNS = (
    Platform.id,
    Platform.name,
    Platform.issuer,
    Platform.client_id,
    Platform.auth_login_url,
    Platform.auth_token_url,
    Platform.auth_audience,
    Platform.key_set_url,
    Platform.enabled,
    Platform.awaiting_approval,
    Platform.accepts_new_deployments,
)


@dataclass(frozen=True)
class KnownDeployment:
    id: int
    deployment_id: str
    tenant_id: int  # the school it serves
    enabled: bool


@dataclass(frozen=True)
class KnownPlatform:
    """A platform registration as it was when the counter last moved."""

    id: int
    name: str
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    auth_audience: str | None
    key_set_url: str
    enabled: bool
    awaiting_approval: bool
    accepts_new_deployments: bool
    deployments: Mapping[str, KnownDeployment] = field(default_factory=dict)


def current_version(session: Session) -> int:
    return int(session.scalar(_VERSION) or 0)


def move_on(session: Session) -> None:
    """Move the counter on, in the session's transaction (atomic on both databases). A
    counter row that went missing starts again at a random value, not at one a process
    may still hold its cache at."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(RegistryVersion)
        .values(id=ROW, version=secrets.randbits(30) + 2)
        .on_conflict_do_update(
            index_elements=[RegistryVersion.id], set_={"version": RegistryVersion.version + 1}
        )
    )
    session.connection().execute(statement)  # not session.execute: no autoflush in a flush


@event.listens_for(Session, "before_flush")
def _registrations_changed(session: Session, context: Any, instances: Any) -> None:
    changed = [*session.new, *session.deleted] + [
        row for row in session.dirty if session.is_modified(row)
    ]
    if any(isinstance(row, (Platform, Deployment)) for row in changed):
        move_on(session)
        signal = signal_of(session)
        if signal is not None:
            signal.counter_moved(session)


class Registry:
    """Platforms by (issuer, client id) and by id, with their deployments. At most
    `max_entries` lookups are kept (it starts over when full), so made-up issuers in
    anonymous logins cannot grow it without bound. With a `signal` (Redis), the counter is
    read only when the signal's token changed, is missing, or `recheck_seconds` passed."""

    def __init__(
        self,
        max_entries: int = 1000,
        signal: RedisRegistrySignal | None = None,
        recheck_seconds: float = RECHECK_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_entries = max_entries
        self.signal = signal
        self._recheck_seconds, self._clock = recheck_seconds, clock
        self._lock = Lock()
        self._version: int | None = None
        self._token: str | None = None  # the signal's token when the counter was last read
        self._recheck_at = 0.0
        self._by_key: dict[tuple[str, str | None], KnownPlatform | None] = {}

    def platform(
        self,
        session: Session,
        issuer: str,
        client_id: str | None,
        *,
        token_read: ReadBeside | None = None,
    ) -> KnownPlatform | None:
        """The platform for (issuer, client_id); with no client id, the issuer's only one.
        `token_read`: the signal's token as this request already read it from Redis
        (beside the login's state), so the lookup need not read it again."""
        version = self._current_version(session, token_read)
        key = (issuer, client_id or None)
        with self._lock:
            if version != self._version:
                self._by_key.clear()
                self._version = version
            if key in self._by_key:
                return self._by_key[key]
        found = _load(session, issuer, client_id or None)
        with self._lock:
            if version == self._version:
                if len(self._by_key) >= self.max_entries:
                    self._by_key.clear()
                self._by_key[key] = found
        return found

    def cached(self, issuer: str, client_id: str | None) -> KnownPlatform | None:
        """The platform this process last found for (issuer, client_id), with no round
        trip: it may be out of date, so the caller confirms it with `platform`, giving the
        signal's token it read in its next round trip."""
        with self._lock:
            return self._by_key.get((issuer, client_id or None))

    def _current_version(self, session: Session, token_read: ReadBeside | None) -> int:
        """The counter: the one last read while the signal's token stands still, else read
        now. The token is read before the counter, so a change committed in between only
        makes the next lookup read the counter once more."""
        if self.signal is None:
            return current_version(session)
        if token_read is not None and token_read.key == self.signal.key:
            token = self.signal.token_from(token_read.value)
        else:
            token = self.signal.token()
        now = self._clock()
        with self._lock:
            unchanged = token is not None and token == self._token and now < self._recheck_at
            if unchanged and self._version is not None:
                return self._version
        version = current_version(session)
        with self._lock:
            self._token, self._recheck_at = token, now + self._recheck_seconds
        return version


def _load(session: Session, issuer: str, client_id: str | None) -> KnownPlatform | None:
    query = select(*_PLATFORM_COLUMNS).where(Platform.issuer == issuer)
    if client_id:
        query = query.where(Platform.client_id == client_id)
    rows = session.execute(query.limit(2)).all()
    if len(rows) != 1:  # none, or (no client id given) the issuer has several
        return None
    row = rows[0]
    deployments = session.execute(
        select(
            Deployment.id, Deployment.deployment_id, Deployment.tenant_id, Deployment.enabled
        ).where(Deployment.platform_id == row.id)
    ).all()
    return KnownPlatform(
        **row._asdict(),
        deployments={d.deployment_id: KnownDeployment(*d) for d in deployments},
    )
