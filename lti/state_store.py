"""Where logins in flight wait for their launch: the database, or Redis when configured.

Both work across gunicorn workers and separate instances. A state is taken (read and
spent) exactly once, in one atomic statement or Redis call (`take`); a launch refused
before its nonce is checked gives it back (`put_back`), so a stray or forged POST cannot
spend a learner's login. A nonce can be used only once (`use_nonce`). Redis spends the
nonce the token names in the same round trip as it takes the state (`take(nonce=...)`),
and gives it back with the state.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from lti.errors import LaunchRefused
from lti.models import LaunchState, SeenNonce
from paths.db import insert_if_absent

# A login's state is a few hundred bytes; the login's own limits (lti/login.py) keep it
# under ten kilobytes even with a long Canvas message hint. Anything larger is not stored.
MAX_STATE_LENGTH = 64 * 1024


@dataclass(frozen=True)
class PendingLogin:
    """What the login initiation remembered for the launch that follows it."""

    state: str
    nonce: str
    binding: str  # secret kept in the browser (cookie or platform storage)
    platform_id: int
    login: dict[str, str] = field(default_factory=dict)
    storage_target: str | None = None

    def to_json(self) -> str:
        # its fields as they are (`login` is a flat dict of strings): asdict would copy each
        return json.dumps(vars(self), separators=(",", ":"))

    def bounded_json(self) -> str:
        """The JSON to store, refused when it is larger than any real login's."""
        payload = self.to_json()
        if len(payload) > MAX_STATE_LENGTH:
            raise LaunchRefused(
                "launch_state_too_large",
                f"the login would need "
                f"{len(payload)} characters of launch state, more than the "
                f"{MAX_STATE_LENGTH} Selfpath keeps",
            )
        return payload

    @classmethod
    def from_json(cls, raw: str | bytes) -> PendingLogin:
        data: dict[str, Any] = json.loads(raw)
        return cls(**data)


@dataclass(frozen=True)
class ReadBeside:
    """A Redis key's value read in the same round trip as a login's state (None: the key
    was absent)."""

    key: str
    value: bytes | None


@dataclass(frozen=True)
class TakenLogin:
    """A login taken from the store, with when it would have expired there, the key the
    store was asked to read beside it, and the nonce it was asked to spend with it (Redis
    only): `nonce_unused` True when that nonce had not been used and is now spent, False
    when it had been, None when the store was not asked or spends nonces on their own."""

    pending: PendingLogin
    expires_at: datetime
    beside: ReadBeside | None = None
    nonce: str | None = None
    nonce_unused: bool | None = None


class LaunchStateStore(Protocol):
    in_session: bool  # whether what it writes waits for the database session's commit

    @property
    def reads_beside(self) -> bool:
        """Whether `save` and `take` read a key beside the state (Redis)."""

    def save(self, pending: PendingLogin, ttl: int, now: datetime) -> ReadBeside | None: ...
    def discard(self, pending: PendingLogin) -> None: ...
    def take(
        self, state: str, now: datetime, *, nonce: str | None = None, nonce_ttl: int = 0
    ) -> TakenLogin | None: ...
    def put_back(self, taken: TakenLogin, now: datetime) -> None: ...
    def use_nonce(self, nonce: str, ttl: int, now: datetime) -> bool: ...


class DatabaseStateStore:
    """Launch state in the application database (the default)."""

    in_session = True
    reads_beside = False

    def __init__(self, session: Session) -> None:
        self._session = session

    def save(self, pending: PendingLogin, ttl: int, now: datetime) -> ReadBeside | None:
        payload = pending.bounded_json()
        if random.random() < 0.05:  # expired rows are swept now and then, not on every login
            purge_expired(self._session, now)
        self._session.execute(
            insert(LaunchState).values(
                state=pending.state, payload=payload, expires_at=now + timedelta(seconds=ttl)
            )
        )
        return None

    def discard(self, pending: PendingLogin) -> None:
        self._session.execute(delete(LaunchState).where(LaunchState.state == pending.state))

    def take(
        self, state: str, now: datetime, *, nonce: str | None = None, nonce_ttl: int = 0
    ) -> TakenLogin | None:
        """One DELETE ... RETURNING (PostgreSQL and SQLite alike); spent at commit. The
        nonce is spent on its own (`use_nonce`), in the same transaction."""
        row = self._session.execute(
            delete(LaunchState)
            .where(LaunchState.state == state, LaunchState.expires_at > now)
            .returning(LaunchState.payload, LaunchState.expires_at)
        ).first()
        if row is None:
            return None
        return TakenLogin(PendingLogin.from_json(row.payload), row.expires_at)

    def put_back(self, taken: TakenLogin, now: datetime) -> None:
        self._session.execute(
            insert(LaunchState).values(
                state=taken.pending.state,
                payload=taken.pending.to_json(),
                expires_at=taken.expires_at,
            )
        )

    def use_nonce(self, nonce: str, ttl: int, now: datetime) -> bool:
        return insert_if_absent(
            self._session,
            SeenNonce,
            {"nonce": nonce, "expires_at": now + timedelta(seconds=ttl)},
            ["nonce"],
        )


def purge_expired(session: Session, now: datetime) -> tuple[int, int]:
    """Delete expired launch states and seen nonces from the database; return how many of
    each. (Redis forgets its own by TTL.)"""
    states = session.execute(delete(LaunchState).where(LaunchState.expires_at <= now))
    nonces = session.execute(delete(SeenNonce).where(SeenNonce.expires_at <= now))
    return states.rowcount, nonces.rowcount  # type: ignore[attr-defined]


class RedisStateStore:
    """Launch state in Redis (`REDIS_URL`): expiry by TTL, single use by GETDEL/SET NX."""

    in_session = False

    def __init__(
        self, client: Any, prefix: str = "selfpath:lti:", read_beside: str | None = None
    ) -> None:
        self._redis = client
        self._prefix = prefix
        self._read_beside = read_beside  # a key the launch needs next (the registry token)

    @property
    def reads_beside(self) -> bool:
        return self._read_beside is not None

    def save(self, pending: PendingLogin, ttl: int, now: datetime) -> ReadBeside | None:
        """SET, with a GET of the `read_beside` key in the same round trip."""
        key, payload = self._prefix + "state:" + pending.state, pending.bounded_json()
        if self._read_beside is None:
            self._redis.set(key, payload, ex=ttl)
            return None
        pipe = self._redis.pipeline(transaction=False)
        pipe.set(key, payload, ex=ttl)
        pipe.get(self._read_beside)
        _, value = pipe.execute()
        return ReadBeside(self._read_beside, value)

    def discard(self, pending: PendingLogin) -> None:
        self._redis.delete(self._prefix + "state:" + pending.state)

    def take(
        self, state: str, now: datetime, *, nonce: str | None = None, nonce_ttl: int = 0
    ) -> TakenLogin | None:
        """PTTL and GETDEL in one MULTI/EXEC, with a GET of the `read_beside` key and, when
        asked, a SET NX of `nonce` (the one the token names, not yet checked): one round
        trip, atomic. A nonce spent for a state that is not there is given back at once."""
        key = self._prefix + "state:" + state
        pipe = self._redis.pipeline(transaction=True)
        pipe.pttl(key)
        pipe.getdel(key)
        if self._read_beside is not None:
            pipe.get(self._read_beside)
        if nonce is not None:
            pipe.set(self._nonce_key(nonce), "1", nx=True, ex=nonce_ttl)
        left_ms, raw, *rest = pipe.execute()
        beside = (
            ReadBeside(self._read_beside, rest.pop(0)) if self._read_beside is not None else None
        )
        unused = bool(rest.pop(0)) if nonce is not None else None
        if not raw:
            if unused and nonce is not None:
                self._redis.delete(self._nonce_key(nonce))
            return None
        expires_at = now + timedelta(milliseconds=max(int(left_ms), 1))
        return TakenLogin(PendingLogin.from_json(raw), expires_at, beside, nonce, unused)

    def put_back(self, taken: TakenLogin, now: datetime) -> None:
        """The state again, for what it had left to live, and the nonce spent with it."""
        left_ms = int((taken.expires_at - now).total_seconds() * 1000)
        pipe = self._redis.pipeline(transaction=True)
        if taken.nonce_unused and taken.nonce is not None:
            pipe.delete(self._nonce_key(taken.nonce))
        if left_ms > 0:
            key = self._prefix + "state:" + taken.pending.state
            pipe.set(key, taken.pending.to_json(), px=left_ms, nx=True)
        if len(pipe):
            pipe.execute()

    def use_nonce(self, nonce: str, ttl: int, now: datetime) -> bool:
        return bool(self._redis.set(self._nonce_key(nonce), "1", nx=True, ex=ttl))

    def _nonce_key(self, nonce: str) -> str:
        return self._prefix + "nonce:" + nonce
