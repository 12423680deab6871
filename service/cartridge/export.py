"""A path as an IMS Common Cartridge 1.3 (`.imscc`) that Moodle or Canvas can import: one
organisation with the steps in order, each step a web link to its resource (or, without
one, a small HTML page with its instructions), each checkpoint a QTI 1.2 assessment, and
an LTI link back to Selfpath carrying the custom parameters of a deep-linked activity.

Each resource's LOM metadata keeps what the LMS does not need but Selfpath does on the way
back (instructions, kind, minutes, skills, the resource's licence and source)."""

from __future__ import annotations

import html
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from service.cartridge.qti import assessment_xml
from service.cartridge.vocabulary import (
    ASSESSMENT,
    BLTI,
    CP,
    LOM_MANIFEST,
    LOM_RESOURCE,
    LTI_LINK,
    LTI_LINK_NS,
    LTICM,
    LTICP,
    MANIFEST,
    SCHEMA_LOCATION,
    STEP_ID_PREFIX,
    STEP_KIND_VOCABULARY,
    WEB_CONTENT,
    WEB_LINK,
    WEB_LINK_NS,
    XSI,
)
from service.lazy_xml import etree

# Fixed timestamps: the same path gives the same bytes.
_WHEN = (2020, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class LaunchBack:
    """The LTI link that opens the path in Selfpath from the LMS that imports it."""

    url: str
    custom: dict[str, str]


@dataclass(frozen=True)
class Rights:
    """The path's own licence and credit, when it has them (library releases do)."""

    licence: str | None = None
    licence_url: str | None = None
    credit: str | None = None


def write_cartridge(
    document: dict[str, Any], launch: LaunchBack, rights: Rights = Rights()
) -> bytes:
    """The `.imscc` bytes of a `selfpath-path/1` document."""
    files: dict[str, bytes] = {}
    manifest = _manifest(document, rights)
    organisation = etree.SubElement(
        etree.SubElement(
            etree.SubElement(manifest, _cp("organizations")),
            _cp("organization"),
            identifier="organisation",
            structure="rooted-hierarchy",
        ),
        _cp("item"),
        identifier="root",
    )
    resources = etree.SubElement(manifest, _cp("resources"))
    for index, step in enumerate(document["steps"], start=1):
        folder = f"steps/{index:02d}-{step['key']}"
        _item(organisation, STEP_ID_PREFIX + step["key"], f"res-{step['key']}", step["title"])
        resources.append(_step_resource(step, folder, document["language"], files))
    _item(organisation, "selfpath-activity", "selfpath-launch", document["title"])
    files["selfpath/launch.xml"] = _lti_link(document, launch)
    resources.append(_resource("selfpath-launch", LTI_LINK, "selfpath/launch.xml"))
    return _zip({MANIFEST: _bytes(manifest), **files})


def _cp(tag: str) -> str:
    return f"{{{CP}}}{tag}"


def _bytes(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=_WHEN)
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, data)
    return out.getvalue()


def _manifest(document: dict[str, Any], rights: Rights) -> etree._Element:
    manifest = etree.Element(
        _cp("manifest"),
        nsmap={None: CP, "lomimscc": LOM_MANIFEST, "lom": LOM_RESOURCE, "xsi": XSI},
        identifier=f"selfpath-{document.get('uuid') or 'path'}",
    )
    manifest.set(f"{{{XSI}}}schemaLocation", SCHEMA_LOCATION)
    metadata = etree.SubElement(manifest, _cp("metadata"))
    etree.SubElement(metadata, _cp("schema")).text = "IMS Common Cartridge"
    etree.SubElement(metadata, _cp("schemaversion")).text = "1.3.0"
    lom = Lom(
        etree.SubElement(metadata, f"{{{LOM_MANIFEST}}}lom"), LOM_MANIFEST, document["language"]
    )
    general = lom.add(lom.root, "general")
    lom.string(lom.add(general, "title"), document["title"])
    lom.add(general, "language", document["language"])
    if document.get("description"):
        lom.string(lom.add(general, "description"), document["description"])
    if rights.credit:
        lom.contributor(rights.credit, "author")
    if rights.licence:
        lom.rights(" ".join(filter(None, (rights.licence, rights.licence_url))))
    return manifest


class Lom:
    """Writes the few IEEE LOM elements a cartridge's metadata uses."""

    def __init__(self, root: etree._Element, namespace: str, language: str) -> None:
        self.root, self.namespace, self.language = root, namespace, language

    def add(self, parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
        element = etree.SubElement(parent, f"{{{self.namespace}}}{tag}")
        if text is not None:
            element.text = text
        return element

    def string(self, parent: etree._Element, text: str) -> None:
        self.add(parent, "string", text).set("language", self.language)

    def vocabulary(self, parent: etree._Element, source: str, value: str) -> None:
        self.add(parent, "source", source)
        self.add(parent, "value", value)

    def contributor(self, name: str, role: str) -> None:
        contribute = self.add(self.add(self.root, "lifeCycle"), "contribute")
        self.vocabulary(self.add(contribute, "role"), "LOMv1.0", role)
        escaped = name.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
        self.add(contribute, "entity", f"BEGIN:VCARD\nVERSION:3.0\nFN:{escaped}\nEND:VCARD")

    def rights(self, licence: str) -> None:
        rights = self.add(self.root, "rights")
        self.add(self.add(rights, "copyrightAndOtherRestrictions"), "value", "yes")
        self.string(self.add(rights, "description"), licence)


def _item(parent: etree._Element, identifier: str, resource: str, title: str) -> None:
    item = etree.SubElement(parent, _cp("item"), identifier=identifier, identifierref=resource)
    etree.SubElement(item, _cp("title")).text = title


def _resource(identifier: str, kind: str, name: str, *, href: bool = False) -> etree._Element:
    resource = etree.Element(_cp("resource"), identifier=identifier, type=kind)
    if href:
        resource.set("href", name)
    etree.SubElement(resource, _cp("file"), href=name)
    return resource


def _step_resource(
    step: dict[str, Any], folder: str, language: str, files: dict[str, bytes]
) -> etree._Element:
    identifier, resource_url = f"res-{step['key']}", (step.get("resource") or {}).get("url")
    if step["kind"] == "checkpoint":
        name = f"{folder}/assessment.xml"
        files[name] = assessment_xml(
            identifier, step["title"], step["instructions"], step["checkpoint"]["questions"]
        )
        resource = _resource(identifier, ASSESSMENT, name)
    elif resource_url:
        name = f"{folder}/weblink.xml"
        files[name] = _web_link(step["title"], resource_url)
        resource = _resource(identifier, WEB_LINK, name)
    else:
        name = f"{folder}/page.html"
        files[name] = _page(step, language)
        resource = _resource(identifier, WEB_CONTENT, name, href=True)
    resource.insert(0, _step_metadata(step, language))
    return resource


def _step_metadata(step: dict[str, Any], language: str) -> etree._Element:
    metadata = etree.Element(_cp("metadata"))
    lom = Lom(etree.SubElement(metadata, f"{{{LOM_RESOURCE}}}lom"), LOM_RESOURCE, language)
    general = lom.add(lom.root, "general")
    if step["instructions"]:
        lom.string(lom.add(general, "description"), step["instructions"])
    for skill in step["skills"]:
        lom.string(lom.add(general, "keyword"), skill)
    resource = step.get("resource") or {}
    if resource.get("source"):
        lom.contributor(resource["source"], "publisher")
    if resource.get("url"):
        lom.add(lom.add(lom.root, "technical"), "location", resource["url"])
    educational = lom.add(lom.root, "educational")
    lom.vocabulary(lom.add(educational, "learningResourceType"), STEP_KIND_VOCABULARY, step["kind"])
    lom.add(lom.add(educational, "typicalLearningTime"), "duration", f"PT{step['minutes']}M")
    if resource.get("licence"):
        lom.rights(resource["licence"])
    return metadata


def _web_link(title: str, url: str) -> bytes:
    root = etree.Element(f"{{{WEB_LINK_NS}}}webLink", nsmap={None: WEB_LINK_NS})
    etree.SubElement(root, f"{{{WEB_LINK_NS}}}title").text = title
    etree.SubElement(root, f"{{{WEB_LINK_NS}}}url", href=url, target="_blank")
    return _bytes(root)


def _page(step: dict[str, Any], language: str) -> bytes:
    paragraphs = [p for p in step["instructions"].split("\n\n") if p.strip()]
    body = "".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>\n" for p in paragraphs)
    title = html.escape(step["title"])
    return (
        f'<!DOCTYPE html>\n<html lang="{language}">\n<head><meta charset="utf-8">'
        f"<title>{title}</title></head>\n<body>\n<h1>{title}</h1>\n{body}</body>\n"
        "</html>\n"
    ).encode()


def _lti_link(document: dict[str, Any], launch: LaunchBack) -> bytes:
    root = etree.Element(
        f"{{{LTI_LINK_NS}}}cartridge_basiclti_link",
        nsmap={None: LTI_LINK_NS, "blti": BLTI, "lticm": LTICM, "lticp": LTICP},
    )

    def add(
        parent: etree._Element, namespace: str, tag: str, text: str | None = None
    ) -> etree._Element:
        element = etree.SubElement(parent, f"{{{namespace}}}{tag}")
        element.text = text
        return element

    add(root, BLTI, "title", document["title"])
    add(root, BLTI, "description", document.get("description") or document["title"])
    custom = add(root, BLTI, "custom")
    for name, value in launch.custom.items():
        add(custom, LTICM, "property", value).set("name", name)
    add(root, BLTI, "launch_url", launch.url)
    if launch.url.startswith("https://"):
        add(root, BLTI, "secure_launch_url", launch.url)
    vendor = add(root, BLTI, "vendor")
    add(vendor, LTICP, "code", "selfpath")
    add(vendor, LTICP, "name", "Selfpath")
    return _bytes(root)
