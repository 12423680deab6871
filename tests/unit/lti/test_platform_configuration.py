import ipaddress
import socket

import pytest

from lti.addresses import ANYWHERE, PUBLIC_ONLY, AddressRule
from lti.errors import RegistrationFailed
from lti.platform_configuration import check_platform_url, check_platform_urls, origin


def resolving_to(address: str):
    def resolve(host: str, port: int):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    return resolve


PUBLIC = resolving_to("93.184.215.14")


@pytest.mark.parametrize(
    ("url", "production"),
    [
        ("https://moodle.school.edu.vn/mod/lti/openid-configuration.php", True),
        ("https://127.0.0.1:8443/x", False),
        ("http://127.0.0.1:5000/x", False),
        ("http://localhost:5000/x", False),
        ("http://[::1]:5000/x", False),
    ],
)
def test_allowed_configuration_addresses(url, production):
    check_platform_url(url, addresses=AddressRule(public_only=production), resolve=PUBLIC)


@pytest.mark.parametrize(
    ("url", "production"),
    [
        ("http://127.0.0.1:5000/x", True),  # plain HTTP never in production
        ("http://moodle.school.edu.vn/x", False),  # nor to another machine
        ("https://10.0.0.5/x", True),  # nor to the server's private network
        ("https://localhost/x", True),
        ("ftp://moodle.school.edu.vn/x", False),
        ("", False),
    ],
)
def test_refused_configuration_addresses(url, production):
    with pytest.raises(RegistrationFailed) as refused:
        check_platform_url(url, addresses=AddressRule(public_only=production), resolve=PUBLIC)
    assert refused.value.status == 400


@pytest.mark.parametrize(
    "host",
    [
        "127.1",
        "2130706433",
        "0x7f000001",
        "0177.0.0.1",
        "[::ffff:127.0.0.1]",
        "[::1]",
        "169.254.169.254",
        "192.168.0.1",
        "tool.localhost",
    ],
)
def test_production_refuses_internal_lms_addresses_in_every_spelling(host):
    with pytest.raises(RegistrationFailed) as refused:
        check_platform_url(
            f"https://{host}/mod/lti/certs.php", addresses=PUBLIC_ONLY, resolve=PUBLIC
        )
    assert (refused.value.code, refused.value.status) == ("internal_platform_address", 400)
    assert "is not a public address" in refused.value.message


def test_production_refuses_an_lms_name_that_resolves_inside():
    with pytest.raises(RegistrationFailed) as refused:
        check_platform_urls(
            [
                "https://moodle.school.edu.vn/mod/lti/auth.php",
                "https://keys.school.edu.vn/mod/lti/certs.php",
            ],
            addresses=PUBLIC_ONLY,
            resolve=resolving_to("10.0.0.7"),
        )
    assert "moodle.school.edu.vn resolves to 10.0.0.7, a private address" in refused.value.message


def test_development_allows_the_test_lms_on_this_machine():
    check_platform_urls(
        ["http://127.0.0.1:5000/auth", "http://localhost:5000/certs"],
        addresses=ANYWHERE,
        resolve=resolving_to("10.0.0.7"),
    )


SCHOOL_NETWORK = AddressRule(
    public_only=True, private_networks=(ipaddress.ip_network("10.20.0.0/16"),)
)


def test_production_registers_an_lms_on_a_network_the_admin_named():
    check_platform_urls(
        ["https://10.20.0.15/mod/lti/auth.php", "https://moodle.school.lan/mod/lti/certs.php"],
        addresses=SCHOOL_NETWORK,
        resolve=resolving_to("10.20.3.4"),
    )


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("https://10.21.0.15/mod/lti/auth.php", "internal_platform_address"),  # another network
        ("https://192.168.0.1/x", "internal_platform_address"),
        ("https://localhost/x", "internal_platform_address"),  # this server, by name: never
        ("http://10.20.0.15/mod/lti/auth.php", "insecure_platform_url"),  # still https only
    ],
)
def test_a_named_network_opens_nothing_else(url, code):
    with pytest.raises(RegistrationFailed) as refused:
        check_platform_url(url, addresses=SCHOOL_NETWORK, resolve=resolving_to("10.20.3.4"))
    assert refused.value.code == code


def test_origin_includes_the_default_port():
    assert origin("https://lms.example.edu/a") == origin("https://LMS.example.edu:443/b")
    assert origin("https://lms.example.edu") != origin("https://lms.example.edu:8443")
    assert origin("https://lms.example.edu") != origin("http://lms.example.edu")
