"""The library's sets: by language (`language:vi`, `language:en`) and by subject
(`subject:<code>`). A colon makes a hierarchy, so `language` and `subject` are sets too,
holding every entry with a language or a subject."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import force_locale

from paths.catalog import SUBJECTS
from paths.library.models import LibraryEntry
from service.lazy_xml import etree
from service.library.finder import LANGUAGE_NAMES, SUBJECT_NAMES
from service.oai.metadata import DC, oai_dc_root
from service.oai.protocol import OaiError, oai, sub

# The languages' names in English and in Vietnamese (the finder names each in itself).
LANGUAGE_SET_NAMES = {
    "en": {"en": "English", "vi": "Tiếng Anh"},
    "vi": {"en": "Vietnamese", "vi": "Tiếng Việt"},
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class LibrarySet:
    spec: str
    names: dict[str, str]  # the set's name in English and Vietnamese
    languages: frozenset[str] | None = None
    subjects: frozenset[str] | None = None


def library_sets() -> list[LibrarySet]:
    sets = [
        LibrarySet(
            "language",
            {"en": "By language", "vi": "Theo ngôn ngữ"},
            languages=frozenset(LANGUAGE_NAMES),
        )
    ]
    sets += [
        LibrarySet(f"language:{code}", LANGUAGE_SET_NAMES[code], languages=frozenset({code}))
        for code in LANGUAGE_NAMES
    ]
    sets.append(
        LibrarySet(
            "subject", {"en": "By subject", "vi": "Theo môn học"}, subjects=frozenset(SUBJECTS)
        )
    )
    sets += [
        LibrarySet(f"subject:{code}", _both_languages(code), subjects=frozenset({code}))
        for code in SUBJECTS
    ]
    return sets


def _both_languages(subject: str) -> dict[str, str]:
    names = {}
    for language in ("en", "vi"):
        with force_locale(language):
            names[language] = str(SUBJECT_NAMES[subject])
    return names


def library_set(spec: str) -> LibrarySet:
    """The set named `spec`; a set the library does not have matches no records."""
    for found in library_sets():
        if found.spec == spec:
            return found
    raise OaiError("noRecordsMatch", "The library has no set with that setSpec.")


def sets_of(entry: LibraryEntry) -> list[str]:
    """The setSpecs of every set the entry is in."""
    specs = []
    if entry.language in LANGUAGE_NAMES:
        specs += ["language", f"language:{entry.language}"]
    if entry.subject in SUBJECTS:
        specs += ["subject", f"subject:{entry.subject}"]
    return specs


def set_element(parent: etree._Element, found: LibrarySet) -> None:
    element = sub(parent, oai("set"))
    sub(element, oai("setSpec"), found.spec)
    sub(element, oai("setName"), found.names["en"])
    description = oai_dc_root(sub(element, oai("setDescription")))
    for language, name in found.names.items():
        sub(description, f"{{{DC}}}title", name, **{XML_LANG: language})
