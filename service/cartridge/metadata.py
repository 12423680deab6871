"""Reading the IEEE LOM metadata of a cartridge's manifest and resources, and walking
its XML by local names: cartridges 1.0 to 1.3 use different namespaces for the same
elements."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from paths.catalog import STEP_KINDS
from service.cartridge.vocabulary import STEP_KIND_VOCABULARY
from service.lazy_xml import etree

_DURATION = re.compile(r"^PT(?:(\d{1,4})H)?(?:(\d{1,5})M)?(?:\d+(?:\.\d+)?S)?$")
_FN = re.compile(r"^FN:(.*)$", re.MULTILINE)
DEFAULT_MINUTES = 10


def first(element: etree._Element | None, *path: str) -> etree._Element | None:
    """The first child named `path[0]`, then its first child named `path[1]`, and so on."""
    for tag in path:
        if element is None:
            return None
        element = element.find(f"{{*}}{tag}")
    return element


def text_of(element: etree._Element | None) -> str:
    return "".join(element.itertext()).strip() if element is not None else ""


def lom_string(parent: etree._Element | None, tag: str) -> str:
    """The text of a LOM langstring (`<title><string language="en">…</string></title>`)."""
    holder = first(parent, tag)
    return text_of(first(holder, "string")) or text_of(holder)


def _vcard_name(entity: str) -> str:
    found = _FN.search(entity.replace("\r\n", "\n"))
    name = found.group(1).strip() if found else entity.strip()
    return name.replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")


@dataclass(frozen=True)
class ResourceMetadata:
    """What a resource's LOM says about its step; empty for cartridges without it."""

    instructions: str = ""
    skills: tuple[str, ...] = ()
    source: str | None = None
    location: str | None = None
    kind: str | None = None
    minutes: int = DEFAULT_MINUTES
    licence: str | None = None

    @classmethod
    def of(cls, resource: etree._Element) -> ResourceMetadata:
        lom = first(resource, "metadata", "lom")
        if lom is None:
            return cls()
        general = first(lom, "general")
        keywords = general.iterchildren("{*}keyword") if general is not None else ()
        location = text_of(first(lom, "technical", "location"))
        return cls(
            instructions=lom_string(general, "description"),
            skills=tuple(s for s in (lom_string(k, "string") or text_of(k) for k in keywords) if s),
            source=_publisher(lom),
            kind=_kind(lom),
            minutes=_minutes(lom),
            location=location if re.match(r"^https?://", location) else None,
            licence=lom_string(first(lom, "rights"), "description") or None,
        )

    def step(self, default_kind: str, *, url: str | None) -> dict[str, Any]:
        """A step in `selfpath-path/1` form, without its key and title."""
        kind = default_kind
        if default_kind != "checkpoint" and self.kind in STEP_KINDS and self.kind != "checkpoint":
            kind = self.kind
        step: dict[str, Any] = {
            "kind": kind,
            "instructions": self.instructions[:10000],
            "minutes": self.minutes,
            "skills": list(self.skills),
            "optional": False,
            "prerequisites": [],
        }
        if url:
            step["resource"] = {
                "url": url,
                "licence": self.licence,
                "source": self.source,
                "framable": False,
            }
        return step


def _publisher(lom: etree._Element) -> str | None:
    life_cycle = first(lom, "lifeCycle")
    for contribute in life_cycle.iterchildren("{*}contribute") if life_cycle is not None else ():
        if text_of(first(contribute, "role", "value")) == "publisher":
            return _vcard_name(text_of(first(contribute, "entity")))[:200] or None
    return None


def _kind(lom: etree._Element) -> str | None:
    resource_type = first(lom, "educational", "learningResourceType")
    if text_of(first(resource_type, "source")) == STEP_KIND_VOCABULARY:
        return text_of(first(resource_type, "value"))
    return None


def _minutes(lom: etree._Element) -> int:
    found = _DURATION.match(text_of(first(lom, "educational", "typicalLearningTime", "duration")))
    if not found or not any(found.groups()):
        return DEFAULT_MINUTES
    return min(int(found.group(1) or 0) * 60 + int(found.group(2) or 0), 600)
