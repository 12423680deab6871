"""The OAI-PMH response envelope: its root, the echo of the request, errors, and the
record header, built with lxml (never by joining strings)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime

from service.lazy_xml import etree

OAI = "http://www.openarchives.org/OAI/2.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
DATESTAMP = "%Y-%m-%dT%H:%M:%SZ"
# The errors whose request element carries no attributes: the arguments were not understood.
UNECHOED = frozenset({"badVerb", "badArgument"})
# Characters XML 1.0 cannot hold (most control characters, unpaired surrogates, U+FFFE/F).
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


class OaiError(Exception):
    """A protocol error: answered with HTTP 200 and the OAI error element."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def oai(tag: str) -> str:
    return f"{{{OAI}}}{tag}"


def datestamp(moment: datetime) -> str:
    """A UTC datestamp at the repository's granularity, seconds."""
    return moment.astimezone(UTC).strftime(DATESTAMP)


def xml_text(value: object) -> str:
    """Text as XML can carry it: characters XML forbids are dropped."""
    return NOT_XML.sub("", str(value))


def sub(parent: etree._Element, tag: str, text: object = None, **attributes: str) -> etree._Element:
    """A child element; `text` None leaves it empty."""
    element = etree.SubElement(parent, tag, {k: xml_text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def envelope(base_url: str, now: datetime, arguments: Mapping[str, str] | None) -> etree._Element:
    """The `OAI-PMH` root with its responseDate and request; `arguments` None echoes none."""
    root = etree.Element(oai("OAI-PMH"), nsmap={None: OAI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI} {OAI_SCHEMA}")
    sub(root, oai("responseDate"), datestamp(now))
    sub(root, oai("request"), base_url, **dict(arguments or {}))
    return root


def error_document(
    base_url: str, now: datetime, arguments: Mapping[str, str], errors: list[OaiError]
) -> etree._Element:
    echoed = None if any(e.code in UNECHOED for e in errors) else arguments
    root = envelope(base_url, now, echoed)
    for error in errors:
        sub(root, oai("error"), error.message, code=error.code)
    return root


def header(
    parent: etree._Element, identifier: str, stamp: datetime, sets: list[str], *, deleted: bool
) -> etree._Element:
    element = sub(parent, oai("header"), **({"status": "deleted"} if deleted else {}))
    sub(element, oai("identifier"), identifier)
    sub(element, oai("datestamp"), datestamp(stamp))
    for spec in sets:
        sub(element, oai("setSpec"), spec)
    return element


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
