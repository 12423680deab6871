"""Keys, setup pages, health and the security headers."""

from __future__ import annotations

import logging

import jwt
from click.testing import Result

from lti import keys
from paths.db import utcnow
from tests.platform import LEARNER


def test_jwks_publishes_an_rs256_signing_key(client):
    document = client.get("/lti/jwks").get_json()
    (key,) = document["keys"]
    assert {"kty", "n", "e", "kid", "alg", "use"} <= key.keys()
    assert (key["kty"], key["alg"], key["use"]) == ("RSA", "RS256", "sig")
    assert "d" not in key and "p" not in key  # never the private parts
    assert client.get("/lti/jwks").get_json() == document  # created once


def test_key_rotation_keeps_the_previous_key_published_for_the_grace_period(app, client, session):
    from datetime import timedelta

    before = keys.signing_key(session, utcnow())
    token = jwt.encode(
        {"sub": "x"}, before.private_key, algorithm="RS256", headers={"kid": before.kid}
    )
    session.commit()
    result: Result = app.test_cli_runner().invoke(
        args=["keys", "rotate", "--grace-seconds", "3600"]
    )
    assert result.exit_code == 0, result.output
    after = keys.signing_key(session, utcnow())
    assert after.kid != before.kid
    published = {k["kid"]: k for k in client.get("/lti/jwks").get_json()["keys"]}
    assert set(published) == {before.kid, after.kid}
    old_public = jwt.PyJWK(published[before.kid]).key
    assert jwt.decode(token, old_public, algorithms=["RS256"])["sub"] == "x"
    later = utcnow() + timedelta(seconds=3601)
    assert [k["kid"] for k in keys.jwks(session, later)["keys"]] == [after.kid]


def test_setup_page_lists_every_url_an_admin_pastes(client):
    page = client.get("/lti/setup").get_data(as_text=True)
    for url in (
        "http://localhost/lti/login",
        "http://localhost/lti/launch",
        "http://localhost/lti/jwks",
        "http://localhost/lti/config.json",
    ):
        assert url in page


def test_canvas_configuration_json(client):
    config = client.get("/lti/config.json").get_json()
    assert config["oidc_initiation_url"] == "http://localhost/lti/login"
    assert config["target_link_uri"] == "http://localhost/lti/launch"
    assert config["public_jwk_url"] == "http://localhost/lti/jwks"
    assert any(s.endswith("/scope/score") for s in config["scopes"])
    placements = config["extensions"][0]["settings"]["placements"]
    assert {"LtiDeepLinkingRequest", "LtiResourceLinkRequest"} == {
        p["message_type"] for p in placements
    }


def test_healthz_reports_the_database(client):
    assert client.get("/healthz").get_json() == {"status": "ok", "database": "ok"}


def test_pages_may_frame_https_resources_and_the_tool(client):
    # a step's framable resource, and the demo LMS's frame on the tool's site
    assert "frame-src 'self' https:;" in client.get("/").headers["Content-Security-Policy"]


def test_request_ids_and_no_claims_in_logs(browser, platform, caplog):
    logger = logging.getLogger("selfpath")
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.INFO, logger="selfpath"):
            response = browser.launch(platform)
    finally:
        logger.removeHandler(caplog.handler)
    assert len(response.headers["X-Request-ID"]) == 32
    text = " ".join(str(r.__dict__) for r in caplog.records)
    assert "launch" in text and "accepted" in text
    for secret in (LEARNER.subject, LEARNER.name, LEARNER.email, "eyJ"):
        assert secret not in text


def test_unknown_page_is_a_clear_404(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404 and "Traceback" not in response.get_data(as_text=True)


def test_unexpected_errors_show_no_stack_trace(app, client, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("service.lti.views.canvas_configuration", boom)
    response = client.get("/lti/config.json")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "secret internals" not in page
