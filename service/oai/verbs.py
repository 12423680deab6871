"""The six OAI-PMH verbs over the open library: each takes the checked arguments and
returns the response document."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from paths.library.harvest_feed import (
    FeedPosition,
    FeedWindow,
    earliest_change,
    feed_entry,
    feed_page,
    feed_size,
)
from paths.library.models import LibraryEntry
from service.lazy_xml import etree
from service.oai.arguments import TOKEN, ChangeWindow, change_window
from service.oai.metadata import FORMATS, Described, MetadataFormat
from service.oai.protocol import OaiError, datestamp, envelope, header, oai, sub
from service.oai.sets import library_set, library_sets, set_element, sets_of
from service.oai.tokens import ListRequest, Resumption, expiry, issue, read

PAGE_SIZE = 100  # records per response; tests make it smaller
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
# What the oai-identifier description allows as a repository identifier: a domain name.
DOMAIN = re.compile(r"^[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+$")
OAI_IDENTIFIER = "http://www.openarchives.org/OAI/2.0/oai-identifier"


@dataclass(frozen=True)
class Repository:
    """The library as one OAI-PMH repository, for one request."""

    session: Session
    base_url: str  # the site's BASE_URL
    admin_email: str
    secret: str
    now: datetime

    @property
    def endpoint(self) -> str:
        return f"{self.base_url}/oai"

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or "localhost"

    def identifier(self, entry: LibraryEntry) -> str:
        return f"oai:{self.host}:library/{entry.uuid}"

    def entry(self, identifier: str) -> LibraryEntry:
        match = re.fullmatch(rf"oai:{re.escape(self.host)}:library/({UUID})", identifier)
        found = feed_entry(self.session, match.group(1)) if match else None
        if found is None:
            raise OaiError("idDoesNotExist", "The library has no record with that identifier.")
        return found

    def document(self, arguments: dict[str, str]) -> etree._Element:
        return envelope(self.endpoint, self.now, arguments)


def identify(repo: Repository, arguments: dict[str, str]) -> etree._Element:
    root = repo.document(arguments)
    element = sub(root, oai("Identify"))
    earliest = earliest_change(repo.session) or repo.now
    for tag, value in (
        ("repositoryName", "Selfpath open library"),
        ("baseURL", repo.endpoint),
        ("protocolVersion", "2.0"),
        ("adminEmail", repo.admin_email),
        ("earliestDatestamp", datestamp(earliest)),
        ("deletedRecord", "persistent"),
        ("granularity", "YYYY-MM-DDThh:mm:ssZ"),
    ):
        sub(element, oai(tag), value)
    if DOMAIN.match(repo.host):
        _identifier_scheme(sub(element, oai("description")), repo)
    return root


def _identifier_scheme(description: etree._Element, repo: Repository) -> None:
    scheme = etree.SubElement(
        description, f"{{{OAI_IDENTIFIER}}}oai-identifier", nsmap={None: OAI_IDENTIFIER}
    )
    for tag, value in (
        ("scheme", "oai"),
        ("repositoryIdentifier", repo.host),
        ("delimiter", ":"),
        ("sampleIdentifier", f"oai:{repo.host}:library/0b9e4c1a-5a8e-4d5b-9a57-3f0c2d7e8a41"),
    ):
        sub(scheme, f"{{{OAI_IDENTIFIER}}}{tag}", value)


def list_metadata_formats(repo: Repository, arguments: dict[str, str]) -> etree._Element:
    if "identifier" in arguments:
        repo.entry(arguments["identifier"])  # every entry is offered in every format
    root = repo.document(arguments)
    element = sub(root, oai("ListMetadataFormats"))
    for found in FORMATS.values():
        described = sub(element, oai("metadataFormat"))
        sub(described, oai("metadataPrefix"), found.prefix)
        sub(described, oai("schema"), found.schema)
        sub(described, oai("metadataNamespace"), found.namespace)
    return root


def list_sets(repo: Repository, arguments: dict[str, str]) -> etree._Element:
    if TOKEN in arguments:  # every set fits in one response: no token was ever given
        raise OaiError("badResumptionToken", "ListSets gives no resumptionToken.")
    root = repo.document(arguments)
    element = sub(root, oai("ListSets"))
    for found in library_sets():
        set_element(element, found)
    return root


def get_record(repo: Repository, arguments: dict[str, str]) -> etree._Element:
    entry = repo.entry(arguments["identifier"])
    chosen = _format(arguments["metadataPrefix"])
    root = repo.document(arguments)
    _record(sub(root, oai("GetRecord")), repo, entry, chosen)
    return root


def _format(prefix: str) -> MetadataFormat:
    if prefix not in FORMATS:
        raise OaiError(
            "cannotDisseminateFormat", f"Records are offered as {' and '.join(FORMATS)} only."
        )
    return FORMATS[prefix]


def _record(
    parent: etree._Element, repo: Repository, entry: LibraryEntry, chosen: MetadataFormat
) -> None:
    record = sub(parent, oai("record"))
    _header(record, repo, entry)
    if entry.listed:  # withdrawn and unlisted entries are deleted records: no metadata
        page_url = f"{repo.base_url}/library/{entry.uuid}"
        chosen.write(sub(record, oai("metadata")), Described(entry, page_url))


def _header(parent: etree._Element, repo: Repository, entry: LibraryEntry) -> None:
    header(
        parent, repo.identifier(entry), entry.updated_at, sets_of(entry), deleted=not entry.listed
    )


def list_identifiers(repo: Repository, arguments: dict[str, str]) -> etree._Element:
    return _list(repo, arguments, "ListIdentifiers")


def list_records(repo: Repository, arguments: dict[str, str]) -> etree._Element:
    return _list(repo, arguments, "ListRecords")


def _list(repo: Repository, arguments: dict[str, str], verb: str) -> etree._Element:
    resumed = read(repo.secret, arguments[TOKEN], verb, repo.now) if TOKEN in arguments else None
    asked = (
        resumed.request
        if resumed
        else ListRequest(
            verb,
            arguments["metadataPrefix"],
            arguments.get("set"),
            arguments.get("from"),
            arguments.get("until"),
        )
    )
    changes = change_window(asked.start, asked.end)  # a bad date is the first error
    chosen = _format(asked.metadata_prefix)
    window = _window(asked, changes)
    entries = feed_page(repo.session, window, resumed.position if resumed else None, PAGE_SIZE + 1)
    if not entries:
        raise OaiError("noRecordsMatch", "No records match these arguments.")
    root = repo.document(arguments)
    element = sub(root, oai(verb))
    for entry in entries[:PAGE_SIZE]:
        if verb == "ListRecords":
            _record(element, repo, entry, chosen)
        else:
            _header(element, repo, entry)
    cursor = resumed.cursor if resumed else 0
    if resumed or len(entries) > PAGE_SIZE:
        _resumption(element, repo, asked, entries, cursor, feed_size(repo.session, window))
    return root


def _window(asked: ListRequest, changes: ChangeWindow) -> FeedWindow:
    chosen = library_set(asked.set_spec) if asked.set_spec else None
    return FeedWindow(
        changed_from=changes.changed_from,
        changed_before=changes.changed_before,
        languages=chosen.languages if chosen else None,
        subjects=chosen.subjects if chosen else None,
    )


def _resumption(
    parent: etree._Element,
    repo: Repository,
    asked: ListRequest,
    entries: list[LibraryEntry],
    cursor: int,
    total: int,
) -> None:
    """The token for the next page, or the empty token that ends the list."""
    attributes = {"completeListSize": str(total), "cursor": str(cursor)}
    if len(entries) <= PAGE_SIZE:
        sub(parent, oai("resumptionToken"), **attributes)
        return
    last = entries[PAGE_SIZE - 1]
    expires = expiry(repo.now)
    token = issue(
        repo.secret,
        Resumption(asked, FeedPosition(last.updated_at, last.id), cursor + PAGE_SIZE, expires),
    )
    sub(parent, oai("resumptionToken"), token, expirationDate=datestamp(expires), **attributes)


VERBS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}
