"""The platform registrations and deployments a process launches with, kept in memory.

A login and a launch find their platform and deployment here instead of in the database.
Every change to a platform or a deployment moves one counter on in the same transaction
(`lti_registry_versions`, by the flush hook below, whatever code made the change); each
lookup reads the counter (one indexed single-row read) and starts over when it moved, so
an admin disabling a platform or a deployment stops its launches at once on every
instance. Entries are values, never rows: nothing one request changes can leak into
another's.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from threading import Lock
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from lti.models import Deployment, Platform, RegistryVersion

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


class Registry:
    """Platforms by (issuer, client id) and by id, with their deployments. At most
    `max_entries` lookups are kept (it starts over when full), so made-up issuers in
    anonymous logins cannot grow it without bound."""

    def __init__(self, max_entries: int = 1000) -> None:
        self.max_entries = max_entries
        self._lock = Lock()
        self._version: int | None = None
        self._by_key: dict[tuple[str, str | None], KnownPlatform | None] = {}

    def platform(
        self, session: Session, issuer: str, client_id: str | None
    ) -> KnownPlatform | None:
        """The platform for (issuer, client_id); with no client id, the issuer's only one."""
        version = current_version(session)
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
