"""A learner keeps studying when the browser withholds every cookie in the LMS frame:
the session travels as a signed, short-lived `sp` token in Selfpath's links and forms."""

from __future__ import annotations

import html
import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from service import web_session
from tests.conftest import TOOL_BASE
from tests.functional.learner_pages import assign_demo_path, events, statuses, up_next
from tests.platform import LEARNER, TEACHER, auth_request


def launch_through_platform_storage(app, platform, who=LEARNER):
    """A client that keeps no cookies at all, launched through platform storage."""
    client = app.test_client(use_cookies=False)
    params = platform.login_params(TOOL_BASE, who, lti_storage_target="_parent")
    login_page = client.post("/lti/login", data=params).get_data(as_text=True)
    binding = json.loads(re.search(r'value: ("[^"]+")', login_page).group(1))
    auth = auth_request(json.loads(re.search(r'next = ("[^"]+")', login_page).group(1)))
    token = platform.sign(platform.claims(auth["nonce"], TOOL_BASE, who))
    fields = {"id_token": token, "state": auth["state"]}
    assert "lti.get_data" in client.post("/lti/launch", data=fields).get_data(as_text=True)
    finished = client.post("/lti/launch", data={**fields, "lti_storage_binding": binding})
    return client, finished


def sp_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)[web_session.TOKEN_PARAM][0]


def form_of(page: str, action_part: str) -> tuple[str, str]:
    """The action and CSRF token of the page's form whose action contains `action_part`."""
    for form in re.findall(r"<form.*?</form>", page, flags=re.S):
        action = html.unescape(re.search(r'action="([^"]+)"', form).group(1))
        if action_part in action:
            return action, re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    raise AssertionError(f"no form posting to {action_part}")


@pytest.fixture
def cookieless(app, platform, session):
    assign_demo_path(session, platform)
    client, finished = launch_through_platform_storage(app, platform)
    assert finished.status_code == 303, finished.get_data(as_text=True)
    return client, finished.headers["Location"]


def test_launch_without_cookies_lands_on_the_path_with_a_session_token(cookieless):
    client, location = cookieless
    assert location.startswith("/path?sp=")
    page = client.get(location).get_data(as_text=True)
    assert "Up next" in up_next(page)
    links = [html.unescape(h) for h in re.findall(r'href="(/path[^"]*)"', page)]
    assert links and all("sp=" in link for link in links)
    assert all("sp=" in html.unescape(a) for a in re.findall(r'action="([^"]+)"', page))


def test_learner_completes_a_step_without_cookies(cookieless, session):
    client, location = cookieless
    page = client.get(location).get_data(as_text=True)
    first = up_next(page)
    step_url = html.unescape(
        re.search(r'href="(/path/steps/[^"]+)"', page.split('data-testid="up-next"')[1]).group(1)
    )
    step_page = client.get(step_url).get_data(as_text=True)
    action, csrf = form_of(step_page, "/done")
    done = client.post(action, data={"csrf_token": csrf, "confidence": "4"})
    assert done.status_code == 303 and "sp=" in done.headers["Location"]
    after = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Step done" in after  # the flash message travelled in the token
    assert up_next(after) != first and "done" in statuses(after).values()
    # ...and was spent: the links of that page carry a session without it.
    nav = html.unescape(re.search(r'<nav.*?href="(/path\?sp=[^"]+)"', after, re.S).group(1))
    again = client.get(nav).get_data(as_text=True)
    assert "Step done" not in again and "done" in statuses(again).values()


def test_csrf_still_holds_with_a_token_carried_session(app, platform, cookieless, session):
    client, location = cookieless
    page = client.get(location).get_data(as_text=True)
    action, csrf = form_of(page, "/goal")
    before = events(session)
    missing = client.post(action, data={"minutes_per_week": "60"})
    assert missing.status_code == 400 and "form expired" in missing.get_data(as_text=True)
    # A CSRF token from another person's session does not fit this one.
    with app.app_context():  # a request of its own: Flask-WTF caches the token in `g`
        other_client, other = launch_through_platform_storage(app, platform, TEACHER)
        _, foreign = form_of(
            other_client.get(other.headers["Location"]).get_data(as_text=True), "/teach/assign"
        )
    forged = client.post(action, data={"csrf_token": foreign, "minutes_per_week": "60"})
    assert forged.status_code == 400
    assert events(session) == before
    accepted = client.post(action, data={"csrf_token": csrf, "minutes_per_week": "60"})
    assert accepted.status_code == 303 and events(session) == before + 1


@pytest.mark.parametrize(
    "tamper",
    [
        lambda sp: sp[:-2] + ("AA" if not sp.endswith("AA") else "BB"),  # signature broken
        lambda sp: "x" + sp,  # payload changed
    ],
)
def test_tampered_token_is_refused(cookieless, tamper):
    client, location = cookieless
    bad = tamper(sp_of(location))
    response = client.get("/path", query_string={"sp": bad})
    assert response.status_code == 403
    assert "session has ended" in response.get_data(as_text=True)


def test_expired_token_is_refused(app, cookieless, monkeypatch):
    client, location = cookieless
    assert client.get(location).status_code == 200
    monkeypatch.setitem(app.config, "PERMANENT_SESSION_LIFETIME", timedelta(seconds=-1))
    assert client.get(location).status_code == 403


def test_token_from_another_application_secret_is_refused(app, cookieless):
    client, location = cookieless
    serializer = web_session.CookieOrTokenSessionInterface().token_serializer(app)
    payload = serializer.loads(sp_of(location))
    foreign = type(serializer)(
        "another-secret", salt=serializer.salt, serializer=serializer.serializer
    ).dumps(payload)
    assert client.get("/path", query_string={"sp": foreign}).status_code == 403


def test_a_launch_whose_cookies_came_back_uses_the_cookie(browser, platform, session):
    assign_demo_path(session, platform)
    response = browser.launch(platform, LEARNER)
    assert response.status_code == 303 and response.headers["Location"] == "/path"
    page = browser.client.get("/path").get_data(as_text=True)
    assert "sp=" not in page
