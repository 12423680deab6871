"""The readable name of a skill, as learners and teachers see it.

A skill key (`search`, `evaluate-sources`) is an identifier for authors and exports; people
read the label the path gives it (`skills: [{key, label}]` in the path format, frozen in
`PathVersion.skill_labels`). A key without a label is shown humanised ("Evaluate sources"),
never raw when a label exists.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from sqlalchemy.orm import Session

from paths.version_cache import VersionLike, caches_of, version_key


class LabelledVersion(VersionLike, Protocol):
    @property
    def skill_labels(self) -> list[dict[str, str]]: ...


def humanise(key: str) -> str:
    """`evaluate-sources` or `evaluate_sources` → "Evaluate sources"."""
    words = " ".join(key.replace("_", " ").replace("-", " ").split())
    return words[:1].upper() + words[1:] if words else key


class SkillNames(dict[str, str]):
    """Labels by skill key; a key without one reads as its humanised form."""

    def __missing__(self, key: str) -> str:
        return humanise(key)

    def join(self, keys: Iterable[str], separator: str = ", ") -> str:
        return separator.join(self[k] for k in keys)


def names_from(labels: Iterable[Mapping[str, str]]) -> SkillNames:
    return SkillNames(
        {item["key"]: item["label"] for item in labels if item.get("key") and item.get("label")}
    )


def skill_names(session: Session, version: LabelledVersion) -> SkillNames:
    """The skill labels of a published version, built once per application."""
    return caches_of(session).skill_names.get(
        version_key(version), lambda: names_from(version.skill_labels or [])
    )
