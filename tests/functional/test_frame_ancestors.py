"""Who may frame Selfpath: a session's pages only its own platform, pages without a session
nobody but Selfpath, and a launch in progress the platform running it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from lti.frame_origins import FrameOrigins
from lti.models import Platform
from lti.registrations import PlatformDetails, add_platform
from service.lti.services import EXTENSION as LTI_SERVICES
from tests.clocks import FakeClock
from tests.conftest import TOOL_BASE
from tests.functional.admin_browser import AdminBrowser
from tests.platform import LEARNER

OTHER_SCHOOL = "https://lms.other-school.example"


def frame_ancestors(response) -> str:
    policy = response.headers["Content-Security-Policy"]
    return policy.split("frame-ancestors ", 1)[1]


@pytest.fixture
def other_school(session) -> Platform:
    """Platform B: registered and enabled, on another origin than the test platform A."""
    platform = add_platform(
        session,
        PlatformDetails(
            name="Other school",
            issuer=OTHER_SCHOOL,
            client_id="b-1",
            auth_login_url=OTHER_SCHOOL + "/auth",
            auth_token_url=OTHER_SCHOOL + "/token",
            key_set_url=OTHER_SCHOOL + "/jwks",
        ),
    )
    session.commit()
    return platform


@pytest.fixture
def clock(app, monkeypatch) -> FakeClock:
    fake = FakeClock()
    services = replace(app.extensions[LTI_SERVICES], frame_origins=FrameOrigins(clock=fake))
    monkeypatch.setitem(app.extensions, LTI_SERVICES, services)
    return fake


def test_a_page_without_a_session_is_framed_by_no_lms(client, platform, other_school):
    assert frame_ancestors(client.get("/lti/setup")) == "'self'"
    assert "X-Frame-Options" not in client.get("/lti/setup").headers


def test_a_session_is_framed_by_its_own_platform_only(other_school, learner, platform):
    # B is registered before A's launch, so a policy for every platform would name it
    origin = platform.server.base_url
    page = learner.get("/path")
    assert page.status_code == 200
    assert frame_ancestors(page) == f"'self' {origin}"
    assert OTHER_SCHOOL not in page.headers["Content-Security-Policy"]


def test_the_page_a_launch_lands_on_is_framed_by_the_launching_platform(
    browser, platform, other_school
):
    response = browser.launch(platform, LEARNER)  # no path assigned: a page, not a redirect
    assert response.status_code == 200
    assert frame_ancestors(response) == f"'self' {platform.server.base_url}"


def test_a_session_that_names_only_its_tenant_is_still_framed_by_its_platform(
    other_school, learner, platform
):
    with learner.session_transaction() as stored:  # a session from before the change
        stored.pop("platform_id")
    assert frame_ancestors(learner.get("/path")) == f"'self' {platform.server.base_url}"


def test_a_disabled_platform_stops_framing_within_the_cache_time(clock, learner, platform, session):
    origin = platform.server.base_url
    assert frame_ancestors(learner.get("/path")) == f"'self' {origin}"
    session.get(Platform, platform.platform_id).enabled = False  # another instance's admin
    session.commit()
    clock.now += 59
    assert frame_ancestors(learner.get("/path")) == f"'self' {origin}"  # cached, one minute
    clock.now += 2
    assert frame_ancestors(learner.get("/path")) == "'self'"


def test_disabling_in_the_console_stops_framing_at_once(clock, learner, platform, client):
    assert frame_ancestors(learner.get("/path")) == f"'self' {platform.server.base_url}"
    admin = AdminBrowser(client)
    assert admin.sign_in().status_code == 302
    assert admin.post(f"/admin/platforms/{platform.platform_id}/disable").status_code == 302
    assert frame_ancestors(client.get("/path")) == "'self'"


def test_pages_cost_no_query_for_the_frame_policy_once_cached(learner, platform):
    from service.extensions import db
    from tests.statements import counted

    learner.get("/path")
    with counted(db.engine) as warm:
        learner.get("/path")
    learner.application.extensions[LTI_SERVICES].frame_origins.forget()
    with counted(db.engine) as cold:
        learner.get("/path")
    assert len(cold) == len(warm) + 1


def test_the_platform_storage_login_page_is_framed_by_its_platform(browser, platform, other_school):
    response = browser.login(platform, lti_storage_target="post_message_forwarding")
    assert response.status_code == 200
    assert frame_ancestors(response) == f"'self' {platform.server.base_url}"


def test_a_refused_launch_shows_its_reason_in_the_platform_frame(browser, platform, other_school):
    auth = browser.start(platform)
    body = platform.claims(auth["nonce"], TOOL_BASE, LEARNER, exp=1)  # long expired
    response = browser.post_launch(platform.sign(body), auth["state"])
    assert response.status_code == 401
    assert frame_ancestors(response) == f"'self' {platform.server.base_url}"


def test_a_disabled_platform_frames_not_even_its_refusals(browser, platform, session):
    auth = browser.start(platform)
    session.get(Platform, platform.platform_id).enabled = False
    session.commit()
    response = browser.post_launch(
        platform.sign(platform.claims(auth["nonce"], TOOL_BASE)), auth["state"]
    )
    assert response.status_code == 403 and "platform_disabled" in response.get_data(as_text=True)
    assert frame_ancestors(response) == "'self'"
    assert session.scalars(select(Platform.enabled)).all() == [False]


def test_a_launch_refused_before_its_token_is_read_is_framed_by_the_login_platform(
    browser, platform, other_school
):
    auth = browser.start(platform)
    token = platform.sign(platform.claims(auth["nonce"], TOOL_BASE))
    browser.client.delete_cookie(f"lti_state_{auth['state']}", path="/lti")  # storage only
    response = browser.post_launch(token, auth["state"], lti_storage_binding="not-this-one")
    assert response.status_code == 400 and "state_mismatch" in response.get_data(as_text=True)
    assert frame_ancestors(response) == f"'self' {platform.server.base_url}"
