"""Every bad launch gets a 4xx that says what was wrong, creates no user and no
session, and is recorded in the launch log with its reason."""

from __future__ import annotations

import base64
import json
from dataclasses import replace

import jwt
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from lti import claims
from lti.models import LaunchRecord
from lti.registrations import find_deployment, find_platform, set_platform_enabled
from paths.people import User
from service.demo.platform import PlatformKey
from tests.conftest import TOOL_BASE
from tests.functional.launch_steps import b64
from tests.platform import DROP, now


def assert_refused(browser, session, response, code, status=None, words=""):
    page = response.get_data(as_text=True)
    assert 400 <= response.status_code < 500, page
    if status:
        assert response.status_code == status
    assert code in page
    assert words in page
    assert session.scalar(select(func.count()).select_from(User)) == 0
    with browser.client.session_transaction() as web_session:
        assert "user_id" not in web_session
    records = session.scalars(select(LaunchRecord)).all()
    assert [(r.outcome, r.reason_code) for r in records] == [("refused", code)]
    assert records[0].reason


def launch_with_token(browser, platform, make_token):
    auth = browser.start(platform)
    body = platform.claims(auth["nonce"], TOOL_BASE)
    return browser.post_launch(make_token(body), auth["state"])


def test_alg_none_is_refused(browser, platform, session):
    def unsigned(body):
        return f"{b64({'alg': 'none', 'kid': platform.key.kid})}.{b64(body)}."

    response = launch_with_token(browser, platform, unsigned)
    assert_refused(browser, session, response, "bad_alg", 401, "only RS256")


def test_hs256_signed_with_the_public_key_is_refused(browser, platform, session):
    def hmac_token(body):
        header = {"alg": "HS256", "kid": platform.key.kid, "typ": "JWT"}
        signing_input = f"{b64(header)}.{b64(body)}"
        import hashlib
        import hmac

        secret = json.dumps(platform.key.jwk).encode()
        sig = hmac.new(secret, signing_input.encode(), hashlib.sha256).digest()
        return signing_input + "." + base64.urlsafe_b64encode(sig).rstrip(b"=").decode()

    response = launch_with_token(browser, platform, hmac_token)
    assert_refused(browser, session, response, "bad_alg", 401)


def test_signature_by_another_key_is_refused(browser, platform, session):
    intruder = PlatformKey.generate()
    response = browser.launch(platform, key=intruder, headers={"kid": platform.key.kid})
    assert_refused(browser, session, response, "bad_signature", 401)


def test_unknown_kid_is_refused_after_one_refetch(browser, platform, session, monkeypatch):
    monkeypatch.setattr("lti.platform_keys.MIN_REFETCH_SECONDS", 0)
    assert browser.launch(platform).status_code == 200
    session.execute(User.__table__.delete())
    session.execute(LaunchRecord.__table__.delete())
    session.commit()
    with browser.client.session_transaction() as web_session:
        web_session.clear()
    response = browser.launch(platform, key=PlatformKey.generate())
    assert_refused(browser, session, response, "unknown_kid", 401, "is not in the platform")
    assert platform.jwks_hits == 2  # the cached set, then one refetch for the unknown kid


def test_missing_kid_is_refused(browser, platform, session):
    def no_kid(body):
        token = platform.sign(body)
        header, rest = token.split(".", 1)
        return b64({"alg": "RS256", "typ": "JWT"}) + "." + rest

    response = launch_with_token(browser, platform, no_kid)
    assert_refused(browser, session, response, "missing_kid", 401)


def test_expired_token_is_refused_with_the_clock_hint(browser, platform, session):
    response = browser.launch(platform, iat=now() - 600, exp=now() - 180)
    assert_refused(browser, session, response, "expired", 401, "is the LMS clock right?")
    assert "3 minutes ago" in response.get_data(as_text=True)


def test_token_issued_in_the_future_is_refused(browser, platform, session):
    response = browser.launch(platform, iat=now() + 300, exp=now() + 600)
    assert_refused(
        browser,
        session,
        response,
        "issued_in_future",
        401,
        "issued 5 minutes in the future: is the LMS clock right?",
    )


def test_wrong_audience_is_refused(browser, platform, session):
    response = browser.launch(platform, aud="someone-else")
    assert_refused(browser, session, response, "unknown_platform", 401, "someone-else")


def test_audience_list_without_matching_azp_is_refused(browser, platform, session):
    response = browser.launch(platform, aud=["other-tool", "client-42"])
    assert_refused(browser, session, response, "azp_missing", 401)


def test_audience_list_with_foreign_azp_is_refused(browser, platform, session):
    response = browser.launch(platform, aud=["other-tool", "client-42"], azp="other-tool")
    assert_refused(browser, session, response, "unknown_platform", 401)


def test_unknown_issuer_is_refused(browser, platform, session):
    response = browser.launch(platform, iss="https://evil.example")
    assert_refused(browser, session, response, "unknown_platform", 401, "https://evil.example")


def test_unknown_deployment_is_refused_naming_it(browser, platform, session):
    response = browser.launch(platform, **{claims.DEPLOYMENT_ID: "abc"})
    assert_refused(
        browser,
        session,
        response,
        "unknown_deployment",
        403,
        f"deployment &#39;abc&#39; is not registered for {platform.issuer} (client client-42)",
    )


def test_unknown_deployment_is_recorded_disabled_until_an_admin_enables_it(
    browser, platform, session
):
    first = browser.launch(platform, **{claims.DEPLOYMENT_ID: "abc"})
    assert first.status_code == 403 and "admin console" in first.get_data(as_text=True)
    registered = find_platform(session, platform.issuer, "client-42")
    recorded = find_deployment(session, registered, "abc")
    assert recorded is not None and recorded.enabled is False  # kept despite the refusal
    again = browser.launch(platform, **{claims.DEPLOYMENT_ID: "abc"})
    assert again.status_code == 403 and "deployment_disabled" in again.get_data(as_text=True)
    recorded.enabled = True
    session.commit()
    assert browser.launch(platform, **{claims.DEPLOYMENT_ID: "abc"}).status_code == 200


def test_platform_accepting_new_deployments_enables_them_at_first_launch(
    browser, platform, session
):
    registered = find_platform(session, platform.issuer, "client-42")
    registered.accepts_new_deployments = True
    session.commit()
    assert browser.launch(platform, **{claims.DEPLOYMENT_ID: "sub-account-9"}).status_code == 200
    assert find_deployment(session, registered, "sub-account-9").enabled


def test_disabled_deployment_is_refused(browser, platform, session):
    row = find_deployment(session, find_platform(session, platform.issuer, "client-42"), "deploy-1")
    row.enabled = False
    session.commit()
    response = browser.launch(platform)
    assert_refused(browser, session, response, "deployment_disabled", 403)


@pytest.mark.parametrize(
    ("claim", "value", "code"),
    [
        (claims.MESSAGE_TYPE, DROP, "bad_message_type"),
        (claims.MESSAGE_TYPE, "LtiSubmissionReviewRequest", "bad_message_type"),
        (claims.VERSION, "1.1", "bad_version"),
        (claims.VERSION, DROP, "bad_version"),
        (claims.ROLES, DROP, "missing_roles"),
        (claims.RESOURCE_LINK, DROP, "invalid_message"),
        (claims.DEPLOYMENT_ID, DROP, "missing_deployment"),
        ("sub", DROP, "invalid_message"),
        ("nonce", DROP, "missing_nonce"),
        ("exp", DROP, "invalid_token"),
    ],
)
def test_missing_or_wrong_message_claims_are_refused(
    browser, platform, session, claim, value, code
):
    response = browser.launch(platform, **{claim: value})
    assert_refused(browser, session, response, code)


def test_deep_linking_without_return_url_is_refused(browser, platform, session):
    auth = browser.start(platform)
    body = platform.claims(auth["nonce"], TOOL_BASE, message_type=claims.DEEP_LINKING_REQUEST)
    body[claims.DEEP_LINKING_SETTINGS] = {
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe"],
    }
    response = browser.post_launch(platform.sign(body), auth["state"])
    assert_refused(browser, session, response, "missing_return_url")


def test_replayed_launch_is_refused(browser, platform, session):
    auth = browser.start(platform)
    token = platform.sign(platform.claims(auth["nonce"], TOOL_BASE))
    assert browser.post_launch(token, auth["state"]).status_code == 200
    browser.client.get("/")  # a fresh browser session
    with browser.client.session_transaction() as web_session:
        web_session.clear()
    replay = browser.post_launch(token, auth["state"])
    assert replay.status_code == 400 and "unknown_state" in replay.get_data(as_text=True)
    outcomes = [r.outcome for r in session.scalars(select(LaunchRecord).order_by(LaunchRecord.id))]
    assert outcomes == ["accepted", "refused"]


def test_new_token_reusing_a_seen_nonce_is_refused(browser, platform, session):
    first = browser.start(platform)
    browser.post_launch(platform.sign(platform.claims(first["nonce"], TOOL_BASE)), first["state"])
    session.execute(User.__table__.delete())
    session.commit()
    with browser.client.session_transaction() as web_session:
        web_session.clear()
    second = browser.start(platform)
    reused = platform.sign(platform.claims(first["nonce"], TOOL_BASE, jti="new"))
    response = browser.post_launch(reused, second["state"])
    assert response.status_code == 401 and "nonce_mismatch" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_missing_state_is_refused(browser, platform, session):
    auth = browser.start(platform)
    token = platform.sign(platform.claims(auth["nonce"], TOOL_BASE))
    response = browser.post_launch(token, "")
    assert_refused(browser, session, response, "missing_state", 400)


def test_unknown_state_is_refused(browser, platform, session):
    auth = browser.start(platform)
    token = platform.sign(platform.claims(auth["nonce"], TOOL_BASE))
    response = browser.post_launch(token, "made-up-state")
    assert_refused(browser, session, response, "unknown_state", 400)


def test_state_cookie_of_another_browser_is_refused(browser, platform, session):
    auth = browser.start(platform)
    browser.client.set_cookie(f"lti_state_{auth['state']}", "someone-elses-binding", path="/lti")
    token = platform.sign(platform.claims(auth["nonce"], TOOL_BASE))
    response = browser.post_launch(token, auth["state"])
    assert_refused(browser, session, response, "state_mismatch", 400)


def test_tampered_claims_are_refused(browser, platform, session):
    def tampered(body):
        header, _, signature = platform.sign(body).split(".")
        forged = dict(body, sub="teacher-1")
        return f"{header}.{b64(forged)}.{signature}"

    response = launch_with_token(browser, platform, tampered)
    assert_refused(browser, session, response, "bad_signature", 401)


def test_malformed_token_is_refused(browser, platform, session):
    response = launch_with_token(browser, platform, lambda body: "not-a-jwt")
    assert_refused(browser, session, response, "malformed_token", 400)


def test_disabled_platform_cannot_start_a_login(browser, platform, session):
    set_platform_enabled(session, platform.platform_id, False)
    session.commit()
    response = browser.login(platform)
    assert response.status_code == 403 and "Location" not in response.headers


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"iss": "https://unknown.example"}, "no platform is registered"),
        ({"client_id": "not-ours"}, "no platform is registered"),
        ({"target_link_uri": "https://evil.example/lti/launch"}, "not a Selfpath address"),
        ({"login_hint": None}, "login_hint"),
        ({"iss": None}, "iss"),
    ],
)
def test_bad_login_initiation_gets_a_4xx_not_a_redirect(
    browser, platform, session, overrides, words
):
    response = browser.login(platform, **overrides)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Location" not in response.headers
    assert words in page
    assert session.scalar(select(func.count()).select_from(LaunchRecord)) == 1


def test_errors_are_json_for_json_clients(client, platform):
    response = client.post(
        "/lti/launch", data={"state": "x", "id_token": "y"}, headers={"Accept": "application/json"}
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "unknown_state"


def test_platform_key_set_unreachable_is_reported(browser, platform, session):
    platform.server.routes.pop(f"/{platform.name}/jwks")
    try:
        response = browser.launch(platform)
    finally:
        platform.server.routes[f"/{platform.name}/jwks"] = platform._jwks
    assert response.status_code == 502
    assert (
        f"the platform&#39;s key set at {platform.jwks_url} could not be read (it "
        "answered HTTP 404)"
    ) in response.get_data(as_text=True)


def test_pyjwt_rejects_hs256_key_confusion_independently():
    """Our key objects are RSA: PyJWT refuses to use one as an HMAC secret."""
    key = PlatformKey.generate()
    with pytest.raises(jwt.InvalidTokenError):
        jwt.decode(
            jwt.encode({"a": 1}, "s" * 32, algorithm="HS256"),
            key.private_key.public_key(),
            algorithms=["RS256"],
        )


def test_login_initiation_is_rate_limited_per_address(app, browser, platform, session, monkeypatch):
    strict = app.extensions["selfpath.settings"].with_changes(lti_login_rate_limit="2/minute")
    monkeypatch.setitem(app.extensions, "selfpath.settings", strict)
    assert [browser.login(platform).status_code for _ in range(2)] == [302, 302]
    response = browser.login(platform)
    assert response.status_code == 429 and "Location" not in response.headers
    assert "Too many launches" in response.get_data(as_text=True)
    assert 1 <= int(response.headers["Retry-After"]) <= 60  # the minute's window ends by then


def test_a_login_let_through_carries_no_rate_limit_headers(browser, platform):
    """Their figures would cost two more calls to the limits' store on every login."""
    response = browser.login(platform)
    assert response.status_code == 302
    assert not [name for name, _ in response.headers.items() if name.startswith("X-RateLimit")]


def test_one_platform_flooding_logins_does_not_lock_out_another_behind_the_same_address(
    app, browser, platform, second_platform, monkeypatch
):
    strict = app.extensions["selfpath.settings"].with_changes(lti_login_rate_limit="2/minute")
    monkeypatch.setitem(app.extensions, "selfpath.settings", strict)
    assert [browser.login(platform).status_code for _ in range(3)] == [302, 302, 429]
    assert browser.login(second_platform).status_code == 302  # the same NAT address


def test_logins_naming_unregistered_platforms_share_one_limit_per_address(
    app, browser, platform, session, monkeypatch
):
    strict = app.extensions["selfpath.settings"].with_changes(lti_login_rate_limit="2/minute")
    monkeypatch.setitem(app.extensions, "selfpath.settings", strict)
    statuses = [
        browser.login(platform, iss=f"https://lms{n}.example").status_code for n in range(3)
    ]
    assert statuses == [400, 400, 429]  # a new issuer each time does not escape the limit
    assert session.scalar(select(func.count()).select_from(LaunchRecord)) == 2
    assert browser.login(platform).status_code == 302  # the registered platform still can


def test_the_default_login_limit_lets_a_whole_school_launch_at_the_bell(app):
    from limits import parse_many

    per_minute = [
        limit
        for limit in parse_many(app.extensions["selfpath.settings"].lti_login_rate_limit)
        if limit.get_expiry() == 60
    ]
    assert per_minute and all(limit.amount >= 1000 for limit in per_minute)


@pytest.mark.parametrize("payload", [[1, 2], 42, "a string", None, [{"iss": "x"}] * 3])
def test_token_whose_payload_is_not_an_object_is_refused(browser, platform, session, payload):
    def not_an_object(body):
        raw = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
        return f"{b64({'alg': 'RS256', 'kid': 'k'})}.{raw}.{b64({'s': 1})}"

    response = launch_with_token(browser, platform, not_an_object)
    assert_refused(
        browser, session, response, "malformed_token", 400, words="its payload is not a JSON object"
    )


def test_token_nested_too_deep_is_refused(browser, platform, session):
    def nested(body):
        raw = base64.urlsafe_b64encode(b"[" * 100000).rstrip(b"=").decode()
        return f"{b64({'alg': 'RS256', 'kid': 'k'})}.{raw}.{b64({'s': 1})}"

    response = launch_with_token(browser, platform, nested)
    assert_refused(browser, session, response, "malformed_token", 400)


@pytest.mark.parametrize("claim", ["iss", "aud", claims.DEPLOYMENT_ID, "nonce"])
def test_token_holding_a_nul_character_is_refused(browser, platform, session, claim):
    def with_nul(body):
        forged = dict(body, **{claim: f"{body.get(claim)}\x00"})
        return f"{b64({'alg': 'RS256', 'kid': 'k'})}.{b64(forged)}.{b64({'s': 1})}"

    response = launch_with_token(browser, platform, with_nul)
    assert_refused(browser, session, response, "malformed_token", 400, words="NUL character")


@pytest.fixture(params=["database", "redis"])
def stored_in(request, browser, settings):
    """A browser of the application with its launch state in the database, or in Redis
    (which spends a token's nonce with its state, and gives both back together)."""
    if request.param == "database":
        yield browser
        return
    from service import create_app
    from service.extensions import db
    from tests.functional.conftest import LtiBrowser
    from tests.redis_db import TEST_REDIS_URL

    instance = create_app(replace(settings, redis_url=TEST_REDIS_URL))
    yield LtiBrowser(instance.test_client())
    with instance.app_context():
        db.engine.dispose()


def test_a_forged_token_does_not_spend_the_learners_login(stored_in, platform, session):
    browser = stored_in
    auth = browser.start(platform)
    forged = PlatformKey.generate().sign(platform.claims(auth["nonce"], TOOL_BASE))
    assert browser.post_launch(forged, auth["state"]).status_code == 401
    token = platform.sign(platform.claims(auth["nonce"], TOOL_BASE))
    assert browser.post_launch(token, auth["state"]).status_code == 200
    outcomes = [r.outcome for r in session.scalars(select(LaunchRecord).order_by(LaunchRecord.id))]
    assert outcomes == ["refused", "accepted"]


def test_another_browsers_cookie_does_not_spend_the_login(stored_in, platform, session):
    browser = stored_in
    auth = browser.start(platform)
    binding = browser.client.get_cookie(f"lti_state_{auth['state']}", path="/lti").value
    browser.client.set_cookie(f"lti_state_{auth['state']}", "someone-elses-binding", path="/lti")
    token = platform.sign(platform.claims(auth["nonce"], TOOL_BASE))
    assert browser.post_launch(token, auth["state"]).status_code == 400
    browser.client.set_cookie(f"lti_state_{auth['state']}", binding, path="/lti")
    assert browser.post_launch(token, auth["state"]).status_code == 200


def test_a_launch_without_the_state_cookie_spends_nothing(stored_in, platform, session):
    browser = stored_in
    auth = browser.start(platform)
    binding = browser.client.get_cookie(f"lti_state_{auth['state']}", path="/lti").value
    browser.client.delete_cookie(f"lti_state_{auth['state']}", path="/lti")
    token = platform.sign(platform.claims(auth["nonce"], TOOL_BASE))
    waiting = browser.post_launch(token, auth["state"])  # finished through platform storage
    assert waiting.status_code == 200 and "unknown_state" not in waiting.get_data(as_text=True)
    browser.client.set_cookie(f"lti_state_{auth['state']}", binding, path="/lti")
    assert browser.post_launch(token, auth["state"]).status_code == 200


def test_a_login_whose_nonce_was_used_is_refused(stored_in, platform):
    from paths.db import utcnow
    from service.extensions import db
    from service.lti.services import EXTENSION as LTI_SERVICES

    browser = stored_in
    auth = browser.start(platform)
    instance = browser.client.application
    with instance.app_context():  # as an earlier launch of this nonce would have
        store = instance.extensions[LTI_SERVICES].state_store(db.session())
        assert store.use_nonce(auth["nonce"], 600, utcnow()) is True
        db.session().commit()
    token = platform.sign(platform.claims(auth["nonce"], TOOL_BASE))
    refused = browser.post_launch(token, auth["state"])
    assert refused.status_code == 401 and "nonce_replayed" in refused.get_data(as_text=True)
    again = browser.post_launch(token, auth["state"])  # refused after the nonce: spent
    assert again.status_code == 400 and "unknown_state" in again.get_data(as_text=True)


POSTS = st.lists(
    st.sampled_from(("forged", "other cookie", "no cookie", "signed")), min_size=1, max_size=6
)


@hypothesis_settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(posts=POSTS)
def test_only_the_first_launch_signed_for_a_login_spends_it(stored_in, platform, posts):
    """id_token POSTs for one login, in any order: a forged token, another browser's state
    cookie and a missing one (finished through platform storage) spend nothing, so the
    first POST signed by the LMS for that login is accepted; once it is, every POST for the
    login is refused as already used."""
    browser = stored_in
    auth = browser.start(platform)
    cookie = f"lti_state_{auth['state']}"
    binding = browser.client.get_cookie(cookie, path="/lti").value
    signed = platform.sign(platform.claims(auth["nonce"], TOOL_BASE))
    forged = PlatformKey.generate().sign(platform.claims(auth["nonce"], TOOL_BASE))
    spent = False
    for post in posts:
        browser.client.set_cookie(cookie, binding, path="/lti")
        if post == "other cookie":
            browser.client.set_cookie(cookie, "someone-elses-binding", path="/lti")
        elif post == "no cookie":
            browser.client.delete_cookie(cookie, path="/lti")
        response = browser.post_launch(forged if post == "forged" else signed, auth["state"])
        text = response.get_data(as_text=True)
        if spent:
            assert response.status_code == 400 and "unknown_state" in text, (posts, post)
        elif post == "signed":
            assert response.status_code == 200, (posts, text[:300])
            spent = True
        else:
            expected = {"forged": 401, "other cookie": 400, "no cookie": 200}[post]
            assert response.status_code == expected and "unknown_state" not in text, posts


def test_a_launch_refused_after_its_nonce_keeps_the_login_spent(stored_in, platform, session):
    browser = stored_in
    auth = browser.start(platform)
    body = platform.claims(auth["nonce"], TOOL_BASE)
    body[claims.VERSION] = "1.1"
    assert browser.post_launch(platform.sign(body), auth["state"]).status_code == 400
    token = platform.sign(platform.claims(auth["nonce"], TOOL_BASE))
    again = browser.post_launch(token, auth["state"])
    assert again.status_code == 400 and "unknown_state" in again.get_data(as_text=True)


def test_a_refusal_says_the_whole_window_when_the_limits_store_cannot_say(
    app, browser, platform, monkeypatch
):
    from service.rate_limits import EXTENSION as RATE_LIMITS

    strict = app.extensions["selfpath.settings"].with_changes(lti_login_rate_limit="1/hour")
    monkeypatch.setitem(app.extensions, "selfpath.settings", strict)
    assert browser.login(platform).status_code == 302

    def unreachable(*args):  # type: ignore[no-untyped-def]
        raise ConnectionError("the limits' store went away")

    monkeypatch.setattr(app.extensions[RATE_LIMITS]._windows, "get_window_stats", unreachable)
    response = browser.login(platform)
    assert response.status_code == 429 and response.headers["Retry-After"] == "3600"
