"""A library entry as a harvester's record: unqualified Dublin Core (`oai_dc`) and IEEE
LOM in its XML binding (`lom`). Both give the entry's public page as its identifier, its
licence's URL as its rights, and its language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import force_locale

from paths.catalog import SUBJECTS
from paths.library.models import LibraryEntry
from paths.library.publishing import PATH_LICENCES
from service.lazy_xml import etree
from service.library.finder import SUBJECT_NAMES
from service.oai.protocol import XSI, sub

OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
LOM = "http://ltsc.ieee.org/xsd/LOM"
PUBLISHER = "Selfpath open library"
# LOMv1.0's educational contexts and the ages each of Vietnam's levels usually spans.
LOM_CONTEXTS = {
    "primary": ("school", "6-10"),
    "lower-secondary": ("school", "11-14"),
    "upper-secondary": ("school", "15-17"),
    "adult": ("other", "18-"),
}


@dataclass(frozen=True)
class Described:
    """What a record says about an entry beyond its own columns."""

    entry: LibraryEntry
    page_url: str  # its public page


@dataclass(frozen=True)
class MetadataFormat:
    prefix: str
    schema: str
    namespace: str
    write: Callable[[etree._Element, Described], None]


def oai_dc_root(parent: etree._Element) -> etree._Element:
    root = etree.SubElement(
        parent, f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI}
    )
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    return root


def write_oai_dc(parent: etree._Element, described: Described) -> None:
    entry = described.entry
    root = oai_dc_root(parent)
    values = [
        ("title", entry.title),
        ("creator", entry.credit),
        *(("subject", s) for s in _subjects(entry)),
        ("description", entry.description),
        ("publisher", PUBLISHER),
        ("date", entry.updated_at.date().isoformat()),
        ("type", "InteractiveResource"),
        ("format", "text/html"),
        ("identifier", described.page_url),
        ("language", entry.language),
        ("rights", licence_url(entry)),
    ]
    for name, value in values:
        if value:
            sub(root, f"{{{DC}}}{name}", value)


def _subjects(entry: LibraryEntry) -> list[str]:
    """The subject's English name, then the names of the skills the path teaches."""
    subjects = []
    if entry.subject in SUBJECTS:
        with force_locale("en"):
            subjects.append(str(SUBJECT_NAMES[entry.subject]))
    return subjects + [s.get("label") or s.get("key", "") for s in entry.skills or []]


def licence_url(entry: LibraryEntry) -> str:
    return PATH_LICENCES.get(entry.licence, "")


def write_lom(parent: etree._Element, described: Described) -> None:
    entry = described.entry
    root = etree.SubElement(parent, f"{{{LOM}}}lom", nsmap={None: LOM, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{LOM} http://ltsc.ieee.org/xsd/lomv1.0/lom.xsd")
    _general(_lom(root, "general"), entry, described.page_url)
    _life_cycle(_lom(root, "lifeCycle"), entry)
    technical = _lom(root, "technical")
    _lom(technical, "format", "text/html")
    _lom(technical, "location", described.page_url)
    _educational(_lom(root, "educational"), entry)
    _rights(_lom(root, "rights"), entry)
    _classification(root, entry)


def _lom(parent: etree._Element, tag: str, text: object = None) -> etree._Element:
    return sub(parent, f"{{{LOM}}}{tag}", text)


def _lang_string(parent: etree._Element, tag: str, text: str, language: str) -> None:
    sub(_lom(parent, tag), f"{{{LOM}}}string", text, language=language)


def _vocabulary(parent: etree._Element, tag: str, value: str) -> None:
    element = _lom(parent, tag)
    _lom(element, "source", "LOMv1.0")
    _lom(element, "value", value)


def _general(general: etree._Element, entry: LibraryEntry, page_url: str) -> None:
    identifier = _lom(general, "identifier")
    _lom(identifier, "catalog", "URI")
    _lom(identifier, "entry", page_url)
    _lang_string(general, "title", entry.title, entry.language)
    _lom(general, "language", entry.language)
    if entry.description:
        _lang_string(general, "description", entry.description, entry.language)
    for skill in entry.skills or []:
        _lang_string(general, "keyword", skill.get("label") or skill.get("key", ""), entry.language)


def _life_cycle(life_cycle: etree._Element, entry: LibraryEntry) -> None:
    contribute = _lom(life_cycle, "contribute")
    _vocabulary(contribute, "role", "author")
    _lom(contribute, "entity", vcard(entry.credit))
    date = _lom(contribute, "date")
    _lom(date, "dateTime", entry.created_at.date().isoformat())


def vcard(name: str) -> str:
    """The author's credit as the vCard LOM asks for (commas and semicolons escaped)."""
    escaped = name.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    escaped = " ".join(escaped.split())
    return f"BEGIN:VCARD\nVERSION:3.0\nFN:{escaped}\nN:{escaped}\nEND:VCARD"


def _educational(educational: etree._Element, entry: LibraryEntry) -> None:
    _vocabulary(educational, "interactivityType", "active")
    _vocabulary(educational, "intendedEndUserRole", "learner")
    if entry.level in LOM_CONTEXTS:
        context, ages = LOM_CONTEXTS[entry.level]
        _vocabulary(educational, "context", context)
        _lang_string(educational, "typicalAgeRange", ages, "en")
    learning_time = _lom(educational, "typicalLearningTime")
    _lom(learning_time, "duration", iso_duration(entry.minutes))
    _lom(educational, "language", entry.language)


def iso_duration(minutes: int) -> str:
    """Minutes as an ISO 8601 duration: 90 → PT1H30M, 0 → PT0M."""
    hours, rest = divmod(max(minutes or 0, 0), 60)
    return "PT" + (f"{hours}H" if hours else "") + (f"{rest}M" if rest or not hours else "")


def _rights(rights: etree._Element, entry: LibraryEntry) -> None:
    _vocabulary(rights, "cost", "no")
    _vocabulary(rights, "copyrightAndOtherRestrictions", "yes")
    _lang_string(rights, "description", licence_url(entry) or entry.licence, "en")


def _classification(root: etree._Element, entry: LibraryEntry) -> None:
    """The subject as a discipline in Selfpath's list of subjects."""
    if entry.subject not in SUBJECTS:
        return
    classification = _lom(root, "classification")
    _vocabulary(classification, "purpose", "discipline")
    path = _lom(classification, "taxonPath")
    _lang_string(path, "source", "Selfpath subjects", "en")
    taxon = _lom(path, "taxon")
    _lom(taxon, "id", entry.subject)
    with force_locale("en"):
        _lang_string(taxon, "entry", str(SUBJECT_NAMES[entry.subject]), "en")


FORMATS = {
    "oai_dc": MetadataFormat(
        "oai_dc", "http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC, write_oai_dc
    ),
    "lom": MetadataFormat("lom", "http://ltsc.ieee.org/xsd/lomv1.0/lom.xsd", LOM, write_lom),
}
