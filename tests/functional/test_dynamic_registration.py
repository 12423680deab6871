"""Dynamic registration over real HTTP against test LMSs shaped like Moodle and Canvas,
then a launch with the registration Selfpath stored."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from werkzeug.wrappers import Response

from lti.models import Deployment, LaunchRecord, Platform
from tests.gunicorn import free_port
from tests.platform import DROP, TOOL_CONFIGURATION, RegisteringLms, TestPlatform

AGS = "https://purl.imsglobal.org/spec/lti-ags/scope/"
NRPS = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


@pytest.fixture
def moodle(app, platform_server) -> RegisteringLms:
    return RegisteringLms(TestPlatform(platform_server, name="moodle-dr", client_id="-"))


@pytest.fixture
def canvas(app, platform_server) -> RegisteringLms:
    return RegisteringLms(
        TestPlatform(platform_server, name="canvas-dr", client_id="-"), style="canvas"
    )


def register(client, lms: RegisteringLms, **invite):
    return client.get("/lti/register", query_string=invite or lms.invite())


def registered(session, lms: RegisteringLms) -> Platform:
    """The stored platform; the test LMS then launches with the client id it issued."""
    row = session.scalars(
        select(Platform).where(Platform.issuer == lms.platform.issuer).order_by(Platform.id.desc())
    ).first()
    lms.platform.client_id = row.client_id
    lms.platform.platform_id = row.id
    return row


def stored(session) -> list[tuple]:
    platforms = [(p.issuer, p.client_id) for p in session.scalars(select(Platform))]
    deployments = [(d.platform_id, d.deployment_id) for d in session.scalars(select(Deployment))]
    return platforms + deployments


def test_registration_pages_are_html(client, moodle):
    done = register(client, moodle)
    refused = client.get(
        "/lti/register", query_string={"openid_configuration": "http://127.0.0.1:9/nothing-here"}
    )
    assert done.status_code == 200 and done.headers["Content-Type"] == "text/html; charset=utf-8"
    assert refused.status_code >= 400
    assert refused.headers["Content-Type"] == "text/html; charset=utf-8"


def test_moodle_registers_in_one_step_and_then_launches(client, browser, session, moodle):
    response = register(client, moodle)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "Registration complete, you can close this window" in page
    assert (
        "(window.opener || window.parent).postMessage({subject: 'org.imsglobal.lti.close'}"
        ", '*')" in page
    )
    platform = registered(session, moodle)
    assert (
        platform.client_id,
        platform.auth_login_url,
        platform.auth_token_url,
        platform.key_set_url,
        platform.auth_audience,
    ) == (
        "moodle-client-1",
        f"{moodle.platform.issuer}/auth",
        f"{moodle.platform.issuer}/token",
        moodle.platform.jwks_url,
        None,
    )
    assert platform.name.startswith("Moodle at 127.0.0.1:")
    assert [(d.deployment_id, d.enabled) for d in platform.deployments] == [("1", True)]
    assert platform.accepts_new_deployments is False
    moodle.platform.deployment_ids = ("1",)
    assert browser.launch(moodle.platform).status_code == 200


def test_the_registration_posted_is_what_an_lms_needs(client, moodle):
    register(client, moodle)
    (get, post) = moodle.received
    assert get.method == "GET" and get.authorization == "Bearer registration-token-1"
    assert post.method == "POST" and post.authorization == "Bearer registration-token-1"
    body = post.body
    assert body["application_type"] == "web" and body["response_types"] == ["id_token"]
    assert body["grant_types"] == ["implicit", "client_credentials"]
    assert body["initiate_login_uri"] == "http://localhost/lti/login"
    assert body["redirect_uris"] == ["http://localhost/lti/launch"]
    assert body["jwks_uri"] == "http://localhost/lti/jwks"
    assert body["token_endpoint_auth_method"] == "private_key_jwt"
    assert body["scope"].split(" ") == [
        AGS + "lineitem",
        AGS + "result.readonly",
        AGS + "score",
        NRPS,
    ]
    assert body["logo_uri"] == "http://localhost/static/selfpath-logo.svg"
    assert (body["client_name"], body["client_name#vi"]) == (
        "Selfpath",
        "Selfpath – Lộ trình tự học",
    )
    tool = body[TOOL_CONFIGURATION]
    assert tool["domain"] == "localhost"
    assert tool["target_link_uri"] == "http://localhost/lti/launch"
    assert tool["claims"] == ["iss", "sub", "name", "given_name", "family_name", "email", "locale"]
    assert isinstance(tool["custom_parameters"], dict) and tool["description"]
    messages = {m["type"]: m for m in tool["messages"]}
    assert set(messages) == {"LtiResourceLinkRequest", "LtiDeepLinkingRequest"}
    assert {"link_selection", "assignment_selection"} <= set(
        messages["LtiDeepLinkingRequest"]["placements"]
    )
    assert messages["LtiResourceLinkRequest"]["placements"] == ["course_navigation"]
    assert all(m["target_link_uri"] == "http://localhost/lti/launch" for m in messages.values())


def test_the_logo_offered_to_the_lms_is_served(client):
    with client.get("/static/selfpath-logo.svg") as response:
        assert response.status_code == 200 and b"<svg" in response.data


def test_canvas_registers_with_the_token_and_its_deployments_launch(
    client, browser, session, canvas
):
    response = register(client, canvas)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert canvas.received[0].authorization == "Bearer registration-token-1"
    platform = registered(session, canvas)
    assert platform.auth_audience == f"{canvas.platform.issuer}/token-audience"
    assert platform.deployments == [] and platform.accepts_new_deployments is True
    assert platform.granted_scopes == AGS + "score"  # what Canvas granted, not what we asked
    canvas.platform.deployment_ids = ("canvas-deployment-9",)
    assert browser.launch(canvas.platform).status_code == 200
    session.expire_all()
    assert [d.deployment_id for d in platform.deployments] == ["canvas-deployment-9"]


def test_registration_page_may_be_framed_by_the_lms(client, canvas):
    policy = register(client, canvas).headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {canvas.server.base_url}" in policy


def test_older_moodle_configuration_is_understood(client, browser, session, moodle):
    moodle.old_moodle = True
    assert register(client, moodle).status_code == 200
    registered(session, moodle)
    moodle.platform.deployment_ids = ("1",)
    assert browser.launch(moodle.platform).status_code == 200


def test_a_second_registration_adds_a_client_and_keeps_the_first(client, browser, session, moodle):
    register(client, moodle)
    first = registered(session, moodle)
    assert register(client, moodle).status_code == 200
    rows = session.scalars(select(Platform).order_by(Platform.id)).all()
    assert [p.client_id for p in rows] == ["moodle-client-1", "moodle-client-2"]
    assert rows[0].id == first.id and rows[0].deployments[0].deployment_id == "1"
    moodle.platform.client_id, moodle.platform.deployment_ids = "moodle-client-1", ("1",)
    assert browser.launch(moodle.platform).status_code == 200


def assert_nothing_stored(session, response, status, code, words):
    page = response.get_data(as_text=True)
    assert response.status_code == status, page
    assert code in page and words in page
    assert stored(session) == []
    assert session.scalars(select(LaunchRecord)).all() == []


def test_registration_needs_the_lms_configuration_address(client, session):
    response = client.get("/lti/register")
    assert_nothing_stored(
        session, response, 400, "missing_openid_configuration", "paste it into your LMS"
    )


@pytest.mark.parametrize(
    ("token", "words"),
    [
        (None, "the registration token is needed and none was given (HTTP 401"),
        ("not-the-token", "the registration token was refused (HTTP 401"),
    ],
)
def test_missing_or_wrong_registration_token(client, session, canvas, token, words):
    response = register(client, canvas, **canvas.invite(token))
    assert_nothing_stored(session, response, 400, "registration_token_refused", words)


def test_wrong_token_refused_at_the_registration_endpoint(client, session, moodle):
    response = register(client, moodle, **moodle.invite("stale-token"))
    assert_nothing_stored(
        session, response, 400, "registration_token_refused", moodle.registration_endpoint
    )


def test_issuer_on_another_origin_is_refused(client, session, moodle):
    moodle.configuration_changes["issuer"] = "https://lms.example.edu"
    response = register(client, moodle)
    assert_nothing_stored(
        session, response, 400, "issuer_mismatch", "names the issuer https://lms.example.edu"
    )
    assert [r.method for r in moodle.received] == ["GET"]  # nothing was posted


def test_issuer_on_another_port_is_refused(client, session, moodle):
    moodle.configuration_changes["issuer"] = f"http://127.0.0.1:{free_port()}/moodle-dr"
    response = register(client, moodle)
    assert_nothing_stored(session, response, 400, "issuer_mismatch", "same origin")


def test_unreachable_lms(client, session):
    url = f"http://127.0.0.1:{free_port()}/mod/lti/openid-configuration.php"
    response = client.get(
        "/lti/register", query_string={"openid_configuration": url, "registration_token": "t"}
    )
    assert_nothing_stored(
        session, response, 502, "platform_unreachable", "Selfpath could not reach"
    )


def test_plain_http_to_another_host_is_refused(client, session):
    response = client.get(
        "/lti/register",
        query_string={
            "openid_configuration": "http://lms.example.edu/.well-known/openid-configuration"
        },
    )
    assert_nothing_stored(session, response, 400, "insecure_platform_url", "https://")


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"registration_endpoint": DROP}, "no usable &#39;registration_endpoint&#39;"),
        ({"jwks_uri": "not a url"}, "no usable &#39;jwks_uri&#39;"),
        ({"issuer": DROP}, "no usable &#39;issuer&#39;"),
        ({"id_token_signing_alg_values_supported": ["HS256"]}, "&#39;RS256&#39;"),
        ({"response_types_supported": ["code"]}, "&#39;id_token&#39;"),
        (
            {"https://purl.imsglobal.org/spec/lti-platform-configuration": DROP},
            "lti-platform-configuration",
        ),
        (
            {
                "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                    "product_family_code": "moodle",
                    "messages_supported": [{"type": "LtiResourceLinkRequest"}],
                }
            },
            "LtiDeepLinkingRequest",
        ),
    ],
)
def test_configuration_without_what_selfpath_needs(client, session, moodle, change, words):
    moodle.configuration_changes.update(change)
    response = register(client, moodle)
    assert_nothing_stored(session, response, 502, "configuration_incomplete", words)


def test_configuration_that_is_not_json(client, session, moodle, platform_server):
    path = "/moodle-dr/mod/lti/openid-configuration.php"
    platform_server.routes[path] = lambda request: Response("<html>login</html>")
    response = register(client, moodle)
    assert_nothing_stored(session, response, 502, "platform_not_json", "is not JSON")


@pytest.mark.parametrize(
    ("answer", "status", "code", "words"),
    [
        (
            Response(
                json.dumps(
                    {
                        "error": "invalid_client_metadata",
                        "error_description": "redirect_uris must be https",
                    }
                ),
                status=400,
                mimetype="application/json",
            ),
            502,
            "platform_error",
            "HTTP 400 from",
        ),
        (Response("upstream timed out", status=503), 502, "platform_error", "HTTP 503"),
        (Response("<html>oops</html>", status=200), 502, "platform_not_json", "is not JSON"),
        (
            Response(json.dumps({"client_name": "Selfpath"}), mimetype="application/json"),
            502,
            "registration_unusable",
            "has no client_id",
        ),
        (
            Response(json.dumps(["client_id", "x"]), mimetype="application/json"),
            502,
            "registration_unusable",
            "is not a JSON object",
        ),
    ],
)
def test_registration_endpoint_failures(client, session, moodle, answer, status, code, words):
    moodle.answer = lambda body: answer
    response = register(client, moodle)
    assert_nothing_stored(session, response, status, code, words)


def test_the_lms_error_description_is_shown(client, session, moodle):
    moodle.answer = lambda body: Response(
        json.dumps(
            {"error": "invalid_client_metadata", "error_description": "redirect_uris must be https"}
        ),
        status=400,
        mimetype="application/json",
    )
    page = register(client, moodle).get_data(as_text=True)
    assert "redirect_uris must be https" in page


def test_setup_page_gives_the_registration_url(client):
    page = client.get("/lti/setup").get_data(as_text=True)
    assert '<code data-testid="register-url">http://localhost/lti/register</code>' in page


def test_registrations_are_rate_limited_per_address(client, session):
    statuses = [client.get("/lti/register").status_code for _ in range(11)]
    assert statuses == [400] * 10 + [429]


def test_registrations_from_different_addresses_are_limited_apart(client):
    statuses = [client.get("/lti/register").status_code for _ in range(11)]
    other = client.get("/lti/register", environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert statuses[-1] == 429 and other.status_code == 400


@pytest.fixture
def approval(app, monkeypatch):
    """DYNAMIC_REGISTRATION=approve, the production default."""
    waiting = app.extensions["selfpath.settings"].with_changes(dynamic_registration="approve")
    monkeypatch.setitem(app.extensions, "selfpath.settings", waiting)


def test_with_approval_a_registration_is_recorded_inactive(approval, client, session, moodle):
    response = register(client, moodle)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "waits for the Selfpath admin" in page and "Registration complete" not in page
    assert "addEventListener('click', closeRegistration)" in page  # read first, then close
    platform = registered(session, moodle)
    assert (platform.enabled, platform.awaiting_approval) == (False, True)
    assert [d.deployment_id for d in platform.deployments] == ["1"]


def test_launches_from_a_registration_awaiting_approval_are_refused_and_logged(
    approval, client, browser, session, moodle
):
    register(client, moodle)
    registered(session, moodle)
    moodle.platform.deployment_ids = ("1",)
    response = browser.login(moodle.platform)
    assert response.status_code == 403 and "Location" not in response.headers
    assert "waits for the Selfpath admin&#39;s approval" in response.get_data(as_text=True)
    record = session.scalars(select(LaunchRecord)).one()
    assert record.reason_code == "platform_awaiting_approval"
    assert "approve it under Platforms in the Selfpath admin console" in record.reason


def test_an_approved_registration_launches_at_once(approval, client, browser, session, moodle):
    from tests.functional.admin_browser import AdminBrowser

    register(client, moodle)
    platform = registered(session, moodle)
    admin = AdminBrowser(client)
    assert admin.sign_in().status_code == 302
    assert admin.post(f"/admin/platforms/{platform.id}/approve").status_code == 302
    session.expire_all()
    assert (platform.enabled, platform.awaiting_approval) == (True, False)
    moodle.platform.deployment_ids = ("1",)
    assert browser.launch(moodle.platform).status_code == 200


def test_accepting_registrations_enables_them_at_once(client, session, moodle):
    # DYNAMIC_REGISTRATION=accept (the development and test default)
    assert register(client, moodle).status_code == 200
    platform = registered(session, moodle)
    assert (platform.enabled, platform.awaiting_approval) == (True, False)
