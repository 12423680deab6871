"""Calls to an LMS stay bounded whatever the LMS does (drips, floods, redirects away), and
in production Selfpath calls no internal address, however it is registered or spelled.
Every refusal is a clear 4xx/5xx and stores nothing."""

from __future__ import annotations

import ipaddress
import json
import socket
import threading
from dataclasses import replace

import pytest
from sqlalchemy import select
from werkzeug.wrappers import Response

from lti.addresses import ANYWHERE
from lti.models import Deployment, Platform
from service.lti.services import EXTENSION as LTI_SERVICES
from tests.grades import delivery_of, learners, linked_activity
from tests.platform import RegisteringLms, TestPlatform
from tests.unruly_server import UnrulyServer, dripping, flooding

TOKEN = RegisteringLms.token


@pytest.fixture
def unruly():
    servers: list[UnrulyServer] = []

    def start(behaviour):
        servers.append(UnrulyServer(behaviour))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def moodle(app, platform_server) -> RegisteringLms:
    return RegisteringLms(TestPlatform(platform_server, name="moodle-limits", client_id="-"))


def stored(session) -> list:
    return list(session.scalars(select(Platform))) + list(session.scalars(select(Deployment)))


def register(client, url: str):
    return client.get(
        "/lti/register", query_string={"openid_configuration": url, "registration_token": TOKEN}
    )


def refused(session, response, status: int, code: str, *words: str) -> None:
    page = response.get_data(as_text=True)
    assert response.status_code == status, page
    assert code in page and all(w in page for w in words), page
    assert stored(session) == []


def test_a_configuration_dripped_byte_by_byte_is_cut_off(client, session, quick, unruly):
    server = unruly(dripping(every=0.5))
    url = server.base_url + "/mod/lti/openid-configuration.php"
    refused(session, register(client, url), 502, "platform_too_slow", url, "within the 1 s")


def test_a_huge_configuration_is_refused_near_the_cap(client, session, quick, unruly):
    server = unruly(flooding())
    url = server.base_url + "/mod/lti/openid-configuration.php"
    refused(session, register(client, url), 502, "answer_too_large", url, "1 MB")
    server.stop.set()
    assert server.sent < 64 * 1024 * 1024  # not the 300 MB it had to send


def test_a_registration_endpoint_that_drips_is_cut_off(client, session, quick, unruly, moodle):
    server = unruly(dripping(every=0.5))
    moodle.configuration_changes["registration_endpoint"] = server.base_url + "/register"
    refused(
        session,
        register(client, moodle.configuration_url),
        502,
        "platform_too_slow",
        server.base_url + "/register",
    )


def test_a_configuration_moved_on_the_same_site_is_followed(
    client, session, quick, moodle, platform_server
):
    moved = "/moodle-limits/old-configuration"
    platform_server.routes[moved] = lambda request: Response(
        status=301, headers={"Location": "/moodle-limits/mod/lti/openid-configuration.php"}
    )
    response = register(client, platform_server.base_url + moved)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert [p.client_id for p in session.scalars(select(Platform))] == ["moodle-client-1"]


def test_a_configuration_moved_to_another_site_is_refused(
    client, session, quick, moodle, platform_server
):
    moved = "/moodle-limits/elsewhere"
    port = platform_server.base_url.rsplit(":", 1)[1]
    platform_server.routes[moved] = lambda request: Response(
        status=302,
        headers={
            "Location": f"http://localhost:{port}/moodle-limits/mod/lti/openid-configuration.php"
        },
    )
    refused(
        session,
        register(client, platform_server.base_url + moved),
        400,
        "redirect_refused",
        "on another site",
    )
    assert moodle.received == []


# -- production: only public addresses ----------------------------------------------------


def resolve_everything_to(address: str, monkeypatch) -> list[str]:
    """Name resolution for this test (no real DNS): every name is `address`."""
    asked: list[str] = []

    def getaddrinfo(host, port, *args, **kwargs):
        asked.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port or 443))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return asked


@pytest.mark.parametrize(
    "host",
    [
        "127.1",
        "2130706433",
        "0x7f000001",
        "0177.0.0.1",
        "[::ffff:127.0.0.1]",
        "169.254.169.254",
        "10.0.0.8",
    ],
)
def test_production_will_not_register_with_an_internal_address(client, session, quick, host):
    quick(env="production")
    refused(
        session,
        register(client, f"https://{host}/mod/lti/openid-configuration.php"),
        400,
        "internal_platform_address",
        "is not a public address",
    )


def test_production_will_not_register_with_a_name_resolving_inside(
    client, session, quick, monkeypatch
):
    quick(env="production")
    asked = resolve_everything_to("127.0.0.1", monkeypatch)
    url = "https://moodle.school.example/mod/lti/openid-configuration.php"
    refused(
        session,
        register(client, url),
        400,
        "internal_platform_address",
        "moodle.school.example resolves to 127.0.0.1, a loopback address",
    )
    assert asked == ["moodle.school.example"]


@pytest.mark.parametrize(
    "field", ["jwks_uri", "token_endpoint", "authorization_endpoint", "registration_endpoint"]
)
def test_production_checks_every_address_the_configuration_names(
    client, session, quick, monkeypatch, moodle, field
):
    quick(env="production")
    resolve_everything_to("93.184.215.14", monkeypatch)  # public, and never called
    document = dict(
        moodle.configuration(),
        issuer="https://moodle.school.example",
        **{
            name: f"https://moodle.school.example/{name}"
            for name in (
                "jwks_uri",
                "token_endpoint",
                "authorization_endpoint",
                "registration_endpoint",
            )
        },
    )
    document[field] = "https://169.254.169.254/latest/meta-data"
    posted: list[str] = []
    monkeypatch.setattr("lti.dynamic_registration.get_json", lambda *args: document)
    monkeypatch.setattr("lti.dynamic_registration.post_json", lambda *args: posted.append("posted"))
    response = register(client, "https://moodle.school.example/openid-configuration")
    refused(session, response, 400, "internal_platform_address", "169.254.169.254")
    assert posted == []


def test_production_manual_registration_refuses_an_internal_key_set(app, session, quick):
    quick(env="production")
    result = app.test_cli_runner().invoke(
        args=[
            "platforms",
            "add",
            "--issuer",
            "https://moodle.school.example",
            "--client-id",
            "c1",
            "--auth-login-url",
            "https://93.184.215.14/mod/lti/auth.php",
            "--auth-token-url",
            "https://93.184.215.14/mod/lti/token.php",
            "--key-set-url",
            "https://0x7f000001/mod/lti/certs.php",
        ]
    )
    assert result.exit_code != 0 and "0x7f000001 is a loopback address" in result.output
    assert stored(session) == []


# -- grade sync: a slow LMS is tried again, an oversized answer is held -------------------


@pytest.fixture
def stop_dripping():
    stop = threading.Event()
    yield stop
    stop.set()


def dripped_token(stop: threading.Event):
    def handler(request):
        def body():
            for byte in json.dumps({"access_token": "t" * 40}).encode():
                if stop.wait(0.5):
                    return
                yield bytes([byte])

        return Response(body(), mimetype="application/json")

    return handler


def test_a_token_endpoint_that_drips_is_retried_later(platform, session, gradebook, stop_dripping):
    from tests.grades import quick_worker

    worker = quick_worker(timeout=1.0)
    activity = linked_activity(session, platform, gradebook.claim(gradebook.add_line_item()))
    [person] = learners(session, platform, activity, 1)
    platform.server.routes[f"/{platform.name}/token"] = dripped_token(stop_dripping)
    try:
        report = worker.run_batch(session)
    finally:
        worker.close()
    assert (report.retrying, report.failed) == (1, 0)
    assert "within the 1 s" in delivery_of(session, person).last_error


def test_an_oversized_token_answer_is_held_with_the_reason(platform, session, gradebook, worker):
    activity = linked_activity(session, platform, gradebook.claim(gradebook.add_line_item()))
    [person] = learners(session, platform, activity, 1)
    huge = json.dumps({"access_token": "t" * (2 * 1024 * 1024)})
    platform.server.routes[f"/{platform.name}/token"] = lambda request: Response(
        huge, mimetype="application/json"
    )
    assert worker.run_batch(session).failed == 1
    assert "larger than the 1 MB" in delivery_of(session, person).last_error


# -- launches: the gradebook and roster addresses they carry -------------------------------

AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"


@pytest.fixture
def production_launches(app, quick, monkeypatch):
    """Production's checks, with the test LMS's key set (on loopback) still readable;
    called with more settings, production with those."""
    from lti.outbound import Outbound
    from lti.platform_keys import PlatformKeys

    def production(**settings):
        quick(env="production", **settings)
        keys = PlatformKeys(Outbound(addresses=ANYWHERE), timeout=5, max_age=60)
        services = replace(app.extensions[LTI_SERVICES], platform_keys=keys)
        monkeypatch.setitem(app.extensions, LTI_SERVICES, services)

    production()
    return production


@pytest.mark.parametrize(
    ("claim", "value", "words"),
    [
        (
            AGS_CLAIM,
            {"lineitems": "https://127.1/mod/lti/services.php/2/lineitems"},
            "gradebook (AGS line items) address https://127.1/",
        ),
        (AGS_CLAIM, {"lineitem": "https://[::ffff:10.0.0.4]/lineitem"}, "private"),
        (AGS_CLAIM, {"lineitems": "http://moodle.school.example/lineitems"}, "not an https://"),
        (
            NRPS_CLAIM,
            {"context_memberships_url": "https://2130706433/memberships"},
            "roster (NRPS) address",
        ),
    ],
)
def test_production_refuses_a_launch_with_an_internal_service_address(
    browser, platform, session, production_launches, claim, value, words
):
    from lti.models import LaunchRecord
    from paths.people import Activity

    response = browser.launch(platform, **{claim: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "internal_service_url" in page and words in page
    assert session.scalars(select(Activity)).all() == []
    [record] = session.scalars(select(LaunchRecord)).all()
    assert record.reason_code == "internal_service_url"


def test_production_accepts_a_launch_with_public_service_addresses(
    browser, platform, session, production_launches
):
    from lti.models import AgsEndpoint

    lineitems = "https://moodle.school.example/mod/lti/services.php/2/lineitems"
    response = browser.launch(platform, **{AGS_CLAIM: {"lineitems": lineitems, "scope": []}})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert [e.lineitems_url for e in session.scalars(select(AgsEndpoint))] == [lineitems]


def test_production_keeps_a_gradebook_on_the_lms_network_the_admin_named(
    browser, platform, session, production_launches
):
    from lti.models import AgsEndpoint, LaunchRecord

    inside = "https://10.20.0.15/mod/lti/services.php/2/lineitems"
    refused = browser.launch(platform, **{AGS_CLAIM: {"lineitems": inside, "scope": []}})
    assert refused.status_code == 400 and "internal_service_url" in refused.get_data(as_text=True)

    production_launches(lms_private_networks=("10.20.0.0/24",))
    response = browser.launch(platform, **{AGS_CLAIM: {"lineitems": inside, "scope": []}})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert [e.lineitems_url for e in session.scalars(select(AgsEndpoint))] == [inside]
    outside = "https://10.20.1.15/mod/lti/services.php/2/lineitems"
    again = browser.launch(platform, **{AGS_CLAIM: {"lineitems": outside, "scope": []}})
    assert again.status_code == 400
    reasons = [
        r.reason_code for r in session.scalars(select(LaunchRecord).order_by(LaunchRecord.id))
    ]
    assert reasons == ["internal_service_url", None, "internal_service_url"]


def test_the_web_and_worker_clients_check_addresses_in_production_only(app, quick):
    from lti.grade_worker import new_http_session
    from service.lti.cli import worker_settings
    from service.lti.services import lti_services

    assert lti_services().http.addresses.public_only is False
    assert new_http_session(worker_settings()).addresses.public_only is False
    quick(env="production")
    assert lti_services().http.addresses.public_only is True
    assert new_http_session(worker_settings()).addresses.public_only is True
    quick(env="production", lms_private_networks=("10.20.0.0/24",))
    named = (ipaddress.ip_network("10.20.0.0/24"),)
    assert lti_services().http.addresses.private_networks == named
    assert new_http_session(worker_settings()).addresses.private_networks == named
