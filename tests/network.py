"""During the tests nothing leaves the machine: a connection or a name lookup for anything but
loopback is refused in the test process (the LMS, OAI repository and servers the tests start
all listen on 127.0.0.1). Tests that need an outside name's answers give them by monkeypatching
`socket.getaddrinfo`, which replaces this guard for that test only."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
_REAL_GETADDRINFO = socket.getaddrinfo


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
        return _loopback_address(name)
    except ValueError:
        return _numeric_loopback(name)


def _loopback_address(text: str) -> bool:
    address = ipaddress.ip_address(text)
    mapped = getattr(address, "ipv4_mapped", None)
    return address.is_loopback or (mapped is not None and mapped.is_loopback)


def _numeric_loopback(name: str) -> bool:
    """Other spellings of an address ("127.1", "0x7f000001"), read as the C library reads
    them, without asking any name server."""
    try:
        found = _REAL_GETADDRINFO(name, None, flags=socket.AI_NUMERICHOST)
    except (OSError, UnicodeError):
        return False
    return bool(found) and all(_loopback_address(str(info[4][0])) for info in found)


def _refuse(host: object) -> OutsideNetworkRefused:
    return OutsideNetworkRefused(f"the tests may only reach loopback, not {host!r}")


def refuse_outside_network() -> None:
    """Wrap socket.connect, connect_ex and getaddrinfo for the rest of the process."""
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = _REAL_GETADDRINFO

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
