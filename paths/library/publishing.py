"""Publishing a path version to the open library, and what its author and the Selfpath
admins may do with the entry afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paths.catalog import LearningPath, PathVersion, Step
from paths.errors import Conflict, DomainError, NotFound
from paths.library.models import (
    LISTED,
    UNLISTED,
    WITHDRAWN,
    LibraryEntry,
    LibraryRelease,
    LibraryReport,
)
from paths.library.normalise import searchable
from paths.skill_names import humanise

# The licences a path's own text may carry in the library, with their legal code.
PATH_LICENCES = {
    "CC BY 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "CC BY-SA 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "CC0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
}
# Resources may carry any open licence (no NonCommercial or NoDerivatives clause).
OPEN_RESOURCE_LICENCES = frozenset(
    {
        *PATH_LICENCES,
        "CC BY 3.0",
        "CC BY-SA 3.0",
        "CC BY 2.0",
        "CC BY-SA 2.0",
        "CC0",
        "Public domain",
        "GFDL",
        "MIT",
        "Apache 2.0",
        "OGL 3.0",
    }
)
# The legal code of the licences resources usually carry, for machine-readable metadata.
RESOURCE_LICENCE_URLS = {
    **PATH_LICENCES,
    "CC0": PATH_LICENCES["CC0 1.0"],
    "CC BY 3.0": "https://creativecommons.org/licenses/by/3.0/",
    "CC BY-SA 3.0": "https://creativecommons.org/licenses/by-sa/3.0/",
    "CC BY 2.0": "https://creativecommons.org/licenses/by/2.0/",
    "CC BY-SA 2.0": "https://creativecommons.org/licenses/by-sa/2.0/",
    "Public domain": "https://creativecommons.org/publicdomain/mark/1.0/",
}
CREDIT_KINDS = ("name", "school", "teacher_at")
_TEACHER_AT = {"en": "A teacher at {school}", "vi": "Một giáo viên tại {school}"}
MAX_REPORT_CHARS = 1000


@dataclass(frozen=True)
class LibraryChoice:
    """What the author chose on the publishing form."""

    licence: str
    credit: str
    subject: str | None = None
    level: str | None = None


def credit_line(kind: str, *, name: str | None, school: str | None, language: str) -> str:
    """How the author is credited: their name, their school, or "a teacher at <school>"."""
    school = (school or "").strip() or None
    name = (name or "").strip() or None
    if kind == "name" and name:
        return name[:200]
    if kind == "school" and school:
        return school[:200]
    if kind == "teacher_at" and school:
        return _TEACHER_AT.get(language, _TEACHER_AT["en"]).format(school=school)[:200]
    raise DomainError(
        "Choose how you are credited: your name, your school, or “a teacher at” your school.",
        code="credit_required",
    )


def closed_resources(version: PathVersion) -> list[Step]:
    """Steps whose resource does not state an open licence: flagged before publishing."""
    return [
        s
        for s in version.steps
        if s.resource_url and (s.resource_licence or "").strip() not in OPEN_RESOURCE_LICENCES
    ]


def publish_to_library(
    session: Session, version: PathVersion, choice: LibraryChoice, *, now: datetime
) -> LibraryRelease:
    """The version as the library's newest release of its path (the entry is created on
    the first one); refuse what the library cannot offer, changing nothing."""
    _check_publishable(version, choice)
    path = version.path
    entry = session.scalars(select(LibraryEntry).where(LibraryEntry.uuid == path.uuid)).first()
    if entry is None:
        entry = LibraryEntry(
            uuid=path.uuid,
            path_id=path.id,
            status=LISTED,
            created_at=now,
            title=version.title,
            language=version.language,
            licence=choice.licence,
            credit=choice.credit,
        )
        session.add(entry)
        session.flush()
    elif (
        session.scalar(select(LibraryRelease.id).where(LibraryRelease.version_id == version.id))
        is not None
    ):
        raise Conflict("This version is already in the library.", code="already_published")
    elif entry.status == WITHDRAWN:
        entry.status = LISTED  # its author offers it again; an admin's unlisting stays
    release = _release(session, entry, version, choice, now)
    describe(entry, version, release, choice)
    entry.updated_at = now
    session.flush()
    return release


def _check_publishable(version: PathVersion, choice: LibraryChoice) -> None:
    if choice.licence not in PATH_LICENCES:
        raise DomainError(
            "Choose the licence of your path's text: CC BY 4.0, CC BY-SA 4.0 or CC0.",
            code="licence_required",
        )
    if not version.steps:
        raise DomainError(
            "An empty path cannot be published to the library: add steps first.", code="empty_path"
        )
    for step in version.steps:
        if step.resource_url and urlsplit(step.resource_url).scheme not in ("http", "https"):
            raise DomainError(
                f"The resource of “{step.title}” is not a web address (http or https).",
                code="resource_not_web",
            )


def _release(
    session: Session,
    entry: LibraryEntry,
    version: PathVersion,
    choice: LibraryChoice,
    now: datetime,
) -> LibraryRelease:
    number = (
        session.scalar(
            select(func.max(LibraryRelease.number)).where(LibraryRelease.entry_id == entry.id)
        )
        or 0
    ) + 1
    release = LibraryRelease(
        entry_id=entry.id,
        number=number,
        version_id=version.id,
        licence=choice.licence,
        credit=choice.credit,
        minutes=sum(s.minutes for s in version.steps),
        step_count=len(version.steps),
        checkpoint_count=sum(s.is_checkpoint for s in version.steps),
        question_count=sum(len(s.questions) for s in version.steps),
        skills=skill_labels(version),
        published_at=now,
    )
    session.add(release)
    return release


def skill_labels(version: PathVersion) -> list[dict[str, str]]:
    """Every skill the version teaches, with its readable name (its key humanised when it
    has none)."""
    named = {s["key"]: s["label"] for s in version.skill_labels or []}
    keys = dict.fromkeys([*named, *(k for step in version.steps for k in step.skills)])
    return [{"key": k, "label": named.get(k) or humanise(k)} for k in keys]


def describe(
    entry: LibraryEntry, version: PathVersion, release: LibraryRelease, choice: LibraryChoice
) -> None:
    """The entry shows its newest release."""
    entry.title, entry.description = version.title, version.description
    entry.language = version.language
    entry.subject = choice.subject or version.subject
    entry.level = choice.level or version.level
    entry.licence, entry.credit = release.licence, release.credit
    entry.minutes, entry.step_count = release.minutes, release.step_count
    entry.checkpoint_count, entry.skills = release.checkpoint_count, release.skills
    entry.search_text = searchable(
        " ".join(
            [
                version.title,
                version.description,
                *(s["label"] for s in release.skills),
                *(s.title for s in version.steps),
            ]
        )
    )


def entry_of_school(session: Session, uuid: str, tenant_id: int) -> LibraryEntry:
    """An entry published from one of the school's paths; any other is not found."""
    entry = session.scalars(
        select(LibraryEntry)
        .join(LearningPath, LearningPath.id == LibraryEntry.path_id)
        .where(LibraryEntry.uuid == uuid, LearningPath.tenant_id == tenant_id)
    ).first()
    if entry is None:
        raise NotFound("That library entry is not one of your school's.", code="entry_not_found")
    return entry


def listed_entry(session: Session, uuid: str) -> LibraryEntry:
    entry = session.scalars(
        select(LibraryEntry).where(LibraryEntry.uuid == uuid, LibraryEntry.status == LISTED)
    ).first()
    if entry is None:
        raise NotFound(
            "That library entry does not exist or is no longer offered.", code="entry_not_found"
        )
    return entry


def release_of(session: Session, entry: LibraryEntry, number: int | None = None) -> LibraryRelease:
    """The entry's release `number`, or its newest."""
    query = select(LibraryRelease).where(LibraryRelease.entry_id == entry.id)
    query = (
        query.where(LibraryRelease.number == number)
        if number is not None
        else query.order_by(LibraryRelease.number.desc())
    )
    release = session.scalars(query.limit(1)).first()
    if release is None:
        raise NotFound("That release is not in the library.", code="release_not_found")
    return release


def withdraw(entry: LibraryEntry, now: datetime) -> None:
    """Its author takes it back: no longer offered; activities using it keep their version."""
    entry.status, entry.updated_at = WITHDRAWN, now


def unlist(entry: LibraryEntry, now: datetime) -> None:
    entry.status, entry.updated_at = UNLISTED, now


def restore(entry: LibraryEntry, now: datetime) -> None:
    if entry.status == UNLISTED:
        entry.status, entry.updated_at = LISTED, now


def report(
    session: Session, entry: LibraryEntry, reason: str, *, user_id: int | None, now: datetime
) -> LibraryReport:
    reason = reason.strip()
    if not reason:
        raise DomainError("Say what is wrong with this entry.", code="reason_required")
    row = LibraryReport(
        entry_id=entry.id, reason=reason[:MAX_REPORT_CHARS], reported_by=user_id, created_at=now
    )
    session.add(row)
    return row


def adaptation_count(session: Session, entry: LibraryEntry) -> int:
    """How many course paths were copied from any of the entry's releases."""
    return int(
        session.scalar(
            select(func.count(LearningPath.id))
            .join(LibraryRelease, LibraryRelease.id == LearningPath.derived_from_id)
            .where(LibraryRelease.entry_id == entry.id)
        )
        or 0
    )
