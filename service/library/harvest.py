"""Harvesting another repository into the resource catalogue (`flask library harvest`).

Each page of records is committed as it arrives, so a harvest that stops half-way keeps
what it imported, consistently. The source's "last harvest" datestamp moves only after
a harvest that finished: the next run asks again from the old point, and storing a
record twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from paths.db import insert_or_get
from paths.library.resources import NAME_CHARS, HarvestCount, HarvestSource, store_records
from service.library.oai_client import OaiRepository
from service.library.oai_xml import Identity, parse_datestamp


@dataclass
class Harvest:
    source: HarvestSource
    since: str | None
    pages: int = 0
    count: HarvestCount = field(default_factory=HarvestCount)


def harvest(session: Session, repository: OaiRepository, now: Callable[[], datetime]) -> Harvest:
    """Import what changed since the last complete harvest; raises HarvestError (with
    every page before the failing one committed)."""
    identity = repository.identify()
    source = _source(session, repository.base_url, identity, now())
    done = Harvest(source=source, since=source.last_datestamp)
    started: str | None = None
    for page in repository.list_records(done.since):
        if started is None:
            parse_datestamp(page.response_date, repository.base_url)
            started = _in_granularity(page.response_date, identity.granularity)
        done.count.merge(store_records(session, source, page.records, now()))
        session.commit()
        done.pages += 1
    source.last_datestamp = started or done.since
    source.last_harvested_at = now()
    session.commit()
    return done


def _source(session: Session, base_url: str, identity: Identity, now: datetime) -> HarvestSource:
    source = insert_or_get(
        session,
        HarvestSource,
        {"base_url": base_url, "name": identity.name[:NAME_CHARS], "created_at": now},
        ["base_url"],
    )
    source.name = identity.name[:NAME_CHARS] or source.name
    session.commit()
    return source


def _in_granularity(response_date: str, granularity: str) -> str:
    """The answer's date as the repository accepts it back in `from`."""
    return response_date[:10] if granularity == "YYYY-MM-DD" else response_date
