"""Which hosts Selfpath may call in production: every spelling of an internal address is
refused, and names are judged by every address they resolve to."""

from __future__ import annotations

import ipaddress
import socket

import pytest

from lti.addresses import AddressRule, host_problem, literal_address


def no_lookup(host: str, port: int):
    raise AssertionError(f"{host} is numeric: it must not be looked up")


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.1", "loopback"),
        ("2130706433", "loopback"),
        ("0x7f000001", "loopback"),
        ("0177.0.0.1", "loopback"),
        ("0x7f.1", "loopback"),
        ("::1", "loopback"),
        ("[::1]", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("[::ffff:7f00:1]", "loopback"),
        ("2002:7f00:1::1", "loopback"),  # 6to4 of 127.0.0.1
        ("64:ff9b::a00:5", "private"),  # NAT64 of 10.0.0.5
        ("10.0.0.5", "private"),
        ("172.16.3.4", "private"),
        ("192.168.1.10", "private"),
        ("012.0.0.1", "private"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "non-public"),
        ("localhost", "loopback"),
        ("LOCALHOST", "loopback"),
        ("tool.localhost", "loopback"),
    ],
)
def test_internal_addresses_are_refused_in_every_spelling(host, kind):
    problem = host_problem(host, resolve=no_lookup)
    assert problem is not None and kind in problem


@pytest.mark.parametrize(
    "host", ["93.184.215.14", "8.8.8.8", "2001:4860:4860::8888", "[2606:4700::1111]"]
)
def test_public_addresses_are_allowed(host):
    assert host_problem(host, resolve=no_lookup) is None


def test_numeric_spellings_are_read_as_the_resolver_reads_them():
    assert str(literal_address("2130706433")) == "127.0.0.1"
    assert str(literal_address("0x7f000001")) == "127.0.0.1"
    assert str(literal_address("0177.0.0.1")) == "127.0.0.1"
    assert literal_address("moodle.school.edu.vn") is None


def resolving_to(*addresses: str):
    def resolve(host: str, port: int):
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in addresses
        ]

    return resolve


def test_a_name_resolving_to_loopback_is_refused():
    problem = host_problem("lms.school.example", resolve=resolving_to("127.0.0.1"))
    assert problem == "lms.school.example resolves to 127.0.0.1, a loopback address"


def test_a_name_is_refused_if_any_of_its_addresses_is_internal():
    problem = host_problem("lms.school.example", resolve=resolving_to("93.184.215.14", "10.1.2.3"))
    assert problem is not None and "10.1.2.3, a private address" in problem


def test_a_name_resolving_to_public_addresses_is_allowed():
    resolve = resolving_to("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c")
    assert host_problem("lms.school.example", resolve=resolve) is None


def test_without_a_resolver_names_are_not_looked_up():
    assert host_problem("lms.school.example", resolve=None) is None
    assert host_problem("127.1", resolve=None) is not None


def test_a_name_that_cannot_be_resolved_is_left_to_the_call():
    def fails(host: str, port: int):
        raise socket.gaierror("no such name")

    assert host_problem("lms.school.example", resolve=fails) is None


@pytest.mark.parametrize("host", ["127.1", "10.0.0.5", "lms.school.example", "8.8.8.8", ""])
def test_a_rule_judges_a_spelling_as_the_function_does_each_time_it_is_asked(host):
    rule = AddressRule(public_only=True)
    expected = host_problem(host, resolve=None)
    assert [rule.host_problem(host, resolve=None) for _ in range(3)] == [expected] * 3


def test_rules_naming_different_networks_do_not_share_their_answers():
    school = AddressRule(public_only=True, private_networks=(ipaddress.ip_network("10.0.0.0/8"),))
    strict = AddressRule(public_only=True)
    assert strict.host_problem("10.0.0.5", resolve=None) is not None
    assert school.host_problem("10.0.0.5", resolve=None) is None
    assert strict.host_problem("10.0.0.5", resolve=None) is not None
