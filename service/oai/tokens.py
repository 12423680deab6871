"""Resumption tokens that hold everything the next page needs, signed, so any instance can
answer them and nothing is stored: the verb, the original arguments, where the last page
ended and how many records came before. A token from another site, changed, or older than
a day is refused."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from itsdangerous import BadSignature, URLSafeSerializer

from paths.library.harvest_feed import FeedPosition
from service.oai.arguments import MAX_ARGUMENT_CHARS
from service.oai.protocol import OaiError

TOKEN_LIFETIME = timedelta(hours=24)
SALT = "selfpath.oai.resumption"


@dataclass(frozen=True)
class ListRequest:
    """A ListIdentifiers or ListRecords request, as first asked."""

    verb: str
    metadata_prefix: str
    set_spec: str | None = None
    start: str | None = None  # `from`
    end: str | None = None  # `until`


@dataclass(frozen=True)
class Resumption:
    request: ListRequest
    position: FeedPosition
    cursor: int  # records sent before the next page
    expires_at: datetime


def issue(secret: str, resumption: Resumption) -> str:
    payload = {
        **asdict(resumption.request),
        "after": [resumption.position.changed_at.isoformat(), resumption.position.entry_id],
        "cursor": resumption.cursor,
        "expires": int(resumption.expires_at.timestamp()),
    }
    return URLSafeSerializer(secret, salt=SALT).dumps(payload)


def expiry(now: datetime) -> datetime:
    return (now + TOKEN_LIFETIME).replace(microsecond=0)


def read(secret: str, token: str, verb: str, now: datetime) -> Resumption:
    """The resumption a token carries, or badResumptionToken."""
    try:
        if len(token) > MAX_ARGUMENT_CHARS:
            raise ValueError("too long")
        resumption = _resumption(URLSafeSerializer(secret, salt=SALT).loads(token))
    except (BadSignature, ValueError, TypeError, KeyError, OverflowError, OSError) as exc:
        raise OaiError(
            "badResumptionToken", "The resumptionToken is not one this repository gave."
        ) from exc
    if resumption.request.verb != verb:
        raise OaiError(
            "badResumptionToken",
            f"The resumptionToken belongs to {resumption.request.verb}, not {verb}.",
        )
    if resumption.expires_at <= now:
        raise OaiError(
            "badResumptionToken", "The resumptionToken has expired: start the list again."
        )
    return resumption


def _resumption(payload: Any) -> Resumption:
    changed_at, entry_id = payload["after"]
    request = ListRequest(
        str(payload["verb"]),
        str(payload["metadata_prefix"]),
        _text(payload["set_spec"]),
        _text(payload["start"]),
        _text(payload["end"]),
    )
    if not isinstance(entry_id, int) or not isinstance(payload["cursor"], int):
        raise TypeError("not a position")
    return Resumption(
        request=request,
        position=FeedPosition(datetime.fromisoformat(changed_at), entry_id),
        cursor=payload["cursor"],
        expires_at=datetime.fromtimestamp(payload["expires"], UTC),
    )


def _text(value: Any) -> str | None:
    if value is not None and not isinstance(value, str):
        raise TypeError("not text")
    return value
