"""Sessions that end, and the headers every response carries: HTTPS pinning in
production, no caching of pages that need a session, and HTML sent as HTML."""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import flask
import pytest
from flask.json.tag import TaggedJSONSerializer
from markupsafe import Markup
from werkzeug.http import parse_date

from service.security import TRANSPORT_SECURITY
from service.web_session import RENEW_AFTER_SECONDS, SessionSerializer, VerifiedCookies
from tests.functional.admin_browser import AdminBrowser
from tests.functional.learner_pages import assign_demo_path
from tests.platform import LEARNER, TEACHER

HTML = "text/html; charset=utf-8"


def session_cookie(response) -> str:
    return next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("selfpath_session=")
    )


def test_a_learner_session_cookie_expires_after_session_hours(app, browser, platform, session):
    assign_demo_path(session, platform)
    before = datetime.now(UTC)
    response = browser.launch(platform, LEARNER)
    assert response.status_code == 303
    expires = parse_date(re.search(r"Expires=([^;]+)", session_cookie(response)).group(1))
    hours = app.extensions["selfpath.settings"].session_hours
    assert before < expires <= before + timedelta(hours=hours, minutes=1)
    assert app.permanent_session_lifetime == timedelta(hours=hours)


def session_cookies(response) -> list[str]:
    return [c for c in response.headers.getlist("Set-Cookie") if c.startswith("selfpath_session=")]


def test_a_page_soon_after_the_last_keeps_the_cookie_it_has(learner):
    learner.get("/path")
    response = learner.get("/path")
    assert response.status_code == 200 and session_cookies(response) == []


def test_a_page_renews_a_cookie_signed_longer_ago_than_the_renewal_interval(
    app, learner, monkeypatch
):
    learner.get("/path")
    later = time.time() + RENEW_AFTER_SECONDS + 1
    monkeypatch.setattr(app.session_interface, "clock", lambda: later)
    response = learner.get("/path")
    assert response.status_code == 200 and "Expires=" in session_cookie(response)


def test_the_session_serializer_is_built_once_per_secret(app):
    interface = app.session_interface
    first = interface.get_signing_serializer(app)
    assert interface.get_signing_serializer(app) is first
    secret = app.secret_key
    app.secret_key = "another secret, rotated in"
    try:
        assert interface.get_signing_serializer(app) is not first
    finally:
        app.secret_key = secret


def test_a_session_cookie_past_its_lifetime_is_refused(app, learner, monkeypatch):
    assert learner.get("/path").status_code == 200
    monkeypatch.setitem(app.config, "PERMANENT_SESSION_LIFETIME", timedelta(seconds=-1))
    assert learner.get("/path").status_code == 403


@pytest.fixture
def production(app, monkeypatch):
    settings = app.extensions["selfpath.settings"].with_changes(
        env="production", base_url="https://selfpath.example.edu"
    )
    monkeypatch.setitem(app.extensions, "selfpath.settings", settings)


@pytest.mark.parametrize("page", ["/healthz", "/lti/jwks", "/path"])
def test_production_responses_pin_https(production, client, page):
    assert (
        client.get(page).headers["Strict-Transport-Security"]
        == "max-age=31536000; includeSubDomains"
    )


def test_development_over_http_does_not_pin_https(client):
    assert "Strict-Transport-Security" not in client.get("/healthz").headers


@pytest.mark.parametrize("page", ["/path", "/path/my-data", "/path/skills"])
def test_a_learners_pages_are_not_stored(learner, page):
    response = learner.get(page)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("page", ["/teach", "/teach/class.csv", "/teach/paths"])
def test_a_teachers_pages_are_not_stored(browser, platform, session, page):
    assign_demo_path(session, platform)
    assert browser.launch(platform, TEACHER).status_code == 303
    response = browser.client.get(page)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"


def test_the_admin_console_is_not_stored(client):
    console = AdminBrowser(client)
    assert console.sign_in().status_code == 302
    assert client.get("/admin/").headers["Cache-Control"] == "no-store"
    assert client.get("/admin/login").headers["Cache-Control"] == "no-store"


def test_a_refused_session_page_is_not_stored_either(client):
    response = client.get("/path")
    assert response.status_code == 403 and response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("page", ["/lti/jwks", "/healthz", "/lti/setup", "/"])
def test_public_pages_keep_their_own_caching(client, page):
    assert client.get(page).headers.get("Cache-Control") != "no-store"


def test_the_key_set_stays_cacheable(client):
    assert client.get("/lti/jwks").headers["Cache-Control"] == "public, max-age=300"


def test_the_admin_sign_in_page_is_html(client):
    response = client.get("/admin/login")
    assert response.status_code == 200 and response.headers["Content-Type"] == HTML
    assert 'name="password"' in response.get_data(as_text=True)


def test_a_failed_admin_sign_in_is_html(client):
    response = AdminBrowser(client).sign_in(password="guess")
    assert response.status_code == 401 and response.headers["Content-Type"] == HTML


def test_the_platform_storage_login_page_is_html(browser, platform):
    response = browser.login(platform, lti_storage_target="_parent")
    assert response.status_code == 200 and response.headers["Content-Type"] == HTML


@pytest.mark.parametrize("page", ["/", "/lti/setup", "/lti/register", "/no-such-page"])
def test_public_html_pages_are_html(client, page):
    assert client.get(page).headers["Content-Type"] == HTML


def test_a_learners_path_page_is_html(learner):
    assert learner.get("/path").headers["Content-Type"] == HTML


def test_a_launch_without_a_path_lands_on_an_html_page(browser, platform):
    response = browser.launch(platform, LEARNER)
    assert response.status_code == 200 and response.headers["Content-Type"] == HTML


def test_the_nginx_example_pins_https_like_selfpath():
    deploy = (Path(__file__).resolve().parents[2] / "docs" / "deploy.md").read_text()
    assert f'add_header Strict-Transport-Security "{TRANSPORT_SECURITY}" always;' in deploy


SESSION_PREFIXES = ("/path", "/teach", "/admin")


def test_every_page_behind_a_session_is_sent_with_no_store(app):
    """A new blueprint of learner, teacher or admin pages must be in SESSION_BLUEPRINTS, or
    a shared computer's cache would keep a learner's data."""
    from service.security import SESSION_BLUEPRINTS

    behind = {
        rule.endpoint.split(".")[0]
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(SESSION_PREFIXES)
    }
    assert behind - SESSION_BLUEPRINTS == set()


# -- verified cookies: a cookie brought again is not verified again -------------------------
def signing_serializer(app):
    return app.session_interface.get_signing_serializer(app)


def test_a_cookie_brought_again_is_not_verified_again(app, learner, monkeypatch):
    assert learner.get("/path").status_code == 200
    serializer = signing_serializer(app)

    def verify_again(*args, **kwargs):
        raise AssertionError("the cookie was verified again")

    monkeypatch.setattr(serializer, "loads", verify_again)
    page = learner.get("/path")
    assert page.status_code == 200 and 'data-testid="up-next"' in page.get_data(as_text=True)


def open_with(app, cookie: str):
    """The session a request bringing `cookie` opens."""
    with app.test_request_context("/path", headers={"Cookie": f"selfpath_session={cookie}"}):
        return flask.session._get_current_object()


def test_a_page_gets_a_copy_of_a_verified_cookies_data(app):
    cookie = signing_serializer(app).dumps({"user_id": 7, "role": "learner"})
    first = open_with(app, cookie)
    first["user_id"] = 8
    again = open_with(app, cookie)
    assert dict(again) == {"user_id": 7, "role": "learner"} and again.signed_at is not None


def test_a_cookie_whose_signature_fails_is_refused_beside_a_verified_one(app):
    cookie = signing_serializer(app).dumps({"user_id": 7})
    assert open_with(app, cookie)["user_id"] == 7
    payload, _, signature = cookie.rpartition(".")
    forged = payload + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    assert dict(open_with(app, forged)) == {}


def test_a_session_holding_a_list_is_verified_every_time(app, monkeypatch):
    serializer = signing_serializer(app)
    cookie = serializer.dumps({"user_id": 7, "_flashes": [["message", "Saved"]]})
    open_with(app, cookie)
    calls = []
    real = serializer.loads
    monkeypatch.setattr(serializer, "loads", lambda *a, **k: calls.append(1) or real(*a, **k))
    opened = open_with(app, cookie)
    assert calls == [1] and opened["_flashes"] == [["message", "Saved"]]


def test_a_process_keeps_a_bounded_number_of_verified_cookies(app, monkeypatch):
    monkeypatch.setattr(VerifiedCookies, "SIZE", 3)
    serializer = signing_serializer(app)
    cookies = [serializer.dumps({"user_id": number}) for number in range(1, 6)]
    for cookie in cookies:
        open_with(app, cookie)
    kept = app.extensions["selfpath.session_serializer"][2]
    assert [kept.get(cookie, 3600) is not None for cookie in cookies] == [
        False,
        False,
        True,
        True,
        True,
    ]


def test_rotating_the_secret_forgets_the_verified_cookies(app):
    cookie = signing_serializer(app).dumps({"user_id": 7})
    assert open_with(app, cookie)["user_id"] == 7
    secret = app.secret_key
    app.secret_key = "another secret, rotated in"
    try:
        assert dict(open_with(app, cookie)) == {}
    finally:
        app.secret_key = secret


# -- the session's JSON: plain when it can be, tagged when it must --------------------------
def test_a_plain_session_is_written_as_plain_json_and_reads_back_the_same():
    data = {"user_id": 7, "role": "learner", "locale": None, "_permanent": True, "x": 1.5}
    written = SessionSerializer().dumps(data)
    assert written == json.dumps(data, separators=(",", ":"))
    assert SessionSerializer().loads(written) == data


@pytest.mark.parametrize(
    "data",
    [
        {"_flashes": [("message", "Saved")]},
        {"accept_types": ("ltiResourceLink",), "user_id": 1},
        {"notice": Markup("<b>bold</b>")},
        {" t": "a key Flask tags with"},
        {"deep_link": {"return_url": "https://lms.example/x", "types": ["a"]}},
    ],
    ids=["list of tuples", "tuple", "markup", "tag-shaped key", "nested"],
)
def test_a_session_with_values_json_cannot_tell_reads_back_as_it_was(data):
    read = SessionSerializer().loads(SessionSerializer().dumps(data))
    assert read == data and [type(v) for v in read.values()] == [type(v) for v in data.values()]


def test_a_cookie_written_by_flasks_own_serializer_still_opens(app):
    from itsdangerous import URLSafeTimedSerializer

    interface = app.session_interface
    flasks = URLSafeTimedSerializer(
        app.secret_key,
        salt=interface.salt,
        serializer=TaggedJSONSerializer(),
        signer_kwargs={"key_derivation": "hmac", "digest_method": interface.digest_method},
    )
    data = {"user_id": 9, "role": "teacher", "_flashes": [("message", "Saved")]}
    assert dict(open_with(app, flasks.dumps(data))) == {**data, "_flashes": [("message", "Saved")]}


def test_threads_opening_sessions_at_once_keep_the_bound(app, monkeypatch):
    from concurrent.futures import ThreadPoolExecutor

    monkeypatch.setattr(VerifiedCookies, "SIZE", 8)
    serializer = signing_serializer(app)
    cookies = [serializer.dumps({"user_id": number}) for number in range(1, 201)]
    kept = VerifiedCookies()

    def open_and_expire(cookie: str) -> None:
        kept.remember(cookie, {"user_id": 1}, 0)  # signed long ago: expired when asked
        kept.get(cookie, 60)
        kept.remember(cookie, {"user_id": 1}, int(time.time()))

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(open_and_expire, cookies))
    assert len(kept._cookies) <= 8
