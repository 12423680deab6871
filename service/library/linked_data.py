"""An entry's description in schema.org / LRMI terms, as JSON-LD for its public page, so
that search engines and OER aggregators read what it teaches, for whom, under which
licence, and what it is made of."""

from __future__ import annotations

from typing import Any

from paths.catalog import PathVersion, Step
from paths.library.models import LibraryEntry, LibraryRelease
from paths.library.publishing import RESOURCE_LICENCE_URLS

# The schema.org vocabulary, written out so the document expands without fetching
# https://schema.org's context; values that are addresses are typed as such.
CONTEXT: dict[str, Any] = {
    "@vocab": "https://schema.org/",
    **{name: {"@type": "@id"} for name in ("license", "url", "isBasedOn", "sameAs", "targetUrl")},
}
LEVEL_NAMES = {
    "primary": "Primary school",
    "lower-secondary": "Lower secondary school",
    "upper-secondary": "Upper secondary school",
    "adult": "Adult education",
}
STEP_TYPES = {
    "read": "Reading",
    "watch": "Video",
    "practice": "Practice",
    "checkpoint": "Quiz",
    "reflect": "Reflection",
    "external": "Activity",
}


def duration(minutes: int) -> str:
    """Minutes as an ISO 8601 duration (`PT2H30M`)."""
    hours, rest = divmod(max(minutes, 0), 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{rest}M" if rest or not hours else "")


def learning_resource(
    entry: LibraryEntry,
    release: LibraryRelease,
    version: PathVersion,
    *,
    page_url: str,
    based_on: str | None = None,
    alignments: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The entry as a LearningResource and Course, with its steps as its parts."""
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": ["LearningResource", "Course"],
        "@id": page_url,
        "url": page_url,
        "identifier": entry.uuid,
        "name": version.title,
        "description": version.description,
        "inLanguage": version.language,
        "license": RESOURCE_LICENCE_URLS.get(release.licence, release.licence),
        "creator": {"@type": "Organization", "name": release.credit},
        "author": {"@type": "Organization", "name": release.credit},
        "datePublished": release.published_at.date().isoformat(),
        "version": str(release.number),
        "timeRequired": duration(release.minutes),
        "isAccessibleForFree": True,
        "learningResourceType": "Self-study path",
        "teaches": [s["label"] for s in release.skills],
        "hasPart": [_part(step) for step in version.steps],
    }
    if entry.level:
        document["educationalLevel"] = LEVEL_NAMES.get(entry.level, entry.level)
    if entry.subject:
        document["about"] = entry.subject
    if based_on:
        document["isBasedOn"] = based_on
    if alignments:  # the competencies of a framework (CASE) the path is aligned to
        document["educationalAlignment"] = alignments
    return document


def _part(step: Step) -> dict[str, Any]:
    part: dict[str, Any] = {
        "@type": "LearningResource",
        "position": step.position + 1,
        "name": step.title,
        "learningResourceType": STEP_TYPES.get(step.kind, step.kind),
        "timeRequired": duration(step.minutes),
    }
    if step.resource_url:
        part["url"] = step.resource_url
        if step.resource_licence:
            part["license"] = RESOURCE_LICENCE_URLS.get(
                step.resource_licence, step.resource_licence
            )
        if step.resource_source:
            part["publisher"] = {"@type": "Organization", "name": step.resource_source}
    if step.is_checkpoint:
        part["educationalUse"] = "assessment"
    return part
