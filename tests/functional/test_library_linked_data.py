"""Every public library page describes its entry in schema.org / LRMI JSON-LD, which a
JSON-LD processor expands without error into schema.org terms."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from paths.library.models import LibraryEntry
from service.library.linked_data import duration
from service.library.starter import starter_documents
from tests.conftest import TOOL_BASE
from tests.functional.learner_pages import page_of, token
from tests.functional.library_pages import PHOTOSYNTHESIS, SCHEMA, expanded, linked_data
from tests.platform import TEACHER


@pytest.mark.parametrize(
    "minutes, iso", [(0, "PT0M"), (45, "PT45M"), (60, "PT1H"), (203, "PT3H23M")]
)
def test_durations_are_iso_8601(minutes, iso):
    assert duration(minutes) == iso


def test_every_public_page_expands_into_schema_org_terms(client, starter):
    for entry in starter.values():
        document = linked_data(page_of(client, f"/library/{entry.uuid}"))
        node = expanded(document)
        assert all(key.startswith(("@", SCHEMA)) for key in node)
        assert set(node["@type"]) == {SCHEMA + "LearningResource", SCHEMA + "Course"}
        assert node["@id"] == f"{TOOL_BASE}/library/{entry.uuid}"
        assert node[SCHEMA + "license"] == [{"@id": "https://creativecommons.org/licenses/by/4.0/"}]
        assert node[SCHEMA + "inLanguage"] == [{"@value": entry.language}]
        parts = node[SCHEMA + "hasPart"]
        source = next(d for d in starter_documents() if d["uuid"] == entry.uuid)
        assert len(parts) == len(source["steps"])
        assert all(key.startswith(("@", SCHEMA)) for part in parts for key in part)


def test_the_description_says_what_a_harvester_needs(client, starter):
    entry = starter[PHOTOSYNTHESIS]
    document = linked_data(page_of(client, f"/library/{entry.uuid}"))
    source = next(d for d in starter_documents() if d["uuid"] == entry.uuid)
    assert document["name"] == PHOTOSYNTHESIS and document["inLanguage"] == "vi"
    assert document["creator"]["name"] == "Thư viện khởi đầu Selfpath"
    assert document["educationalLevel"] == "Lower secondary school"
    assert document["teaches"] == [s["label"] for s in source["skills"]]
    assert document["timeRequired"] == duration(entry.minutes)
    first = document["hasPart"][1]
    resource = source["steps"][1]["resource"]
    assert first["url"] == resource["url"]
    assert first["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert first["publisher"]["name"] == resource["source"]
    assert "isBasedOn" not in document


def test_an_adaptation_names_what_it_is_based_on(browser, platform, session, starter):
    from tests.functional.library_pages import publish_form

    original = starter[PHOTOSYNTHESIS]
    browser.launch(platform, TEACHER)
    preview = page_of(browser.client, f"/teach/library/{original.uuid}")
    copied = browser.client.post(
        f"/teach/library/{original.uuid}/copy", data={"csrf_token": token(preview)}
    )
    path_id = int(copied.headers["Location"].rstrip("/").split("/")[-1])
    assert (
        publish_form(
            browser, path_id, licence="CC BY-SA 4.0", credit="name", name="Hoa Le"
        ).status_code
        == 303
    )
    adaptation = session.scalars(select(LibraryEntry).where(LibraryEntry.path_id == path_id)).one()
    node = expanded(linked_data(page_of(browser.client, f"/library/{adaptation.uuid}")))
    assert node[SCHEMA + "isBasedOn"] == [{"@id": f"{TOOL_BASE}/library/{original.uuid}"}]
    assert node[SCHEMA + "license"] == [{"@id": "https://creativecommons.org/licenses/by-sa/4.0/"}]


def test_text_cannot_break_out_of_the_script(client, session, starter):
    from paths.catalog import PathVersion

    entry = starter[PHOTOSYNTHESIS]
    hostile = "</script><script>alert(1)</script>"
    session.get(PathVersion, entry.releases[-1].version_id).title = hostile
    session.commit()
    page = page_of(client, f"/library/{entry.uuid}")
    head = page.split("</head>")[0]
    assert head.count("<script") == 1 and "<script>alert" not in head
    assert linked_data(page)["name"] == hostile
