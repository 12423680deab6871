"""The tests cannot reach outside the machine; loopback still works."""

from __future__ import annotations

import socket

import pytest

from tests.network import OutsideNetworkRefused, is_loopback


@pytest.mark.parametrize("address", [("93.184.215.14", 80), ("2606:2800:21f::1", 443, 0, 0)])
def test_a_connection_to_an_outside_address_is_refused(address):
    family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        with pytest.raises(OutsideNetworkRefused, match="only reach loopback"):
            sock.connect(address)
        with pytest.raises(OutsideNetworkRefused):
            sock.connect_ex(address)


def test_a_connection_by_outside_name_is_refused_before_any_lookup():
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock,
        pytest.raises(OutsideNetworkRefused),
    ):
        sock.connect(("example.org", 80))


def test_looking_up_an_outside_name_is_refused():
    with pytest.raises(OutsideNetworkRefused):
        socket.getaddrinfo("example.org", 443)


def test_loopback_is_reached():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        assert socket.getaddrinfo("localhost", port)
        with socket.create_connection(("localhost", port), timeout=5) as client:
            accepted, _ = server.accept()
            accepted.close()
            assert client.getpeername()[1] == port


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.0.2", True),
        ("127.1", True),
        ("2130706433", True),
        ("0x7f000001", True),
        ("::ffff:127.0.0.1", True),
        ("::ffff:10.0.0.1", False),
        ("167772161", False),
        ("::1", True),
        ("[::1]", True),
        (b"localhost", True),
        ("LOCALHOST", True),
        (None, True),
        ("10.0.0.1", False),
        ("169.254.169.254", False),
        ("lms.example", False),
        (1234, False),
    ],
)
def test_what_counts_as_loopback(host, loopback):
    assert is_loopback(host) is loopback
