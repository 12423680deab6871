"""The credit a licence requires, wherever a library path is studied or adapted."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from paths.catalog import LearningPath, PathVersion
from paths.library.models import LibraryEntry, LibraryRelease
from paths.library.publishing import PATH_LICENCES
from paths.version_cache import VersionLike, caches_of, version_key


@dataclass(frozen=True)
class Attribution:
    title: str
    credit: str
    licence: str
    licence_url: str | None
    entry_uuid: str
    adapted: bool  # a course's copy of the library path, rather than the path itself


# A version's lineage is fixed when it is published: a copy names its source at creation.
# (A course path published to the library later shows its credit once the application's
# cache lets go of the version, which does not matter to its own school's learners.)


def attribution_of(session: Session, version: VersionLike) -> Attribution | None:
    """The library release a version is, or the one its path was copied from; None for
    paths that never touched the library."""
    return caches_of(session).attributions.get(
        version_key(version), lambda: _read(session, version.id)
    )


def _read(session: Session, version_id: int) -> Attribution | None:
    source = aliased(LibraryRelease)
    own = aliased(LibraryRelease)
    row = session.execute(
        select(own, source)
        .select_from(PathVersion)
        .join(LearningPath, LearningPath.id == PathVersion.path_id)
        .outerjoin(own, own.version_id == PathVersion.id)
        .outerjoin(source, source.id == LearningPath.derived_from_id)
        .where(PathVersion.id == version_id)
    ).first()
    if row is None or (row[0] is None and row[1] is None):
        return None
    release, adapted = (row[0], False) if row[0] is not None else (row[1], True)
    entry = session.get(LibraryEntry, release.entry_id)
    assert entry is not None
    version = session.get(PathVersion, release.version_id)
    return Attribution(
        title=version.title if version else entry.title,
        credit=release.credit,
        licence=release.licence,
        licence_url=PATH_LICENCES.get(release.licence),
        entry_uuid=entry.uuid,
        adapted=adapted,
    )


def source_entry(session: Session, path_id: int | None) -> LibraryEntry | None:
    """The library entry a course path was copied from, if any."""
    if path_id is None:
        return None
    return session.scalars(
        select(LibraryEntry)
        .join(LibraryRelease, LibraryRelease.entry_id == LibraryEntry.id)
        .join(LearningPath, LearningPath.derived_from_id == LibraryRelease.id)
        .where(LearningPath.id == path_id)
    ).first()
