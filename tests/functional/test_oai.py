"""The open library's OAI-PMH 2.0 provider, harvested by a real client (Sickle) over a
loopback server, page after page, in both metadata formats, by set and by date; and every
protocol error answered as the specification says."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from lxml import etree
from sickle import Sickle
from sickle.oaiexceptions import IdDoesNotExist, NoRecordsMatch
from sqlalchemy import func, select
from werkzeug.serving import WSGIRequestHandler, make_server

from paths.library.models import LISTED, UNLISTED, WITHDRAWN, LibraryEntry
from paths.library.publishing import PATH_LICENCES
from service.library.starter import seed_library
from service.oai import verbs
from tests.conftest import TOOL_BASE

OAI = "http://www.openarchives.org/OAI/2.0/"
LOM = "http://ltsc.ieee.org/xsd/LOM"
NS = {"oai": OAI, "lom": LOM, "dc": "http://purl.org/dc/elements/1.1/"}
T0 = datetime(2025, 3, 1, 8, 0, 0, tzinfo=UTC)
PAGE = 4


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(verbs, "PAGE_SIZE", PAGE)


def add_entry(session, n: int, **values) -> LibraryEntry:
    columns = {
        "uuid": str(uuid.uuid4()),
        "title": f"Path {n}",
        "description": f"About {n}",
        "language": "vi" if n % 2 else "en",
        "subject": "mathematics" if n % 3 == 0 else "biology",
        "level": "lower-secondary",
        "licence": "CC BY-SA 4.0",
        "credit": f"Teacher {n}, School; B",
        "minutes": 95,
        "status": LISTED,
        "skills": [{"key": f"s{n}", "label": f"Skill {n}"}],
        "created_at": T0,
        "updated_at": T0 + timedelta(minutes=n),
    }
    entry = LibraryEntry(**(columns | values))
    session.add(entry)
    return entry


@pytest.fixture
def library(session) -> dict[str, LibraryEntry]:
    """The starter catalogue, fourteen more entries (two sharing one change time) and three
    entries no longer offered: more than four pages of four."""
    seed_library(session, T0 - timedelta(days=1))
    for n in range(14):
        add_entry(session, n)
    add_entry(session, 99, updated_at=T0 + timedelta(minutes=5))  # same time as Path 5
    add_entry(session, 100, status=WITHDRAWN, title="Withdrawn")
    add_entry(session, 101, status=UNLISTED, title="Unlisted")
    session.commit()
    return {e.uuid: e for e in session.scalars(select(LibraryEntry))}


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:
        pass


@pytest.fixture
def few(session) -> list[LibraryEntry]:
    entries = [add_entry(session, n) for n in range(3)]
    entries.append(add_entry(session, 3, status=WITHDRAWN))
    session.commit()
    return entries


@pytest.fixture
def oai_url(app) -> Iterator[str]:
    """The app served on a loopback port, for a real harvester."""
    server = make_server("127.0.0.1", 0, app, request_handler=QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/oai"
    server.shutdown()
    thread.join()


def page_url(entry: LibraryEntry) -> str:
    return f"{TOOL_BASE}/library/{entry.uuid}"


def identifier(entry: LibraryEntry) -> str:
    return f"oai:localhost:library/{entry.uuid}"


def listed(library) -> dict[str, LibraryEntry]:
    return {identifier(e): e for e in library.values() if e.status == LISTED}


def gone(library) -> set[str]:
    return {identifier(e) for e in library.values() if e.status != LISTED}


# -- harvesting with a real client --------------------------------------------------------


def test_a_harvester_finds_every_listed_entry_with_its_licence_and_language(
    library, oai_url, small_pages
):
    records = list(Sickle(oai_url).ListRecords(metadataPrefix="oai_dc", ignore_deleted=False))
    assert len(library) > 4 * PAGE
    by_id = {r.header.identifier: r for r in records}
    assert len(records) == len(by_id) == len(library)  # each once, across every page
    for oai_id, entry in listed(library).items():
        dc = by_id[oai_id].metadata
        assert dc["identifier"] == [page_url(entry)]
        assert dc["rights"] == [PATH_LICENCES[entry.licence]]
        assert dc["language"] == [entry.language] and dc["title"] == [entry.title]
        assert dc["creator"] == [entry.credit]
    assert {i for i, r in by_id.items() if r.header.deleted} == gone(library)
    stamps = [(r.header.datestamp, r.header.identifier) for r in records]
    assert [s for s, _ in stamps] == sorted(s for s, _ in stamps)  # oldest change first


def test_a_harvester_reads_ieee_lom_records_posting_its_requests(library, oai_url, small_pages):
    harvester = Sickle(oai_url, http_method="POST")
    records = list(harvester.ListRecords(metadataPrefix="lom", ignore_deleted=True))
    assert {r.header.identifier for r in records} == set(listed(library))
    entry = next(e for e in library.values() if e.title == "Path 3")
    record = next(r for r in records if r.header.identifier == identifier(entry))
    lom = record.xml.find(".//lom:lom", NS)

    def text(path: str) -> list[str]:
        return [e.text for e in lom.findall(path, NS)]

    title = lom.find("lom:general/lom:title/lom:string", NS)
    assert (title.text, title.get("language")) == ("Path 3", "vi")
    assert text("lom:general/lom:identifier/lom:entry") == [page_url(entry)]
    assert text("lom:general/lom:language") == ["vi"]
    assert text("lom:general/lom:keyword/lom:string") == ["Skill 3"]
    assert text("lom:technical/lom:location") == [page_url(entry)]
    assert text("lom:educational/lom:context/lom:value") == ["school"]
    assert text("lom:educational/lom:typicalLearningTime/lom:duration") == ["PT1H35M"]
    assert text("lom:rights/lom:copyrightAndOtherRestrictions/lom:value") == ["yes"]
    assert text("lom:rights/lom:description/lom:string") == [PATH_LICENCES["CC BY-SA 4.0"]]
    assert text("lom:classification/lom:taxonPath/lom:taxon/lom:id") == ["mathematics"]
    vcard = text("lom:lifeCycle/lom:contribute/lom:entity")[0]
    assert "FN:Teacher 3\\, School\\; B" in vcard.splitlines()
    assert text("lom:lifeCycle/lom:contribute/lom:role/lom:value") == ["author"]


def test_a_harvester_asks_for_one_set_within_dates(library, oai_url, small_pages):
    harvester = Sickle(oai_url)
    window = {"from": "2025-03-01T08:02:00Z", "until": "2025-03-01T08:09:00Z"}
    headers = list(harvester.ListIdentifiers(metadataPrefix="oai_dc", set="language:vi", **window))
    expected = {
        identifier(e)
        for e in library.values()
        if e.language == "vi"
        and T0 + timedelta(minutes=2) <= e.updated_at <= T0 + timedelta(minutes=9)
    }
    assert {h.identifier for h in headers} == expected and len(expected) == 5
    assert all("language:vi" in h.setSpecs for h in headers)
    maths = list(harvester.ListIdentifiers(metadataPrefix="lom", set="subject:mathematics"))
    assert {h.identifier for h in maths} == {
        identifier(e) for e in library.values() if e.subject == "mathematics"
    }
    whole_day = list(
        harvester.ListIdentifiers(
            metadataPrefix="oai_dc", **{"from": "2025-03-01", "until": "2025-03-01"}
        )
    )
    assert len(whole_day) == 17  # until a day counts that whole day
    with pytest.raises(NoRecordsMatch):
        list(harvester.ListIdentifiers(metadataPrefix="oai_dc", **{"from": "2030-01-01"}))


def test_a_harvester_gets_one_record_and_learns_of_deleted_ones(library, oai_url):
    harvester = Sickle(oai_url)
    entry = next(e for e in library.values() if e.title == "Path 4")
    record = harvester.GetRecord(identifier=identifier(entry), metadataPrefix="oai_dc")
    assert record.metadata["identifier"] == [page_url(entry)]
    assert record.header.datestamp == "2025-03-01T08:04:00Z"
    withdrawn = next(e for e in library.values() if e.status == WITHDRAWN)
    deleted = harvester.GetRecord(identifier=identifier(withdrawn), metadataPrefix="lom")
    assert deleted.header.deleted and deleted.xml.find(f"{{{OAI}}}metadata") is None
    with pytest.raises(IdDoesNotExist):
        harvester.GetRecord(
            identifier=f"oai:localhost:library/{uuid.uuid4()}", metadataPrefix="oai_dc"
        )


def test_a_harvester_learns_what_the_repository_offers(library, oai_url):
    harvester = Sickle(oai_url)
    identify = harvester.Identify()
    assert identify.repositoryName == "Selfpath open library"
    assert identify.baseURL == f"{TOOL_BASE}/oai" and identify.protocolVersion == "2.0"
    assert identify.deletedRecord == "persistent"
    assert identify.granularity == "YYYY-MM-DDThh:mm:ssZ"
    assert identify.adminEmail == "webmaster@localhost"
    assert identify.earliestDatestamp == "2025-02-28T08:00:00Z"
    formats = {f.metadataPrefix: f.metadataNamespace for f in harvester.ListMetadataFormats()}
    assert formats == {"oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/", "lom": LOM}
    sets = {s.setSpec: s.setName for s in harvester.ListSets()}
    assert sets["language:vi"] == "Vietnamese" and sets["language:en"] == "English"
    assert sets["subject:mathematics"] == "Mathematics" and "subject" in sets
    assert {"subject:" + s for s in ("biology", "physics", "history")} <= set(sets)


# -- pages and resumption tokens -----------------------------------------------------------


def oai_get(client, **arguments) -> etree._Element:
    response = client.get("/oai", query_string=arguments)
    assert response.status_code == 200 and response.mimetype == "text/xml"
    return etree.fromstring(response.data)


def token_of(document: etree._Element) -> etree._Element:
    return document.find(".//oai:resumptionToken", NS)


def identifiers_in(document: etree._Element) -> list[str]:
    return [e.text for e in document.findall(".//oai:header/oai:identifier", NS)]


def test_each_page_says_where_it_is_and_the_last_ends_with_an_empty_token(
    client, library, small_pages
):
    document = oai_get(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    cursors, seen = [], []
    while True:
        token = token_of(document)
        seen += identifiers_in(document)
        cursors.append(token.get("cursor"))
        assert token.get("completeListSize") == str(len(library))
        if not token.text:
            break
        assert token.get("expirationDate").endswith("Z")
        document = oai_get(client, verb="ListIdentifiers", resumptionToken=token.text)
    assert cursors == [str(n) for n in range(0, len(library), PAGE)]
    assert len(seen) == len(set(seen)) == len(library)


def test_a_whole_list_in_one_page_has_no_token(client, library):
    document = oai_get(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert token_of(document) is None and len(identifiers_in(document)) == len(library)


def test_an_entry_changed_while_paging_skips_no_other(client, session, library, small_pages):
    first = oai_get(client, verb="ListIdentifiers", metadataPrefix="oai_dc")
    seen = identifiers_in(first)
    changed = session.scalars(
        select(LibraryEntry).where(LibraryEntry.uuid == seen[0].rsplit("/", 1)[1])
    ).one()
    changed.updated_at = T0 + timedelta(days=1)
    session.commit()
    document = first
    while token_of(document) is not None and token_of(document).text:
        document = oai_get(client, verb="ListIdentifiers", resumptionToken=token_of(document).text)
        seen += identifiers_in(document)
    assert set(seen) == {identifier(e) for e in library.values()}
    assert seen[-1] == seen[0]  # it comes again with its new datestamp


# -- protocol errors -----------------------------------------------------------------------


def error_of(document: etree._Element) -> tuple[str, dict[str, str]]:
    error = document.find("oai:error", NS)
    assert error is not None and error.text
    return error.get("code"), dict(document.find("oai:request", NS).attrib)


def entry_counts(session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count(LibraryEntry.id))),
        session.scalar(select(func.max(LibraryEntry.updated_at))),
    )


LIST = {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
BAD_ARGUMENTS = [
    ({}, "badVerb"),
    ({"verb": "Delete"}, "badVerb"),
    ({"verb": ["Identify", "Identify"]}, "badVerb"),
    ({"verb": "Identify", "set": "x"}, "badArgument"),
    ({"verb": "ListRecords"}, "badArgument"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc"}, "badArgument"),
    ({**LIST, "metadataPrefix": ["oai_dc", "lom"]}, "badArgument"),
    ({**LIST, "from": "2025-13-01"}, "badArgument"),
    ({**LIST, "from": "2025-02-30"}, "badArgument"),
    ({**LIST, "from": "2025-03-01T08:00:00"}, "badArgument"),
    ({**LIST, "from": "２０２５-03-01"}, "badArgument"),
    ({**LIST, "from": "2025-03-01", "until": "2025-03-02T00:00:00Z"}, "badArgument"),
    ({**LIST, "from": "2025-03-02", "until": "2025-03-01"}, "badArgument"),
    ({**LIST, "set": "x" * 5000}, "badArgument"),
    ({**LIST, "set": "a\x01b"}, "badArgument"),
    ({**LIST, "resumptionToken": "abc"}, "badArgument"),
    ({"verb": "Identify", "\u1ea0" * 300: "v"}, "badArgument"),
    ({"verb": "ListSets", "resumptionToken": "abc"}, "badResumptionToken"),
    ({"verb": "ListRecords", "resumptionToken": "abc"}, "badResumptionToken"),
    ({"verb": "ListRecords", "resumptionToken": "ü" * 2000}, "badArgument"),
    ({**LIST, "metadataPrefix": "marc21"}, "cannotDisseminateFormat"),
    ({"verb": "GetRecord", "metadataPrefix": "mods", "identifier": "x"}, "idDoesNotExist"),
    ({"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "x"}, "idDoesNotExist"),
    (
        {
            "verb": "ListMetadataFormats",
            "identifier": "oai:other.example:library/0b9e4c1a-5a8e-4d5b-9a57-3f0c2d7e8a41",
        },
        "idDoesNotExist",
    ),
    ({**LIST, "set": "subject:astrology"}, "noRecordsMatch"),
    ({**LIST, "from": "2031-01-01T00:00:00Z"}, "noRecordsMatch"),
]


@pytest.mark.parametrize(("arguments", "code"), BAD_ARGUMENTS)
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_every_protocol_error_is_answered_as_the_specification_says(
    client, session, few, arguments, code, method
):
    before = entry_counts(session)
    if method == "GET":
        response = client.get("/oai", query_string=arguments)
    else:
        response = client.post("/oai", data=arguments)
    assert response.status_code == 200 and response.mimetype == "text/xml"
    document = etree.fromstring(response.data)
    found, echoed = error_of(document)
    assert found == code
    if code in ("badVerb", "badArgument"):
        assert echoed == {}  # arguments not understood are not echoed
    else:
        assert echoed["verb"] == arguments["verb"]
    assert document.find("oai:request", NS).text == f"{TOOL_BASE}/oai"
    assert entry_counts(session) == before


def test_a_nul_character_is_a_bad_argument(client, few):
    found, echoed = error_of(oai_get(client, verb="Identify", x="a\x00b"))
    assert (found, echoed) == ("badArgument", {})


ARGUMENT_NAMES = ["metadataPrefix", "from", "until", "set", "identifier", "resumptionToken", "x"]


@hypothesis_settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    verb=st.one_of(st.sampled_from(list(verbs.VERBS)), st.text(max_size=20)),
    others=st.dictionaries(
        st.sampled_from(ARGUMENT_NAMES),
        st.one_of(
            st.sampled_from(["oai_dc", "lom", "2025-03-01", "language:vi"]), st.text(max_size=1200)
        ),
        max_size=4,
    ),
)
def test_any_arguments_of_any_length_or_script_get_an_oai_answer(client, few, verb, others):
    response = client.post("/oai", data={"verb": verb, **others})
    assert response.status_code == 200
    document = etree.fromstring(response.data)
    assert document.tag == f"{{{OAI}}}OAI-PMH" and len(document) == 3


def resumed(client, verb: str, token: str) -> str:
    return error_of(oai_get(client, verb=verb, resumptionToken=token))[0]


def test_tokens_changed_foreign_expired_or_for_another_verb_are_refused(
    app, client, library, small_pages, monkeypatch
):
    token = token_of(oai_get(client, **LIST)).text
    assert (
        oai_get(client, verb="ListRecords", resumptionToken=token).find("oai:ListRecords", NS)
        is not None
    )
    changed = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert resumed(client, "ListRecords", changed) == "badResumptionToken"
    assert resumed(client, "ListIdentifiers", token) == "badResumptionToken"
    from itsdangerous import URLSafeSerializer

    from service.oai import tokens

    foreign = URLSafeSerializer("another site's secret" * 2, salt=tokens.SALT).dumps(
        URLSafeSerializer("x", salt=tokens.SALT).loads_unsafe(token)[1]
    )
    assert resumed(client, "ListRecords", foreign) == "badResumptionToken"
    later = datetime.now(UTC) + tokens.TOKEN_LIFETIME + timedelta(minutes=1)
    monkeypatch.setattr("service.oai.views.now", lambda: later)
    assert resumed(client, "ListRecords", token) == "badResumptionToken"


def test_the_endpoint_is_limited_per_address(app, client, few, monkeypatch):
    strict = app.extensions["selfpath.settings"].with_changes(oai_rate_limit="2/minute")
    monkeypatch.setitem(app.extensions, "selfpath.settings", strict)
    statuses = [client.get("/oai?verb=Identify").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
