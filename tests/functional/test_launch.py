"""The whole LTI 1.3 launch through a test platform that signs real JWTs."""

from __future__ import annotations

from sqlalchemy import func, select

from lti import claims
from lti.models import LaunchRecord
from paths.people import Activity, Course, Membership, User
from service.demo.platform import LaunchContext
from tests.conftest import TOOL_BASE
from tests.platform import DROP, LEARNER, TEACHER, auth_request


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def session_role(browser) -> str | None:
    with browser.client.session_transaction() as web_session:
        return web_session.get("role")


def test_login_redirects_to_the_platform_with_every_oidc_parameter(browser, platform):
    response = browser.login(platform)
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(platform.issuer + "/auth?")
    query = auth_request(location)
    assert query["scope"] == "openid"
    assert query["response_type"] == "id_token"
    assert query["response_mode"] == "form_post"
    assert query["prompt"] == "none"
    assert query["client_id"] == "client-42"
    assert query["redirect_uri"] == TOOL_BASE + "/lti/launch"
    assert query["login_hint"] == LEARNER.subject
    assert query["lti_message_hint"] == "hint-123"
    assert len(query["state"]) >= 32 and len(query["nonce"]) >= 32
    cookie = response.headers["Set-Cookie"]
    assert f"lti_state_{query['state']}=" in cookie and "HttpOnly" in cookie


def test_each_registration_is_asked_with_its_own_client_id(browser, platform, second_platform):
    for _ in range(2):  # the second time from what each registration's logins share
        for lms in (platform, second_platform):
            location = browser.login(lms).headers["Location"]
            assert location.startswith(lms.issuer + "/auth?")
            query = auth_request(location)
            assert query["client_id"] == lms.client_id
            assert query["redirect_uri"] == TOOL_BASE + "/lti/launch"
            assert query["login_hint"] == LEARNER.subject


def test_login_accepts_get_and_issues_a_fresh_state_each_time(browser, platform):
    first = auth_request(browser.login(platform, method="GET").headers["Location"])
    second = auth_request(browser.login(platform, method="GET").headers["Location"])
    assert first["state"] != second["state"] and first["nonce"] != second["nonce"]


def test_learner_launch_lands_in_the_tool_with_a_session(browser, platform, session):
    response = browser.launch(platform)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "Lan Pham" in page and 'data-testid="no-path"' in page
    user = session.scalars(select(User)).one()
    assert (user.issuer, user.subject, user.email) == (
        platform.issuer,
        "learner-1",
        "lan@school.invalid",
    )
    course = session.scalars(select(Course)).one()
    assert course.context_id == "course-1" and course.title == "Biology 10A"
    assert session.scalars(select(Activity)).one().resource_link_id == "link-1"
    membership = session.scalars(select(Membership)).one()
    assert (membership.user_id, membership.course_id, membership.role) == (
        user.id,
        course.id,
        "learner",
    )
    with browser.client.session_transaction() as web_session:
        assert web_session["user_id"] == user.id and web_session["course_id"] == course.id
        assert web_session["role"] == "learner"
    record = session.scalars(select(LaunchRecord)).one()
    assert (record.outcome, record.message_type, record.deployment_id) == (
        "accepted",
        claims.RESOURCE_LINK_REQUEST,
        "deploy-1",
    )


def test_teacher_launch_maps_instructor_to_teacher(browser, platform):
    response = browser.launch(platform, TEACHER)
    assert response.status_code == 303 and response.headers["Location"] == "/teach"
    assert session_role(browser) == "teacher"


def test_deep_linking_request_is_accepted(browser, platform):
    response = browser.launch(platform, TEACHER, message_type=claims.DEEP_LINKING_REQUEST)
    assert response.status_code == 303 and response.headers["Location"] == "/teach/deep-link"


def test_second_launch_updates_the_same_rows(browser, platform, session):
    browser.launch(platform)
    browser.launch(platform, **{claims.CONTEXT: {"id": "course-1", "title": "Biology 10B"}})
    assert count(session, User) == 1 and count(session, Membership) == 1
    assert session.scalars(select(Course)).one().title == "Biology 10B"


def test_several_audiences_pass_when_azp_is_our_client(browser, platform):
    response = browser.launch(platform, aud=["other-tool", "client-42"], azp="client-42")
    assert response.status_code == 200


def test_several_and_short_role_names(browser, platform):
    response = browser.launch(
        platform,
        **{
            claims.ROLES: [
                "Learner",
                "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator",
                "Instructor",
            ]
        },
    )
    assert response.status_code == 303 and session_role(browser) == "teacher"


def test_empty_roles_is_an_anonymous_launch(browser, platform):
    response = browser.launch(platform, **{claims.ROLES: []})
    assert response.status_code == 200 and session_role(browser) == "learner"


def test_launch_without_personal_data_or_context(browser, platform, session):
    response = browser.launch(platform, name=DROP, email=DROP, **{claims.CONTEXT: DROP})
    assert response.status_code == 200
    user = session.scalars(select(User)).one()
    assert user.name is None and user.email is None
    assert count(session, Course) == 0 and count(session, Membership) == 0


def test_unknown_and_extension_claims_are_ignored(browser, platform):
    response = browser.launch(
        platform,
        **{
            "https://example.org/ext/claim": {"x": 1},
            "https://purl.imsglobal.org/spec/lti/claim/lis": {},
        },
    )
    assert response.status_code == 200


def test_token_issued_a_moment_ahead_of_our_clock_is_accepted(browser, platform):
    from tests.platform import now

    assert browser.launch(platform, iat=now() + 2).status_code == 200


def test_platform_key_rotation_is_picked_up_by_one_refetch(browser, platform, monkeypatch):
    from service.demo.platform import PlatformKey

    monkeypatch.setattr("lti.platform_keys.MIN_REFETCH_SECONDS", 0)
    assert browser.launch(platform).status_code == 200
    assert platform.jwks_hits == 1
    assert browser.launch(platform).status_code == 200
    assert platform.jwks_hits == 1  # cached
    rotated = PlatformKey.generate()
    platform.published.append(rotated)
    assert browser.launch(platform, key=rotated).status_code == 200
    assert platform.jwks_hits == 2


def test_tenants_are_separate(browser, platform, second_platform, session):
    """The same LMS ids on two platforms and two deployments never share rows."""
    browser.launch(platform)
    browser.launch(second_platform)
    other = LaunchContext(**{**LEARNER.__dict__, "subject": "learner-2"})
    browser.launch(second_platform, other, **{claims.DEPLOYMENT_ID: "deploy-b"})
    assert count(session, User) == 3
    courses = session.scalars(select(Course)).all()
    assert len(courses) == 3 and {c.context_id for c in courses} == {"course-1"}
    assert len({c.tenant_id for c in courses}) == 3
    assert count(session, Activity) == 3


def test_platform_error_post_shows_a_friendly_page(client, platform):
    response = client.post(
        "/lti/launch", data={"error": "login_required", "error_description": "Not logged in"}
    )
    assert response.status_code == 400
    assert "Not logged in" in response.get_data(as_text=True)


def _state_cookies(browser) -> set[str]:
    return {c.key for c in browser.client._cookies.values() if c.key.startswith("lti_state_")}


def test_a_launch_expires_its_own_state_cookie_and_no_other(browser, platform):
    other_tab = browser.start(platform)  # a second login, still waiting for its launch
    response = browser.launch(platform)  # no path on the activity yet: the page says so
    assert response.status_code == 200
    spent = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("lti_state_")]
    assert len(spent) == 1 and "Max-Age=0" in spent[0] and "Path=/lti" in spent[0]
    assert _state_cookies(browser) == {f"lti_state_{other_tab['state']}"}


def test_a_refused_launch_that_spent_its_state_expires_the_cookie_too(browser, platform):
    auth = browser.start(platform)
    body = platform.claims(auth["nonce"], TOOL_BASE, LEARNER, claims.RESOURCE_LINK_REQUEST)
    body[claims.VERSION] = "1.1"  # checked after the nonce is spent
    refused = browser.post_launch(platform.sign(body), auth["state"])
    assert refused.status_code == 400, refused.get_data(as_text=True)
    assert _state_cookies(browser) == set()


def test_a_launch_refused_before_its_nonce_keeps_the_state_cookie_for_the_real_one(
    browser, platform
):
    auth = browser.start(platform)
    body = platform.claims(auth["nonce"], TOOL_BASE, LEARNER, claims.RESOURCE_LINK_REQUEST)
    forged = platform.sign({**body, "nonce": "another-login"})
    assert browser.post_launch(forged, auth["state"]).status_code in (400, 401)
    assert _state_cookies(browser) == {f"lti_state_{auth['state']}"}
    assert browser.post_launch(platform.sign(body), auth["state"]).status_code == 200
    assert _state_cookies(browser) == set()
