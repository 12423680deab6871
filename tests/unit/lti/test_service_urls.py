"""The gradebook and roster addresses of a launch, judged without looking names up."""

import pytest

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
    assert service_url_problem({AGS_ENDPOINT: {"lineitems": url}}) is not None


def test_public_names_are_left_to_the_call_time_check():
    body = {
        AGS_ENDPOINT: {"lineitem": "https://moodle.school.example/l"},
        NRPS: {"context_memberships_url": "https://93.184.215.14/m"},
    }
    assert service_url_problem(body) is None
