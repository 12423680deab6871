"""The outbound client: one deadline per call, a size cap, same-site redirects only, and
(in production) no internal destination, whatever the peer does."""

from __future__ import annotations

import gzip
import ipaddress
import json
import socket
import ssl
import time

import pytest
from werkzeug.wrappers import Response

from lti.addresses import ANYWHERE, PUBLIC_ONLY, AddressRule
from lti.outbound import (
    CHUNK_BYTES,
    DeadlineExceeded,
    InternalAddress,
    Outbound,
    RedirectRefused,
    ResponseTooLarge,
    Unreachable,
)
from tests.certificates import self_signed
from tests.gunicorn import free_port
from tests.unruly_server import UnrulyServer, answering, dripping, flooding

CAP = 256 * 1024


@pytest.fixture
def http():
    client = Outbound(addresses=ANYWHERE)
    yield client
    client.close()


@pytest.fixture
def unruly():
    servers: list[UnrulyServer] = []

    def start(behaviour, tls=None):
        servers.append(UnrulyServer(behaviour, tls))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def routes(platform_server):
    added: list[str] = []

    def route(path, handler):
        platform_server.routes[path] = handler
        added.append(path)
        return platform_server.base_url + path

    yield route
    for path in added:
        platform_server.routes.pop(path, None)


@pytest.mark.parametrize("in_headers", [False, True], ids=["body", "headers"])
def test_a_dripping_lms_is_cut_off_at_the_deadline(http, unruly, in_headers):
    server = unruly(dripping(every=0.5, in_headers=in_headers))  # 30+ s to finish
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded) as cut:
        http.get(server.base_url + "/config", timeout=1, max_bytes=CAP)
    assert time.monotonic() - started < 15  # far from the whole drip
    assert server.base_url in str(cut.value) and "1 s" in str(cut.value)
    assert cut.value.retryable


@pytest.fixture
def tls(tmp_path):
    cert, key = self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context, str(cert)


def test_an_https_answer_is_read_through_the_checked_connection(unruly, tls):
    context, cert = tls
    server = unruly(answering(b'{"keys": ["k"]}'), tls=context)
    client = Outbound(addresses=ANYWHERE, ca_bundle=cert)
    response = client.get(server.base_url + "/jwks", timeout=5, max_bytes=CAP)
    assert response.json() == {"keys": ["k"]}


def test_an_https_lms_that_drips_is_cut_off_at_the_deadline(unruly, tls):
    context, cert = tls
    server = unruly(dripping(every=0.5), tls=context)
    client = Outbound(addresses=ANYWHERE, ca_bundle=cert)
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded):
        client.get(server.base_url + "/jwks", timeout=1, max_bytes=CAP)
    assert time.monotonic() - started < 15


def test_an_endless_body_is_cut_near_the_cap(http, unruly):
    server = unruly(flooding())
    with pytest.raises(ResponseTooLarge) as cut:
        http.get(server.base_url + "/config", timeout=30, max_bytes=CAP)
    assert CAP < cut.value.bytes_read <= CAP + CHUNK_BYTES
    assert "256 KB" in str(cut.value) and not cut.value.retryable
    server.stop.set()
    assert server.sent < 64 * 1024 * 1024  # the rest of the 300 MB was never asked for


def test_an_announced_oversized_body_is_refused_before_reading(http, unruly):
    server = unruly(flooding(announce=True))
    with pytest.raises(ResponseTooLarge) as cut:
        http.get(server.base_url + "/keys", timeout=30, max_bytes=CAP)
    assert cut.value.bytes_read == 0 and "314,572,800 bytes" in str(cut.value)


def test_a_compressed_body_is_capped_once_decompressed(http, routes):
    bomb = gzip.compress(b"0" * (20 * 1024 * 1024))
    url = routes(
        "/bomb",
        lambda request: Response(
            bomb, headers={"Content-Encoding": "gzip", "Content-Type": "application/json"}
        ),
    )
    with pytest.raises(ResponseTooLarge) as cut:
        http.get(url, timeout=30, max_bytes=CAP)
    assert cut.value.bytes_read <= CAP + CHUNK_BYTES


def test_answers_within_the_limits_are_returned_whole(http, routes):
    url = routes(
        "/ok", lambda request: Response(json.dumps({"n": "x" * 1000}), mimetype="application/json")
    )
    response = http.request("POST", url, timeout=5, max_bytes=CAP, json={"a": 1})
    assert response.status_code == 200 and response.json() == {"n": "x" * 1000}


def test_a_redirect_on_the_same_site_is_followed(http, routes, platform_server):
    target = routes(
        "/moved-here",
        lambda request: Response(
            json.dumps({"method": request.method}), mimetype="application/json"
        ),
    )
    url = routes(
        "/moved", lambda request: Response(status=303, headers={"Location": "/moved-here"})
    )
    response = http.request("POST", url, timeout=5, max_bytes=CAP, json={"a": 1})
    assert response.url == target and response.json() == {"method": "GET"}


@pytest.mark.parametrize(
    "elsewhere",
    [
        "http://localhost:{port}/moved-here",  # another host name
        "http://127.0.0.1:{other}/moved-here",  # another port
        "https://127.0.0.1:{port}/moved-here",  # another scheme
    ],
)
def test_a_redirect_to_another_site_is_refused(http, routes, platform_server, elsewhere):
    port = platform_server.base_url.rsplit(":", 1)[1]
    location = elsewhere.format(port=port, other=free_port())
    url = routes("/away", lambda request: Response(status=302, headers={"Location": location}))
    with pytest.raises(RedirectRefused) as refused:
        http.get(url, timeout=5, max_bytes=CAP)
    assert location in str(refused.value) and "same scheme, host and port" in str(refused.value)


def test_redirects_are_followed_a_few_times_only(http, routes):
    url = routes("/loop", lambda request: Response(status=307, headers={"Location": "/loop"}))
    with pytest.raises(RedirectRefused, match="more than 3 times"):
        http.get(url, timeout=5, max_bytes=CAP)


def test_an_unreachable_lms_is_worth_trying_again(http):
    with pytest.raises(Unreachable) as failed:
        http.get(f"http://127.0.0.1:{free_port()}/x", timeout=5, max_bytes=CAP)
    assert failed.value.retryable and "could not reach" in str(failed.value)


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "127.1",
        "2130706433",
        "0x7f000001",
        "0177.0.0.1",
        "[::ffff:127.0.0.1]",
        "localhost",
    ],
)
def test_production_calls_no_loopback_address_in_any_spelling(unruly, host):
    server = unruly(dripping(every=0.01))
    port = server.base_url.rsplit(":", 1)[1]
    guarded = Outbound(addresses=PUBLIC_ONLY)
    with pytest.raises(InternalAddress) as refused:
        guarded.get(f"http://{host}:{port}/jwks", timeout=5, max_bytes=CAP)
    assert "loopback" in str(refused.value)
    assert server.connections == 0  # refused before connecting


def test_production_calls_an_lms_on_a_private_network_the_admin_named(unruly, tls):
    context, cert = tls
    server = unruly(answering(b'{"keys": []}'), tls=context)
    school = AddressRule(public_only=True, private_networks=(ipaddress.ip_network("127.0.0.1"),))
    client = Outbound(addresses=school, ca_bundle=cert)
    assert client.get(server.base_url + "/jwks", timeout=5, max_bytes=CAP).json() == {"keys": []}
    other = AddressRule(public_only=True, private_networks=(ipaddress.ip_network("10.0.0.0/8"),))
    with pytest.raises(InternalAddress, match="127.0.0.1 resolves to 127.0.0.1, a loopback"):
        Outbound(addresses=other, ca_bundle=cert).get(server.base_url, timeout=5, max_bytes=CAP)


def resolving_to(address: str, calls: list[str]):
    def resolve(host: str, port: int):
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    return resolve


def test_production_refuses_a_name_that_resolves_to_loopback(unruly):
    server = unruly(dripping(every=0.01))
    port = server.base_url.rsplit(":", 1)[1]
    guarded = Outbound(addresses=PUBLIC_ONLY, resolve=resolving_to("127.0.0.1", []))
    with pytest.raises(InternalAddress, match="lms.school.example resolves to 127.0.0.1"):
        guarded.get(f"http://lms.school.example:{port}/jwks", timeout=5, max_bytes=CAP)
    assert server.connections == 0


def test_the_name_is_resolved_once_and_the_checked_address_is_the_one_called(routes):
    url = routes("/who", lambda request: Response(request.host))
    port = url.split(":")[2].split("/")[0]
    calls: list[str] = []
    client = Outbound(addresses=ANYWHERE, resolve=resolving_to("127.0.0.1", calls))
    response = client.get(f"http://lms.school.example:{port}/who", timeout=5, max_bytes=CAP)
    assert response.text == f"lms.school.example:{port}"  # the Host header keeps the name
    assert calls == ["lms.school.example"]
