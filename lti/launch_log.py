"""The launch log: every launch attempt with its outcome, for LMS administrators."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from lti import claims
from lti.models import LaunchRecord
from paths.db import ALONE

log = logging.getLogger("selfpath.lti")
ACCEPTED = "accepted"
REFUSED = "refused"
# Refusal reasons quote what the request said (an issuer, an audience) before anything is
# verified: an anonymous request must not put more than this into the log.
MAX_REASON = 1000
LAUNCH_RECORDS = cast(Table, LaunchRecord.__table__)
_INSERT = insert(LAUNCH_RECORDS)  # every column given: one compiled statement


def record_launch(
    session: Session,
    *,
    outcome: str,
    now: datetime,
    body: Mapping[str, Any] | None = None,
    platform_id: int | None = None,
    reason_code: str | None = None,
    reason: str | None = None,
    user_id: int | None = None,
) -> dict[str, Any]:
    """Record a launch in the session's transaction, if one is open, else on its own (one
    INSERT, sent now: no ORM object for the commit to flush); the caller commits next.
    Return the values stored. Only routing facts are kept: no names, emails or ids of
    people. Every value is bounded: `reason` is cut at MAX_REASON characters with a marker."""
    body = body if isinstance(body, Mapping) else {}
    aud = body.get("aud")
    client_id = aud if isinstance(aud, str) else body.get("azp")
    values: dict[str, Any] = {
        "at": now,
        "platform_id": platform_id,
        "issuer": _short(body.get("iss")),
        "client_id": _short(client_id),
        "deployment_id": _short(body.get(claims.DEPLOYMENT_ID)),
        "message_type": _short(body.get(claims.MESSAGE_TYPE), 64),
        "outcome": outcome,
        "reason_code": _short(reason_code, 64),
        "reason": truncated(reason, MAX_REASON),
        "user_id": user_id,
    }
    session.execute(_INSERT, values, execution_options=ALONE)  # the commit follows it
    log.info(
        "launch",
        extra={
            "fields": {
                "outcome": outcome,
                "reason_code": reason_code,
                "issuer": values["issuer"],
                "deployment_id": values["deployment_id"],
                "message_type": values["message_type"],
            }
        },
    )
    return values


def _short(value: Any, limit: int = 255) -> str | None:
    """A claim as a bounded string for its column (claims may not be verified yet)."""
    if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
        return None
    return str(value).replace("\x00", "")[:limit]  # PostgreSQL text holds no NUL


def truncated(text: str | None, limit: int) -> str | None:
    """`text` cut to `limit` characters, saying how much was left out."""
    if text is None:
        return None
    text = text.replace("\x00", "")
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…[truncated {len(text) - limit} chars]"


def recent_launches(
    session: Session,
    *,
    platform_id: int | None = None,
    outcome: str | None = None,
    limit: int = 200,
) -> list[LaunchRecord]:
    """The newest launch records first, optionally of one platform or one outcome."""
    query = select(LaunchRecord).order_by(LaunchRecord.at.desc(), LaunchRecord.id.desc())
    if platform_id is not None:
        query = query.where(LaunchRecord.platform_id == platform_id)
    if outcome is not None:
        query = query.where(LaunchRecord.outcome == outcome)
    return list(session.scalars(query.limit(limit)))
