"""Registering an LMS by hand in the admin console: the form, its checks, and that a
refusal keeps what was typed and stores nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lti.models import Deployment, Platform
from tests.functional.admin_browser import AdminBrowser

MOODLE = {
    "name": "Trường THPT Lê Lợi Moodle",
    "issuer": "https://moodle.school.example",
    "client_id": "AbC123",
    "auth_login_url": "https://moodle.school.example/mod/lti/auth.php",
    "auth_token_url": "https://moodle.school.example/mod/lti/token.php",
    "key_set_url": "https://moodle.school.example/mod/lti/certs.php",
    "deployment_ids": "7\n8, 9\n\n7",
}


@pytest.fixture
def console(client) -> AdminBrowser:
    signed_in = AdminBrowser(client)
    assert signed_in.sign_in().status_code == 302
    return signed_in


def stored(session) -> tuple[int, int]:
    return (
        session.scalar(select(func.count(Platform.id))),
        session.scalar(select(func.count(Deployment.id))),
    )


def submit(console: AdminBrowser, values: dict[str, str]):
    return console.client.post(
        "/admin/platforms/new", data={"csrf_token": console.csrf("/admin/platforms/new"), **values}
    )


def test_the_form_is_an_html_page_linked_from_the_platforms(console):
    assert 'href="/admin/platforms/new"' in console.client.get("/admin/").get_data(as_text=True)
    response = console.client.get("/admin/platforms/new")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    for label in (
        "Platform ID (issuer)",
        "Client ID",
        "Authentication request URL",
        "Access token URL",
        "Public keyset URL",
        "Deployment IDs",
    ):
        assert label in page


def test_a_platform_added_by_hand_is_registered_with_its_deployments(console, session):
    response = submit(console, MOODLE)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"
    platform = session.scalars(select(Platform)).one()
    assert (platform.name, platform.issuer, platform.client_id, platform.enabled) == (
        MOODLE["name"],
        MOODLE["issuer"],
        "AbC123",
        True,
    )
    assert sorted(d.deployment_id for d in platform.deployments) == ["7", "8", "9"]
    page = console.client.get("/admin/").get_data(as_text=True)
    assert "is registered with 3 deployment(s)" in page and MOODLE["name"] in page


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"issuer": ""}, "Platform ID (issuer)"),
        ({"client_id": "   "}, "Client ID"),
        ({"key_set_url": "ftp://moodle.school.example/certs"}, "key set URL must be an http(s)"),
        ({"auth_login_url": "x" * 3000}, "Authentication request URL"),
        ({"deployment_ids": "\n".join(str(n) for n in range(60))}, "at most 50 deployment IDs"),
        ({"deployment_ids": "d" * 300}, "at most 255 characters"),
    ],
)
def test_a_wrong_value_shows_the_form_again_with_the_reason(console, session, change, words):
    response = submit(console, {**MOODLE, **change})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'role="alert"' in page and words in page
    assert 'value="https://moodle.school.example/mod/lti/token.php"' in page  # kept
    assert stored(session) == (0, 0)


def test_a_platform_registered_twice_is_refused(console, session):
    submit(console, MOODLE)
    response = submit(console, {**MOODLE, "deployment_ids": "10"})
    assert response.status_code == 400 and "already registered" in response.get_data(as_text=True)
    assert stored(session) == (1, 3)


def test_production_refuses_an_internal_address(app, console, session, monkeypatch):
    production = app.extensions["selfpath.settings"].with_changes(env="production")
    monkeypatch.setitem(app.extensions, "selfpath.settings", production)
    response = submit(console, {**MOODLE, "key_set_url": "https://127.1/certs.php"})
    assert response.status_code == 400
    assert stored(session) == (0, 0)


def test_the_form_needs_the_console_session_and_its_token(client, session):
    assert client.get("/admin/platforms/new").status_code == 302  # to sign-in
    assert client.post("/admin/platforms/new", data=MOODLE).status_code in (400, 401)
    assert stored(session) == (0, 0)
