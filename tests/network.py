"""During the tests nothing leaves the machine: a connection or a name lookup for anything but
loopback is refused in the test process (the LMS, OAI repository and servers the tests start
all listen on 127.0.0.1). Tests that need an outside name's answers give them by monkeypatching
`socket.getaddrinfo`, which replaces this guard for that test only."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class OutsideNetworkRefused(ConnectionRefusedError):
    """A test tried to reach something that is not this machine."""


def is_loopback(host: object) -> bool:
    if host is None:
        return True  # getaddrinfo(None, port): the local wildcard or loopback address
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    name = host.strip("[]").split("%", 1)[0].lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def _refuse(host: object) -> OutsideNetworkRefused:
    return OutsideNetworkRefused(f"the tests may only reach loopback, not {host!r}")


def refuse_outside_network() -> None:
    """Wrap socket.connect, connect_ex and getaddrinfo for the rest of the process."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def _check(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and not is_loopback(address[0]):
            raise _refuse(address[0])

    def connect(self: socket.socket, address: Any) -> None:
        _check(self, address)
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        _check(self, address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_loopback(host):
            raise _refuse(host)
        return real_getaddrinfo(host, *args, **kwargs)

    socket.socket.connect = connect  # type: ignore[method-assign]
    socket.socket.connect_ex = connect_ex  # type: ignore[method-assign]
    socket.getaddrinfo = getaddrinfo
