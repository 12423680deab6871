"""Admin console sessions kept on the server, so signing out ends one for good.

The admin cookie names a random session id; only its SHA-256 is stored, so a copy of the
database cannot be turned into a working cookie. A session is open while its row exists
and has not expired; signing out deletes the row. Expired rows are purged at each sign-in
(one indexed DELETE), so the table holds about as many rows as sign-ins in a day.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from paths.db import Base, UtcDateTime


class AdminSession(Base):
    """One signed-in admin console, until it expires or the admin signs out."""

    __tablename__ = "admin_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def open_admin_session(db: Session, now: datetime, lifetime: timedelta) -> str:
    """A new session id, recorded as open until `now + lifetime`; the caller commits."""
    db.execute(delete(AdminSession).where(AdminSession.expires_at <= now))
    session_id = secrets.token_urlsafe(32)
    db.add(AdminSession(id_hash=_hash(session_id), created_at=now, expires_at=now + lifetime))
    return session_id


def admin_session_is_open(db: Session, session_id: str, now: datetime) -> bool:
    found = db.scalar(
        select(AdminSession.expires_at).where(AdminSession.id_hash == _hash(session_id))
    )
    return found is not None and found > now


def close_admin_session(db: Session, session_id: str) -> None:
    """End the session on the server: its cookie is refused from now on. The caller commits."""
    db.execute(delete(AdminSession).where(AdminSession.id_hash == _hash(session_id)))
