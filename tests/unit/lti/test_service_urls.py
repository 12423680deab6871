"""The gradebook and roster addresses of a launch, judged without looking names up."""

import ipaddress

import pytest

from lti.addresses import ANYWHERE, PUBLIC_ONLY, AddressRule
from lti.claims import AGS_ENDPOINT, NRPS
from lti.service_urls import service_url_problem, service_urls


def test_every_service_address_of_a_launch_is_found():
    body = {
        AGS_ENDPOINT: {"lineitems": "https://a/li", "lineitem": "https://a/l", "scope": []},
        NRPS: {"context_memberships_url": "https://a/m"},
        "other": {"lineitem": "x"},
    }
    assert [url for _, url in service_urls(body)] == ["https://a/li", "https://a/l", "https://a/m"]
    assert service_urls({AGS_ENDPOINT: "not a claim", NRPS: {"context_memberships_url": 7}}) == []


@pytest.mark.parametrize(
    "url",
    [
        "https://127.1/li",
        "https://0x7f000001/li",
        "https://[::1]/li",
        "https://192.168.3.4/li",
        "https://localhost/li",
        "http://moodle.school.example/li",
    ],
)
def test_internal_or_plain_http_service_addresses_are_refused(url):
    assert service_url_problem({AGS_ENDPOINT: {"lineitems": url}}, PUBLIC_ONLY) is not None
    assert service_url_problem({AGS_ENDPOINT: {"lineitems": url}}, ANYWHERE) is None


def test_public_names_are_left_to_the_call_time_check():
    body = {
        AGS_ENDPOINT: {"lineitem": "https://moodle.school.example/l"},
        NRPS: {"context_memberships_url": "https://93.184.215.14/m"},
    }
    assert service_url_problem(body, PUBLIC_ONLY) is None


def test_a_gradebook_on_a_network_the_admin_named_is_kept():
    school = AddressRule(public_only=True, private_networks=(ipaddress.ip_network("10.20.0.0/16"),))
    inside = {AGS_ENDPOINT: {"lineitems": "https://10.20.0.15/mod/lti/services.php/2/lineitems"}}
    assert service_url_problem(inside, school) is None
    outside = {AGS_ENDPOINT: {"lineitems": "https://10.30.0.15/li"}}
    assert "not public (10.30.0.15 is a private address" in service_url_problem(outside, school)
    plain = {AGS_ENDPOINT: {"lineitems": "http://10.20.0.15/li"}}
    assert "is not an https:// address" in service_url_problem(plain, school)
