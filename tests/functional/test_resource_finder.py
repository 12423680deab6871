"""Authors find an open resource for a step in the harvested catalogue, without JavaScript:
a search from the step form, and one button that puts the resource's address, licence and
source into the draft step."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from flask import g
from sqlalchemy import select

from paths.catalog import LearningPath
from paths.library.resources import (
    HarvestedRecord,
    HarvestSource,
    LibraryResource,
    store_records,
)
from tests.functional.authoring import (
    OTHER_TEACHER,
    add_step,
    create,
    page_of,
    post,
    snapshot,
    text_of,
)
from tests.platform import LEARNER, TEACHER, LaunchContext

STAMP = datetime(2026, 11, 1, tzinfo=UTC)


@pytest.fixture
def catalogue(session):
    source = HarvestSource(
        base_url="https://repository.example.org/oai", name="Open School Repository"
    )
    session.add(source)
    session.flush()
    store_records(
        session,
        source,
        [
            HarvestedRecord(
                "oai:1",
                STAMP,
                title="Quang hợp ở thực vật",
                url="https://open.example.org/quang-hop",
                language="vi",
                licence_url="https://creativecommons.org/licenses/by-sa/4.0/",
                subjects=("Sinh học",),
                description="Bài đọc về lục lạp.",
            ),
            HarvestedRecord(
                "oai:2",
                STAMP,
                title="Cells and their parts",
                url="https://open.example.org/cells",
                licence="CC BY 4.0",
                publisher="OpenStax",
                subjects=("Biology", "Quang hợp"),
            ),
            HarvestedRecord(
                "oai:3",
                STAMP,
                title="Withdrawn photosynthesis notes",
                url="https://open.example.org/gone",
            ),
        ],
        STAMP,
    )
    store_records(session, source, [HarvestedRecord("oai:3", STAMP, deleted=True)], STAMP)
    session.commit()
    return {r.identifier: r.id for r in source_resources(session, source)}


def source_resources(session, source):
    return session.scalars(select(LibraryResource).where(LibraryResource.source_id == source.id))


@pytest.fixture
def step(browser, platform, catalogue):
    assert browser.launch(platform, TEACHER).headers["Location"] == "/teach"
    path_id = create(browser.client)
    return browser.client, path_id, add_step(browser.client, path_id, "Read about leaves")


def found_titles(page: str) -> list[str]:
    return re.findall(
        r'<h3><a href="[^"]+" rel="noopener noreferrer" target="_blank"[^>]*>'
        r"([^<]+)</a></h3>",
        page,
    )


def test_the_step_form_offers_the_search(step):
    client, path_id, key = step
    page = page_of(client, f"/teach/paths/{path_id}/steps/{key}")
    assert (
        f'<form id="find-resource" method="get" '
        f'action="/teach/paths/{path_id}/steps/{key}/resources">'
    ) in page
    assert 'form="find-resource" type="search" name="q"' in page


@pytest.mark.parametrize("words", ["quang hop", "QUANG HỢP", "quang", "sinh hoc"])
def test_search_ignores_case_and_diacritics_title_matches_first(step, words):
    client, path_id, key = step
    response = client.get(
        f"/teach/paths/{path_id}/steps/{key}/resources", query_string={"q": words}
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    titles = found_titles(text_of(response))
    assert titles[0] == "Quang hợp ở thực vật"
    assert "Withdrawn photosynthesis notes" not in titles


def test_a_search_shows_licence_and_source(step):
    client, path_id, key = step
    page = text_of(client.get(f"/teach/paths/{path_id}/steps/{key}/resources?q=cells"))
    assert found_titles(page) == ["Cells and their parts"]
    assert "CC BY 4.0" in page and "OpenStax" in page


@pytest.mark.parametrize("words", ["", "xyzzy", "%", "_", "' OR 1=1 --", "ư" * 5000])
def test_any_words_give_a_page_never_an_error(step, words):
    client, path_id, key = step
    response = client.get(
        f"/teach/paths/{path_id}/steps/{key}/resources", query_string={"q": words}
    )
    assert response.status_code == 200 and found_titles(text_of(response)) == []


def test_using_a_resource_fills_the_steps_address_licence_and_source(step, catalogue, session):
    client, path_id, key = step
    url = f"/teach/paths/{path_id}/steps/{key}"
    response = post(client, f"{url}/resources/{catalogue['oai:1']}", {}, url)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{url}#resource")
    g.pop("csrf_token", None)
    page = text_of(client.get(url))
    assert 'value="https://open.example.org/quang-hop"' in page
    assert 'value="CC BY-SA 4.0"' in page and 'value="Open School Repository"' in page
    session.expire_all()
    draft = session.get(LearningPath, path_id).draft
    stored = next(s for s in draft["steps"] if s["key"] == key)
    assert stored["resource"] == {
        "url": "https://open.example.org/quang-hop",
        "licence": "CC BY-SA 4.0",
        "source": "Open School Repository",
        "framable": False,
    }


def test_a_deleted_or_unknown_resource_is_not_found_and_changes_nothing(step, catalogue, session):
    client, path_id, key = step
    url = f"/teach/paths/{path_id}/steps/{key}"
    before = snapshot(session)
    for resource_id in (catalogue["oai:3"], 999_999):
        response = post(client, f"{url}/resources/{resource_id}", {}, url)
        assert response.status_code == 404
        assert "That resource is not in the catalogue." in text_of(response)
    assert snapshot(session) == before


def test_using_a_resource_needs_the_forms_token(step, catalogue, session):
    client, path_id, key = step
    before = snapshot(session)
    response = client.post(f"/teach/paths/{path_id}/steps/{key}/resources/{catalogue['oai:1']}")
    assert response.status_code == 400 and snapshot(session) == before


def test_an_unknown_step_is_not_found(step, catalogue):
    client, path_id, _key = step
    assert client.get(f"/teach/paths/{path_id}/steps/nope/resources?q=cells").status_code == 404


def test_only_the_courses_teachers_search_and_use(browser, platform, step, catalogue, session):
    _client, path_id, key = step
    url = f"/teach/paths/{path_id}/steps/{key}/resources"
    before = snapshot(session)
    assert browser.launch(platform, OTHER_TEACHER).status_code == 303
    assert browser.client.get(f"{url}?q=cells").status_code == 404
    assert (
        post(browser.client, f"{url}/{catalogue['oai:2']}", {}, "/teach/paths").status_code == 404
    )
    browser.launch(platform, LEARNER)  # no path assigned yet: a page saying so
    assert browser.client.get(f"{url}?q=cells").status_code == 403
    assert browser.client.post(f"{url}/{catalogue['oai:2']}").status_code in (400, 403)
    assert snapshot(session) == before


def test_the_search_page_speaks_vietnamese(browser, platform, catalogue):
    who = LaunchContext(**{**TEACHER.__dict__, "locale": "vi-VN"})
    assert browser.launch(platform, who).status_code == 303
    path_id = create(browser.client)
    key = add_step(browser.client, path_id, "Đọc")
    page = text_of(browser.client.get(f"/teach/paths/{path_id}/steps/{key}/resources?q=quang"))
    assert "Tìm học liệu mở" in page and "Dùng học liệu này" in page
