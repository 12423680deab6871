"""The gradebook endpoint (AGS claim) of an activity, kept from its launches."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lti.models import AgsEndpoint, ScoreDelivery
from paths.db import insert_or_get
from paths.enrollment import Assignment, Enrollment
from paths.scores import Score

AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
LINEITEM = AGS + "lineitem"
LINEITEM_READONLY = AGS + "lineitem.readonly"
SCORE = AGS + "score"
USED_SCOPES = (LINEITEM, LINEITEM_READONLY, SCORE)


def _url(value: Any) -> str | None:
    return str(value)[:2048] if isinstance(value, str) and value else None


def store_endpoint(
    session: Session, activity_id: int, platform_id: int, claim: Mapping[str, Any], now: datetime
) -> AgsEndpoint:
    """Keep the launch's AGS claim for the activity. A line item Selfpath created stays
    until the LMS names one; a changed endpoint lets held scores try again."""
    row = _endpoint(session, activity_id)
    if row is None:  # two first launches may race: inserted once, the other reads it
        row = insert_or_get(
            session,
            AgsEndpoint,
            {
                "activity_id": activity_id,
                "platform_id": platform_id,
                "scopes": [],
                "line_item_created": False,
                "updated_at": now,
            },
            ["activity_id"],
        )
    named = _url(claim.get("lineitem"))
    wanted = _wanted(platform_id, claim, row.lineitem_url if row.line_item_created else None)
    changed = {k: v for k, v in wanted.items() if getattr(row, k) != v}
    if changed:
        for name, value in changed.items():
            setattr(row, name, value)
        row.line_item_created = bool(row.line_item_created) and named is None
        row.updated_at = now
        session.flush()
        release_held(session, activity_id)
    return row


def _wanted(
    platform_id: int, claim: Mapping[str, Any], created_lineitem: str | None
) -> dict[str, Any]:
    """The endpoint's columns as the claim sets them; a line item Selfpath created stays
    until the LMS names one."""
    return {
        "platform_id": platform_id,
        "lineitem_url": _url(claim.get("lineitem")) or created_lineitem,
        "lineitems_url": _url(claim.get("lineitems")),
        "scopes": sorted(s for s in claim.get("scope") or () if isinstance(s, str)),
    }


def endpoint_unchanged(
    stored: Mapping[Any, Any], platform_id: int, claim: Mapping[str, Any]
) -> bool:
    """Whether `store_endpoint` would write nothing, given the stored row's columns."""
    created = stored["lineitem_url"] if stored["line_item_created"] else None
    wanted = _wanted(platform_id, claim, created)
    return all(stored[name] == value for name, value in wanted.items())


def _endpoint(session: Session, activity_id: int) -> AgsEndpoint | None:
    return session.scalars(
        select(AgsEndpoint).where(AgsEndpoint.activity_id == activity_id)
    ).first()


def release_held(session: Session, activity_id: int) -> int:
    """Scores held after a refusal try again (the endpoint they were refused on changed)."""
    enrollments = (
        select(Enrollment.id).join(Assignment).where(Assignment.activity_id == activity_id)
    )
    scores = select(Score.id).where(Score.enrollment_id.in_(enrollments))
    result = session.execute(
        update(ScoreDelivery)
        .where(ScoreDelivery.score_id.in_(scores), ScoreDelivery.failed_at.is_not(None))
        .values(failed_at=None, attempts=0, next_attempt_at=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def foreign_url(issuer: str, token_url: str, url: str) -> str | None:
    """Why `url` must not be called with this platform's token, or None when it may.
    A gradebook URL must be on the origin of the platform's issuer or token endpoint."""
    own = {origin(issuer), origin(token_url)}
    if origin(url) in own:
        return None
    return (
        f"the gradebook address {url} is not on the LMS's own address "
        f"({', '.join(sorted(own))}); Selfpath refuses to send scores or tokens there"
    )


def token_scopes(granted: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The scopes to ask a token for: those Selfpath uses, among those the claim grants."""
    return tuple(sorted(s for s in USED_SCOPES if s in granted))
