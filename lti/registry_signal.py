"""Every instance's registry cache told of a registration change through Redis.

The per-process cache of platforms and deployments (lti/registry.py) stays valid while the
database's counter stands still, and reading that counter costs a login (which otherwise
needs Redis alone) a database connection, a transaction and a round trip. With Redis
(REDIS_URL), a transaction that moves the counter also puts a new random token in Redis once
it is committed, and a lookup reads the token instead: while it is the one seen when the
counter was last read, nothing changed. The id_token POST reads it in the same round trip
as the login's state (`RedisStateStore(read_beside=KEY)`, `Registry.platform(token_read=)`).
The counter is read again when the token changed, when there is none (Redis emptied), when
Redis cannot be reached, and at least every RECHECK_SECONDS: a token lost with a Redis
failure delays a change by seconds, never longer.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

import valkey
from sqlalchemy.orm import Session

from lti.after_commit import OnCommit

log = logging.getLogger("selfpath.lti")
KEY = "selfpath:lti:registry-token"
RECHECK_SECONDS = 5.0
TOKEN_SECONDS = 86_400  # like everything Selfpath keeps in Redis, it expires by itself
SIGNAL = "registry_signal"  # in `session.info`: the application's RedisRegistrySignal
PENDING = "registry_moved"  # in `session.info`: the open transaction moved the counter


class RedisRegistrySignal:
    """The token in Redis: read by lookups, replaced after each committed change (never
    for a transaction rolled back)."""

    def __init__(self, client: Any, key: str = KEY) -> None:
        self.client, self.key = client, key
        self._after_commit = OnCommit(PENDING, self._announce)

    def token(self) -> str | None:
        """The current token; None when there is none or Redis cannot say (then a new one
        is put there for the next lookups, unless another process already did)."""
        try:
            value = self.client.get(self.key)
        except valkey.ValkeyError as error:
            log.warning("Could not read the registry token from Redis: %s", error)
            return None
        return self.token_from(value)

    def token_from(self, value: bytes | str | None) -> str | None:
        """The token, from the value of KEY read with another command in one round trip
        (the launch reads it with the login's state): as `token` would return it."""
        if value is None:
            try:
                self.client.set(self.key, _new_token(), nx=True, ex=TOKEN_SECONDS)
            except valkey.ValkeyError as error:
                log.warning("Could not put a registry token in Redis: %s", error)
            return None
        return value.decode() if isinstance(value, bytes) else str(value)

    def counter_moved(self, session: Session) -> None:
        """Called in the transaction that moved the counter: announce it once committed."""
        self._after_commit.ask(session)

    def _announce(self) -> None:
        try:
            self.client.set(self.key, _new_token(), ex=TOKEN_SECONDS)
        except valkey.ValkeyError as error:  # committed: the lookups' recheck will see it
            log.warning("Could not announce a registration change through Redis: %s", error)


def _new_token() -> str:
    return secrets.token_hex(12)


def give_signal(session: Session, signal: RedisRegistrySignal) -> None:
    """The application's sessions announce the changes they commit."""
    session.info[SIGNAL] = signal


def signal_of(session: Session) -> RedisRegistrySignal | None:
    signal: RedisRegistrySignal | None = session.info.get(SIGNAL)
    return signal
