"""A Common Cartridge (1.0 to 1.3: a Moodle or Canvas course export, an OER package) read
as a `selfpath-path/1` document: the organisation's items in order become steps, web links
and web pages become reading steps, QTI multiple-choice and short-answer items become
checkpoint questions, and the manifest's LOM metadata gives title, language and licence.

LTI links are left out (a path cannot launch another tool; the one Selfpath exports is
the activity itself) and named in the result; any other kind of item is refused."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any

from paths.drafts import new_key
from service.cartridge.metadata import ResourceMetadata, first, lom_string, text_of
from service.cartridge.package import LIMITS, CartridgeError, Package, PackageLimits, member_name
from service.cartridge.qti import read_instructions, read_questions
from service.cartridge.vocabulary import MANIFEST, STEP_ID_PREFIX, kind_of_resource
from service.lazy_xml import etree
from service.lazy_xml import html as lxml_html
from service.path_json import KEY_PATTERN, step_problems

MAX_STEPS = 1000
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_BLOCKS = (
    "//body//*[self::p or self::li or self::h2 or self::h3 or self::h4 or self::pre "
    "or self::blockquote or self::td or self::dd]"
)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class ImportedCartridge:
    document: dict[str, Any]
    licence: str | None  # the cartridge's own licence, for the teacher to keep in mind
    left_out: tuple[str, ...]  # titles of the LTI links that are not steps


@dataclass(frozen=True)
class _Entry:
    """An item of the organisation with the resource it refers to."""

    identifier: str
    title: str
    resource: etree._Element
    base: str


def read_cartridge(
    raw: bytes, *, language: str = "en", limits: PackageLimits = LIMITS
) -> ImportedCartridge:
    """The path a cartridge describes; a CartridgeError names the part that is wrong."""
    package = Package(raw, limits)
    if MANIFEST not in package.names():
        raise CartridgeError(
            MANIFEST, "it is missing from the top of the package: this is not a Common Cartridge"
        )
    manifest = package.xml(MANIFEST, needed_by="the package")
    _check_manifest(manifest)
    steps: list[dict[str, Any]] = []
    left_out: list[str] = []
    for entry in _entries(manifest):
        step = _step(package, entry, {s["key"] for s in steps})
        if step is None:
            left_out.append(entry.title)
        else:
            steps.append(step)
    general = first(manifest, "metadata", "lom", "general")
    document = {
        "format": "selfpath-path/1",
        "title": _path_title(general),
        "description": lom_string(general, "description")[:5000],
        "language": _language(general, language),
        "steps": steps,
    }
    return ImportedCartridge(
        document,
        lom_string(first(manifest, "metadata", "lom", "rights"), "description") or None,
        tuple(left_out),
    )


def _check_manifest(manifest: etree._Element) -> None:
    name = etree.QName(manifest).localname
    if name != "manifest":
        raise CartridgeError(MANIFEST, f"its root element is <{name}>, not <manifest>")
    schema = text_of(first(manifest, "metadata", "schema"))
    if schema and "common cartridge" not in schema.lower():
        raise CartridgeError(
            MANIFEST, f"it describes a package of {schema!r}, not an IMS Common Cartridge"
        )


def _entries(manifest: etree._Element) -> list[_Entry]:
    organisation = first(manifest, "organizations", "organization")
    if organisation is None:
        raise CartridgeError(MANIFEST, "it has no organisation (the order of the items)")
    resources = first(manifest, "resources")
    base = resources.get(XML_BASE, "") if resources is not None else ""
    by_id = {
        r.get("identifier"): r
        for r in (resources.iterchildren("{*}resource") if resources is not None else ())
    }
    entries = [
        _entry(item, by_id, base)
        for item in organisation.iter("{*}item")
        if item.get("identifierref")
    ]
    if not entries:
        raise CartridgeError(MANIFEST, "its organisation lists no items")
    if len(entries) > MAX_STEPS:
        raise CartridgeError(MANIFEST, f"it lists more than {MAX_STEPS} items")
    return entries


def _entry(item: etree._Element, by_id: dict[Any, etree._Element], base: str) -> _Entry:
    reference = item.get("identifierref", "")
    resource = by_id.get(reference)
    if resource is None:
        raise CartridgeError(
            MANIFEST,
            f"item {item.get('identifier')!r} refers to resource "
            f"{reference!r}, which the manifest does not list",
        )
    title = _SPACE.sub(" ", text_of(first(item, "title"))).strip()
    return _Entry(
        item.get("identifier", ""),
        title,
        resource,
        posixpath.join(base, resource.get(XML_BASE, "")),
    )


def _step(package: Package, entry: _Entry, taken: set[str]) -> dict[str, Any] | None:
    resource_type = entry.resource.get("type", "")
    kind = kind_of_resource(resource_type)
    where = f"{MANIFEST} resource {entry.resource.get('identifier')!r}"
    if kind is None:
        raise CartridgeError(
            where,
            f"items of type {resource_type!r} cannot be imported "
            "(Selfpath imports web links, web pages, QTI quizzes and LTI "
            "links)",
        )
    if kind == "lti_link":
        return None
    name = member_name(_main_file(entry.resource, where), entry.base, where)
    metadata = ResourceMetadata.of(entry.resource)
    step = {"web_link": _web_link_step, "page": _page_step, "assessment": _assessment_step}[kind](
        package, name, where, metadata
    )
    step["title"] = (entry.title or step.pop("fallback_title", "") or name)[:200]
    step.pop("fallback_title", None)
    step["key"] = _key(entry.identifier, step["title"], taken)
    problems = step_problems(step)
    if problems:
        raise CartridgeError(name, "; ".join(problems))
    return step


def _main_file(resource: etree._Element, where: str) -> str:
    href = resource.get("href")
    if not href:
        file = resource.find("{*}file")
        href = file.get("href") if file is not None else None
    if not href:
        raise CartridgeError(where, "it names no file")
    return href


def _web_link_step(
    package: Package, name: str, where: str, metadata: ResourceMetadata
) -> dict[str, Any]:
    root = package.xml(name, needed_by=where)
    link = first(root, "url")
    url = (link.get("href") or "").strip() if link is not None else ""
    if not re.match(r"^https?://", url, re.IGNORECASE):
        raise CartridgeError(
            name, f"the web link's address {url[:200]!r} is not an http or https address"
        )
    return metadata.step("read", url=url) | {"fallback_title": text_of(first(root, "title"))}


def _page_step(
    package: Package, name: str, where: str, metadata: ResourceMetadata
) -> dict[str, Any]:
    if not name.lower().endswith((".html", ".htm")):
        raise CartridgeError(
            name,
            "only web pages (HTML) become steps; other files of web content cannot be imported",
        )
    title, text = _page_text(package.read(name, needed_by=where), name)
    step = metadata.step("read", url=metadata.location)
    step["instructions"] = step["instructions"] or text[:10000]
    return step | {"fallback_title": title}


def _page_text(data: bytes, name: str) -> tuple[str, str]:
    parser = lxml_html.HTMLParser(
        no_network=True, remove_comments=True, remove_pis=True, huge_tree=False
    )
    try:
        page = lxml_html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise CartridgeError(name, "the web page cannot be read") from error
    for hidden in page.xpath("//script|//style|//head"):
        hidden.drop_tree()
    blocks = [_SPACE.sub(" ", b.text_content()).strip() for b in page.xpath(_BLOCKS)]
    heading = page.xpath("//h1")
    title = _SPACE.sub(" ", heading[0].text_content()).strip() if heading else ""
    text = "\n\n".join(b for b in blocks if b) or _SPACE.sub(" ", page.text_content()).strip()
    return title, text


def _assessment_step(
    package: Package, name: str, where: str, metadata: ResourceMetadata
) -> dict[str, Any]:
    root = package.xml(name, needed_by=where)
    questions = read_questions(root, name)
    step = metadata.step("checkpoint", url=metadata.location)
    step["instructions"] = step["instructions"] or read_instructions(root)[:10000]
    assessment = first(root, "assessment")
    title = assessment.get("title", "") if assessment is not None else ""
    return step | {
        "checkpoint": {"threshold": None, "questions": questions},
        "fallback_title": title,
    }


def _key(identifier: str, title: str, taken: set[str]) -> str:
    """The key a Selfpath export wrote into the item's identifier, else one from the title."""
    key = identifier[len(STEP_ID_PREFIX) :] if identifier.startswith(STEP_ID_PREFIX) else ""
    if key and KEY_PATTERN.match(key) and key not in taken:
        return key
    return new_key(title, taken)


def _path_title(general: etree._Element | None) -> str:
    title = _SPACE.sub(" ", lom_string(general, "title")).strip()
    if not title:
        raise CartridgeError(
            MANIFEST, "its metadata gives the cartridge no title (lom/general/title)"
        )
    return title[:200]


def _language(general: etree._Element | None, fallback: str) -> str:
    code = text_of(first(general, "language")).lower()[:2] if general is not None else ""
    return code if code in ("en", "vi") else fallback
