"""Reading OAI-PMH 2.0 answers safely: Identify, and ListRecords pages in `oai_dc`.

The XML comes from another site, so the parser resolves no entity, loads no DTD and
reaches no network, and an answer carrying a document type declaration (where entity
bombs live; OAI-PMH answers never need one) is refused outright.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from paths.library.resources import HarvestedRecord
from service.lazy_xml import etree, safe_parser

OAI = "{http://www.openarchives.org/OAI/2.0/}"
OAI_DC = "{http://www.openarchives.org/OAI/2.0/oai_dc/}"
DC = "{http://purl.org/dc/elements/1.1/}"
NOTHING_NEW = "noRecordsMatch"  # an error code that only means "no records since then"


class HarvestError(Exception):
    """A harvest that had to stop; the message says why, for the person running it."""


@dataclass(frozen=True)
class Identity:
    name: str
    granularity: str  # "YYYY-MM-DD" or "YYYY-MM-DDThh:mm:ssZ"


@dataclass(frozen=True)
class RecordsPage:
    records: list[HarvestedRecord]
    response_date: str
    token: str | None  # the resumption token of the next page, if there is one


def oai_root(body: bytes, url: str) -> etree._Element:
    """The answer's root element, after the checks every OAI-PMH answer must pass."""
    try:
        root = etree.fromstring(body, parser=safe_parser())
    except etree.XMLSyntaxError as error:
        raise HarvestError(f"{url} did not answer with well-formed XML ({error})") from None
    if root.getroottree().docinfo.doctype:
        raise HarvestError(
            f"{url} answered XML with a document type declaration, which an "
            "OAI-PMH answer never needs: Selfpath does not read it"
        )
    if root.tag != f"{OAI}OAI-PMH":
        raise HarvestError(
            f"{url} did not answer with OAI-PMH 2.0 XML (its root is "
            f"<{etree.QName(root).localname}>)"
        )
    return root


def oai_errors(root: etree._Element) -> list[tuple[str, str]]:
    return [(e.get("code", ""), _text(e)) for e in root.iter(f"{OAI}error")]


def read_identity(root: etree._Element, url: str) -> Identity:
    identify = root.find(f"{OAI}Identify")
    if identify is None:
        raise HarvestError(f"{url} answered Identify without describing the repository")
    granularity = identify.findtext(f"{OAI}granularity", "YYYY-MM-DD").strip()
    return Identity(
        name=identify.findtext(f"{OAI}repositoryName", "").strip(),
        granularity="YYYY-MM-DDThh:mm:ssZ" if "hh" in granularity else "YYYY-MM-DD",
    )


def read_records_page(root: etree._Element, url: str) -> RecordsPage:
    listing = root.find(f"{OAI}ListRecords")
    if listing is None:
        raise HarvestError(f"{url} answered ListRecords without a list of records")
    token = listing.find(f"{OAI}resumptionToken")
    return RecordsPage(
        records=[_record(r, url) for r in listing.iter(f"{OAI}record")],
        response_date=response_date(root),
        token=(_text(token) or None) if token is not None else None,
    )


def response_date(root: etree._Element) -> str:
    return root.findtext(f"{OAI}responseDate", "").strip()


def _record(element: etree._Element, url: str) -> HarvestedRecord:
    header = element.find(f"{OAI}header")
    if header is None:
        raise HarvestError(f"{url} sent a record without a header")
    identifier = header.findtext(f"{OAI}identifier", "").strip()
    if not identifier:
        raise HarvestError(f"{url} sent a record without an identifier")
    datestamp = parse_datestamp(header.findtext(f"{OAI}datestamp", ""), url)
    if header.get("status") == "deleted":
        return HarvestedRecord(identifier=identifier, datestamp=datestamp, deleted=True)
    dc = element.find(f"{OAI}metadata/{OAI_DC}dc")
    if dc is None:
        raise HarvestError(f"{url} sent record {identifier} without oai_dc metadata")
    return _described(identifier, datestamp, dc)


def _described(identifier: str, datestamp: datetime, dc: etree._Element) -> HarvestedRecord:
    def values(name: str) -> list[str]:
        return [v for v in (_text(e) for e in dc.iter(f"{DC}{name}")) if v]

    rights = values("rights")
    addresses = [v for v in values("identifier") if _is_web_address(v)]
    return HarvestedRecord(
        identifier=identifier,
        datestamp=datestamp,
        title=next(iter(values("title")), ""),
        url=next(iter(addresses), None),
        licence=next((r for r in rights if not _is_web_address(r)), None),
        licence_url=next((r for r in rights if _is_web_address(r)), None),
        publisher=next(iter(values("publisher") or values("creator")), None),
        language=next(iter(values("language")), None),
        subjects=tuple(values("subject")),
        description=" ".join(values("description")),
    )


def parse_datestamp(raw: str, url: str) -> datetime:
    text = raw.strip()
    for pattern in ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise HarvestError(f"{url} sent a datestamp that is not an OAI-PMH date: {text[:40]!r}")


def _is_web_address(text: str) -> bool:
    return text.startswith(("https://", "http://")) and " " not in text


def _text(element: etree._Element) -> str:
    return " ".join("".join(element.itertext()).split())
