"""`flask library harvest <OAI-PMH base URL>`: another repository's resources come into the
resource catalogue with their source and licence, incrementally and idempotently; a
repository that errors, drips, loops or sends bad XML stops the harvest with a clear
message and leaves what was imported consistent."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from paths.library.resources import HarvestSource, LibraryResource
from tests.oai_repository import FakeRepository, Record, resource
from tests.unruly_server import UnrulyServer, dripping

CC_BY = "https://creativecommons.org/licenses/by/4.0/"


def five_records() -> list[Record]:
    return [
        resource(
            "oai:open:1",
            "2026-11-01T10:00:00Z",
            "Kỹ năng số cho học sinh",
            identifier=["https://open.example.org/ky-nang-so"],
            rights=[CC_BY],
            language=["vi"],
            subject=["Tin học", "An toàn"],
            publisher=["Sở GD&ĐT"],
            description=["Bài học về kỹ năng số."],
        ),
        resource(
            "oai:open:2",
            "2026-11-02T10:00:00Z",
            "Photosynthesis",
            identifier=["10.1234/doi", "https://open.example.org/photosynthesis"],
            rights=["CC BY-SA 4.0", "https://creativecommons.org/licenses/by-sa/4.0/"],
            language=["en"],
            subject=["Biology"],
            creator=["OpenStax"],
        ),
        resource(
            "oai:open:3",
            "2026-11-03T10:00:00Z",
            "Fractions",
            identifier=["https://open.example.org/fractions"],
            rights=["https://creativecommons.org/publicdomain/zero/1.0/"],
        ),
        resource(
            "oai:open:4",
            "2026-11-04T10:00:00Z",
            "Web literacy",
            identifier=["https://open.example.org/web-literacy"],
        ),
        resource(
            "oai:open:5",
            "2026-11-05T10:00:00Z",
            "The water cycle",
            identifier=["https://open.example.org/water"],
            rights=["CC BY 4.0"],
        ),
    ]


@pytest.fixture
def repository(app, platform_server):
    return FakeRepository(
        platform_server, name=f"oai-{uuid.uuid4().hex[:8]}", records=five_records()
    )


def run(app, *args):
    return app.test_cli_runner().invoke(args=["library", "harvest", *args])


def rows(session) -> list[tuple]:
    session.expire_all()
    return [
        (
            r.identifier,
            r.title,
            r.url,
            r.licence,
            r.licence_url,
            r.publisher,
            r.language,
            r.subjects,
            r.deleted,
            r.datestamp,
        )
        for r in session.scalars(select(LibraryResource).order_by(LibraryResource.identifier))
    ]


def source_of(session, repository) -> HarvestSource | None:
    session.expire_all()
    return session.scalars(
        select(HarvestSource).where(HarvestSource.base_url == repository.base_url)
    ).first()


# -- a harvest ----------------------------------------------------------------------------


def test_harvest_imports_every_page_keeping_source_and_licence(app, session, repository):
    result = run(app, repository.base_url)
    assert result.exit_code == 0, result.output
    assert "3 pages" in result.output and "5 added" in result.output
    by_id = {r[0]: r for r in rows(session)}
    assert set(by_id) == {f"oai:open:{n}" for n in range(1, 6)}
    first = session.scalars(
        select(LibraryResource).where(LibraryResource.identifier == "oai:open:1")
    ).one()
    assert (first.title, first.url, first.language) == (
        "Kỹ năng số cho học sinh",
        "https://open.example.org/ky-nang-so",
        "vi",
    )
    assert (first.licence, first.licence_url, first.licence_name) == (None, CC_BY, "CC BY 4.0")
    assert (first.subjects, first.credit) == (["Tin học", "An toàn"], "Sở GD&ĐT")
    second = by_id["oai:open:2"]
    # The web address among the identifiers; the licence in words and as an address.
    assert second[2:6] == (
        "https://open.example.org/photosynthesis",
        "CC BY-SA 4.0",
        "https://creativecommons.org/licenses/by-sa/4.0/",
        "OpenStax",
    )
    assert by_id["oai:open:4"][3:6] == (None, None, None)
    source = source_of(session, repository)
    assert (source.name, source.last_datestamp) == (
        "Open School Repository",
        "2026-12-01T08:00:00Z",
    )
    assert (
        session.scalars(select(LibraryResource).where(LibraryResource.identifier == "oai:open:4"))
        .one()
        .credit
        == "Open School Repository"
    )
    assert [a.get("verb") for a in repository.asked] == [
        "Identify",
        "ListRecords",
        "ListRecords",
        "ListRecords",
    ]
    assert repository.asked[1] == {"verb": "ListRecords", "metadataPrefix": "oai_dc"}
    assert repository.asked[2] == {"verb": "ListRecords", "resumptionToken": "2|"}


def test_a_second_harvest_asks_from_the_last_one_and_brings_only_changes(app, session, repository):
    assert run(app, repository.base_url).exit_code == 0
    before = {r[0]: r for r in rows(session)}
    repository.asked.clear()
    repository.response_date = "2026-12-02T08:00:00Z"
    repository.records[4] = resource(
        "oai:open:5",
        "2026-12-01T09:00:00Z",
        "The water cycle, 2nd ed.",
        identifier=["https://open.example.org/water"],
        rights=["CC BY 4.0"],
    )
    repository.records.append(
        resource(
            "oai:open:6",
            "2026-12-01T09:30:00Z",
            "Volcanoes",
            identifier=["https://open.example.org/volcanoes"],
        )
    )
    repository.records.append(Record("oai:open:3", "2026-12-01T09:45:00Z", deleted=True))
    result = run(app, repository.base_url)
    assert result.exit_code == 0, result.output
    assert repository.asked[1] == {
        "verb": "ListRecords",
        "metadataPrefix": "oai_dc",
        "from": "2026-12-01T08:00:00Z",
    }
    assert "1 added, 1 updated, 1 deleted, 0 unchanged" in result.output
    after = {r[0]: r for r in rows(session)}
    assert after["oai:open:5"][1] == "The water cycle, 2nd ed."
    assert after["oai:open:6"][1] == "Volcanoes" and after["oai:open:3"][8] is True
    assert {
        k: v for k, v in after.items() if k not in ("oai:open:3", "oai:open:5", "oai:open:6")
    } == {k: v for k, v in before.items() if k not in ("oai:open:3", "oai:open:5")}
    assert source_of(session, repository).last_datestamp == "2026-12-02T08:00:00Z"


def test_harvesting_again_gives_the_same_rows(app, session, repository):
    # `from` is inclusive: a record stamped at the last harvest's date comes again.
    repository.records[4].datestamp = repository.response_date
    assert run(app, repository.base_url).exit_code == 0
    first = rows(session)
    result = run(app, repository.base_url)
    assert result.exit_code == 0 and "0 added, 0 updated, 0 deleted, 1 unchanged" in result.output
    assert rows(session) == first


def test_nothing_new_is_a_harvest_that_finished(app, session, repository):
    assert run(app, repository.base_url).exit_code == 0
    repository.response_date = "2026-12-03T08:00:00Z"
    result = run(app, repository.base_url)
    assert result.exit_code == 0 and "0 added" in result.output, result.output
    assert source_of(session, repository).last_datestamp == "2026-12-03T08:00:00Z"


def test_a_day_granularity_repository_is_asked_from_a_day(app, session, repository):
    repository.granularity = "YYYY-MM-DD"
    assert run(app, repository.base_url).exit_code == 0
    assert source_of(session, repository).last_datestamp == "2026-12-01"
    run(app, repository.base_url)
    assert repository.asked[-1]["from"] == "2026-12-01"


def test_records_without_a_web_address_or_with_an_overlong_identifier_are_skipped(
    app, session, repository
):
    repository.records = [
        resource("oai:open:x", "2026-11-01T00:00:00Z", "No address", identifier=["urn:isbn:123"]),
        resource(
            "oai:" + "x" * 300,
            "2026-11-01T00:00:00Z",
            "Long",
            identifier=["https://open.example.org/long"],
        ),
        Record("oai:open:never-seen", "2026-11-01T00:00:00Z", deleted=True),
    ]
    result = run(app, repository.base_url)
    assert result.exit_code == 0 and "0 added" in result.output and "2 skipped" in result.output
    assert rows(session) == []


# -- a repository that misbehaves -----------------------------------------------------------


@pytest.mark.parametrize(
    ("misbehave", "message"),
    [
        ("http-500", "answered HTTP 500"),
        ("invalid-xml", "did not answer with well-formed XML"),
        ("bomb", "document type declaration"),
        ("bad-argument", "refused the request: badArgument: from is not a date"),
        ("looping-token", "sent the resumption token 'again' again"),
    ],
)
def test_a_failing_page_stops_the_harvest_and_keeps_the_pages_before(
    app, session, repository, misbehave, message
):
    repository.misbehave, repository.bad_page = misbehave, 2
    result = run(app, repository.base_url)
    assert result.exit_code == 1
    assert message in result.output and "Harvest stopped" in result.output, result.output
    assert [r[0] for r in rows(session)] == ["oai:open:1", "oai:open:2"]
    assert source_of(session, repository).last_datestamp is None
    # The next run starts again from the old point; what was stored is not doubled.
    repository.misbehave = None
    result = run(app, repository.base_url)
    assert result.exit_code == 0 and "3 added" in result.output and "2 unchanged" in result.output
    assert len(rows(session)) == 5 and "from" not in repository.asked[-3]


def test_a_failed_harvest_does_not_move_the_last_datestamp(app, session, repository):
    assert run(app, repository.base_url).exit_code == 0
    repository.response_date = "2026-12-09T00:00:00Z"
    repository.records.append(
        resource(
            "oai:open:6", "2026-12-05T00:00:00Z", "New", identifier=["https://open.example.org/new"]
        )
    )
    repository.misbehave, repository.bad_page = "http-500", 1
    assert run(app, repository.base_url).exit_code == 1
    assert source_of(session, repository).last_datestamp == "2026-12-01T08:00:00Z"


def test_a_repository_that_never_ends_stops_at_the_page_limit(app, session, repository):
    result = run(app, repository.base_url, "--max-pages", "2")
    assert result.exit_code == 1 and "more than 2 pages" in result.output, result.output
    assert len(rows(session)) == 4 and source_of(session, repository).last_datestamp is None


def test_an_entity_bomb_is_not_expanded(app, session, repository):
    repository.misbehave, repository.bad_page = "bomb", 1
    result = run(app, repository.base_url)
    assert result.exit_code == 1 and "document type declaration" in result.output
    assert "lollol" not in result.output and rows(session) == []


def test_a_dripping_repository_is_given_up_at_the_deadline(app, session, quick):
    server = UnrulyServer(dripping(every=0.3, body=b"<OAI-PMH>" + b" " * 40))
    try:
        result = run(app, f"{server.base_url}/oai")
    finally:
        server.close()
    assert result.exit_code == 1
    assert "did not answer completely within the 1 s" in result.output, result.output
    assert session.scalars(select(HarvestSource)).all() == []


def test_an_unreachable_repository_is_named(app, session, quick):
    server = UnrulyServer(dripping())
    address = f"{server.base_url}/oai"
    server.close()
    result = run(app, address)
    assert result.exit_code == 1 and f"could not reach {address}" in result.output


def test_production_harvests_only_public_https_repositories(app, session, quick):
    quick(env="production")
    plain = run(app, "http://repository.example.org/oai")
    assert plain.exit_code == 1 and "is not https" in plain.output
    internal = run(app, "https://127.0.0.1:9/oai")
    assert internal.exit_code == 1 and "only public addresses" in internal.output
    assert session.scalars(select(HarvestSource)).all() == []


@pytest.mark.parametrize(
    "address",
    [
        "ftp://repository.example.org/oai",
        "repository",
        "https://repository.example.org/oai?verb=Identify",
        "https://" + "r" * 2100 + ".org/oai",
    ],
)
def test_an_address_that_is_not_a_base_url_is_refused(app, session, address):
    result = run(app, address)
    assert result.exit_code == 1 and "Harvest stopped" in result.output, result.output
    assert session.scalars(select(HarvestSource)).all() == []


def test_the_page_limit_is_a_whole_number_in_range(app, session, repository):
    result = run(app, repository.base_url, "--max-pages", "0")
    assert result.exit_code == 2 and "--max-pages" in result.output
    assert repository.asked == [] and session.scalars(select(HarvestSource)).all() == []


def test_a_repository_whose_dates_are_not_oai_dates_is_refused(app, session, repository):
    repository.response_date = "yesterday"
    result = run(app, repository.base_url)
    assert result.exit_code == 1 and "is not an OAI-PMH date: 'yesterday'" in result.output
    assert rows(session) == [] and source_of(session, repository).last_datestamp is None
