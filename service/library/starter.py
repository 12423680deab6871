"""The starter catalogue: complete paths in Vietnamese and English that every new school
finds in the library at once. Each file is a `selfpath-path/1` document with a fixed
`uuid`, so every Selfpath site offers the same entries under the same identities."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from paths.authoring import create_path, publish
from paths.catalog import LearningPath, PathVersion
from paths.library.models import LibraryEntry
from paths.library.publishing import LibraryChoice, publish_to_library, release_of
from service.path_json import dump_path, load_path, without_identities

STARTER = Path(__file__).parent / "starter"
CREDIT = {"en": "Selfpath starter library", "vi": "Thư viện khởi đầu Selfpath"}
LICENCE = "CC BY 4.0"


@dataclass(frozen=True)
class Seeded:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


def starter_documents() -> list[dict[str, Any]]:
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(STARTER.glob("*.json"))]


def seed_library(session: Session, now: datetime) -> Seeded:
    """Publish every starter path not yet in the library, and a new release of any whose
    file changed; safe to run again."""
    counts = {"added": 0, "updated": 0, "unchanged": 0}
    for document in starter_documents():
        counts[_seed_one(session, document, now)] += 1
    return Seeded(**counts)


def _seed_one(session: Session, document: dict[str, Any], now: datetime) -> str:
    draft = load_path(document)
    choice = LibraryChoice(licence=LICENCE, credit=CREDIT.get(draft.language, CREDIT["en"]))
    path = session.scalars(select(LearningPath).where(LearningPath.uuid == draft.uuid)).first()
    if path is None:
        version = create_path(session, draft, now=now, tenant_id=None)
        publish_to_library(session, version, choice, now=now)
        return "added"
    entry = session.scalars(select(LibraryEntry).where(LibraryEntry.uuid == path.uuid)).first()
    newest = release_of(session, entry) if entry is not None else None
    if newest is not None and _same(newest.version_id, session, document):
        return "unchanged"
    version = publish(session, path, draft, now=now)
    publish_to_library(session, version, choice, now=now)
    return "updated"


def _same(version_id: int, session: Session, document: dict[str, Any]) -> bool:
    version = session.get(PathVersion, version_id)
    assert version is not None
    return without_identities(dump_path(version)) == without_identities(
        dump_path(load_path(document))
    )
