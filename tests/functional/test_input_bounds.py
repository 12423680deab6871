"""Numbers beyond what the database holds, and JSON nested beyond any path, are a 404 or a
400 that names the problem, never a 500; nothing changes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lti.models import LaunchRecord, LaunchState
from service.input_limits import MAX_ID, page_number
from tests.functional.admin_browser import AdminBrowser
from tests.functional.authoring import create, page_of, post, snapshot, text_of, upload
from tests.functional.learner_pages import assign_demo_path
from tests.platform import TEACHER

HUGE = [str(10**20), str(2**63), str(2**31), "9" * 5000]


@pytest.fixture
def teacher(browser, platform, session):
    assign_demo_path(session, platform)
    assert browser.launch(platform, TEACHER).headers["Location"] == "/teach"
    return browser.client


@pytest.mark.parametrize("number", HUGE)
@pytest.mark.parametrize(
    "url",
    [
        "/teach/paths/{n}",
        "/teach/paths/{n}/export",
        "/teach/paths/{p}/versions/{n}/export",
        "/teach/paths/{p}/steps/s1/questions/{n}",
    ],
)
def test_ids_beyond_the_database_in_teacher_urls_are_not_found(teacher, session, url, number):
    path_id = create(teacher)
    before = snapshot(session)
    response = teacher.get(url.format(n=number, p=path_id))
    assert response.status_code == 404
    assert snapshot(session) == before


def test_the_largest_id_is_still_looked_up(teacher):
    assert teacher.get(f"/teach/paths/{MAX_ID}").status_code == 404
    path_id = create(teacher)
    assert teacher.get(f"/teach/paths/{path_id}").status_code == 200


@pytest.mark.parametrize("number", HUGE)
def test_ids_beyond_the_database_in_admin_urls_are_not_found(client, platform, number):
    console = AdminBrowser(client)
    assert console.sign_in().status_code == 302
    assert client.get(f"/admin/platforms/{number}/delete").status_code == 404
    assert console.post(f"/admin/deployments/{number}/enable").status_code == 404
    response = client.get(f"/admin/launches?platform={number}")
    assert response.status_code == 400 and "platform" in response.get_data(as_text=True)


@pytest.mark.parametrize("number", [*HUGE, "-1", "0"])
@pytest.mark.parametrize(
    ("url", "field"), [("/teach/class/resync", "enrollment_id"), ("/teach/assign", "path_id")]
)
def test_ids_beyond_the_database_in_forms_are_refused(teacher, session, url, field, number):
    before = snapshot(session)
    response = post(teacher, url, {field: number}, "/teach")
    assert response.status_code == 400, text_of(response)
    assert field in text_of(response)
    assert snapshot(session) == before


@pytest.mark.parametrize(
    ("raw", "page"), [("2", 2), ("²", 1), ("-1", 1), ("", 1), ("9" * 5000, 7), ("٣", 1), ("0", 1)]
)
def test_page_numbers_are_read_safely(raw, page):
    assert page_number(raw, 7) == page


def test_a_superscript_page_number_shows_the_first_page(teacher):
    assert teacher.get("/teach?page=²").status_code == 200


@pytest.mark.parametrize(
    ("body", "code", "words"),
    [
        (b"[" * 100000, "json_too_deep", "more than 20 levels"),
        (b'{"a":' * 50000 + b"1" + b"}" * 50000, "json_too_deep", "more than 20 levels"),
        (b'{"title": 1' + b"1" * 5000 + b"}", "invalid_json", "number too long"),
    ],
)
def test_import_of_json_no_path_could_be_is_refused_by_name(teacher, session, body, code, words):
    page_of(teacher, "/teach/paths")
    before = snapshot(session)
    response = upload(teacher, body)
    assert response.status_code == 400
    assert code in text_of(response) and words in text_of(response)
    assert snapshot(session) == before


def test_brackets_inside_strings_do_not_count_as_nesting(teacher, session):
    document = {
        "title": "[[[[" * 20 + "{{{{" * 20 + '\\"[[',
        "steps": [{"key": "s1", "kind": "read", "title": "Read", "instructions": "]]]" * 50}],
    }
    response = upload(teacher, document)
    assert response.status_code == 303, text_of(response)


# -- NUL characters: PostgreSQL text cannot hold one ------------------------------------


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/teach/paths", {"title": "Cells\x00", "language": "en"}),
        ("/teach/paths", {"title": "Cells", "language": "en", "a\x00": "x"}),
        ("/teach/class/pacing", {"due_date": "\x002030-01-01"}),
    ],
)
def test_a_nul_character_in_a_form_is_refused(teacher, session, url, data):
    before = snapshot(session)
    response = post(teacher, url, data, "/teach/paths")
    assert response.status_code == 400 and "nul_character" in text_of(response)
    assert snapshot(session) == before


@pytest.mark.parametrize(
    "url", ["/teach/paths/1/steps/a%00b", "/teach?page=%00", "/admin/launches?outcome=%00"]
)
def test_a_nul_character_in_an_address_is_refused(teacher, url):
    response = teacher.get(url)
    assert response.status_code == 400 and "nul_character" in text_of(response)


def test_a_login_with_a_nul_character_is_refused_and_not_recorded(browser, platform, session):
    response = browser.login(platform, iss=platform.issuer + "\x00")
    assert response.status_code == 400 and "Location" not in response.headers
    assert session.scalar(select(func.count()).select_from(LaunchState)) == 0
    assert session.scalar(select(func.count()).select_from(LaunchRecord)) == 0


def test_import_of_a_path_holding_a_nul_character_is_refused(teacher, session):
    page_of(teacher, "/teach/paths")
    before = snapshot(session)
    response = upload(teacher, {"title": "Cells\u0000", "steps": []})
    assert response.status_code == 400 and "nul_character" in text_of(response)
    assert snapshot(session) == before
