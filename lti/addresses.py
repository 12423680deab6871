"""Which network addresses Selfpath may call in production: public ones, and those on the
private networks the LMS admin named for an LMS of their own (LMS_PRIVATE_NETWORKS).

A host is judged by every address it stands for. Numeric spellings are read the way the
system resolver reads them (`127.1`, `2130706433`, `0x7f000001` and `0177.0.0.1` are all
127.0.0.1 to it), IPv6 forms that carry an IPv4 address (`::ffff:127.0.0.1`, 6to4,
Teredo, NAT64) are judged by that address too, and names by what they resolve to.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# getaddrinfo's answer: (family, type, proto, canonname, sockaddr) per address
AddressInfo = tuple[Any, ...]
Resolver = Callable[[str, int], Sequence[AddressInfo]]
NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
INTERNAL_NAMES = ("localhost", "localhost.", "localhost.localdomain")


def system_resolver(host: str, port: int) -> Sequence[AddressInfo]:
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


def literal_address(host: str) -> IPAddress | None:
    """The address a numeric host stands for, in any spelling the resolver accepts."""
    bare = host.strip("[]")
    try:
        return ipaddress.ip_address(bare)
    except ValueError:
        pass
    try:  # the resolver's own parser: short, decimal, hex and octal IPv4 forms
        return ipaddress.IPv4Address(socket.inet_aton(bare))
    except (OSError, ValueError):
        return None


def address_kind(address: IPAddress, allowed: Sequence[Network] = ()) -> str | None:
    """Why Selfpath will not call this address ("loopback", "private", ...), or None.
    An address on one of the `allowed` networks (itself, or the IPv4 address an
    IPv4-mapped one stands for) may be called."""
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    if any(a in network for network in allowed for a in (address, mapped) if a is not None):
        return None
    for candidate in (*_embedded_ipv4(address), address):
        kind = _kind(candidate)
        if kind:
            return kind
    return None


def _kind(address: IPAddress) -> str | None:
    checks = (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("reserved", address.is_reserved),
        ("private", address.is_private),
        ("non-public", not address.is_global),
    )
    return next((kind for kind, hit in checks if hit), None)


def _embedded_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    inner = [address.ipv4_mapped, address.sixtofour]
    if address.teredo:
        inner.append(address.teredo[1])  # the client's address
    if address in NAT64:
        inner.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [a for a in inner if a is not None]


def host_problem(
    host: str, resolve: Resolver | None = system_resolver, allowed: Sequence[Network] = ()
) -> str | None:
    """Why `host` must not be called, in words for an LMS admin, or None when it may.
    With `resolve` None only the spelling is judged (no name lookup). Addresses on the
    `allowed` networks may be called; `localhost` names never."""
    name = host.strip("[]").lower()
    if not name:
        return "the address names no host"
    if name in INTERNAL_NAMES or name.endswith(".localhost"):
        return f"{host} is this server itself (loopback)"
    literal = literal_address(name)
    if literal is not None:
        kind = address_kind(literal, allowed)
        return f"{host} is a {kind} address ({literal})" if kind else None
    if resolve is None:
        return None
    return resolved_problem(host, _resolved(name, resolve), allowed)


def _resolved(name: str, resolve: Resolver) -> list[str]:
    try:
        return [str(info[4][0]) for info in resolve(name, 443)]
    except (OSError, UnicodeError):
        return []  # not found now: the call itself will fail, and is checked again then


def resolved_problem(
    host: str, addresses: Sequence[str], allowed: Sequence[Network] = ()
) -> str | None:
    """Why a host resolving to `addresses` must not be called: any internal one (not on
    an `allowed` network) refuses."""
    for text in addresses:
        address = ipaddress.ip_address(text.split("%")[0])
        kind = address_kind(address, allowed)
        if kind:
            return f"{host} resolves to {address}, a {kind} address"
    return None


@dataclass(frozen=True)
class AddressRule:
    """Where Selfpath's calls may go: anywhere (development and tests), or only to public
    addresses and to the `private_networks` an LMS admin named for an LMS on their own
    network (production)."""

    public_only: bool = False
    private_networks: tuple[Network, ...] = ()

    def host_problem(self, host: str, resolve: Resolver | None = system_resolver) -> str | None:
        """Why `host` must not be called under this rule, or None (see `host_problem`)."""
        if not self.public_only:
            return None
        if resolve is None:
            return _spelling_problem(self, host)
        return host_problem(host, resolve, self.private_networks)

    def resolved_problem(self, host: str, addresses: Sequence[str]) -> str | None:
        if not self.public_only:
            return None
        return resolved_problem(host, addresses, self.private_networks)


@lru_cache(maxsize=1024)
def _spelling_problem(rule: AddressRule, host: str) -> str | None:
    """`host_problem` without a name lookup, judged once per rule and spelling: a launch
    brings its LMS's gradebook and roster hosts again and again, and reading whether a
    spelling is numeric costs two failed parses."""
    return host_problem(host, None, rule.private_networks)


ANYWHERE = AddressRule()
PUBLIC_ONLY = AddressRule(public_only=True)


def lms_network_problem(network: Network) -> str | None:
    """Why `network` cannot be named as an LMS's private network, or None: link-local
    (where cloud metadata services answer), multicast and "this host" addresses are never
    called, IPv4 networks are named as such, and public addresses are allowed already."""
    if network.is_link_local or network.is_multicast:
        kind = "link-local" if network.is_link_local else "multicast"
        return f"{network} holds {kind} addresses, which Selfpath never calls"
    if network.is_global:
        return f"{network} holds public addresses, which Selfpath calls already"
    never = ("0.0.0.0/8",) if network.version == 4 else ("::/128", "::ffff:0:0/96")
    if any(network.overlaps(ipaddress.ip_network(n)) for n in never):
        return (
            f"{network} holds unspecified or IPv4-mapped addresses: name the LMS's own "
            "network (an IPv4 one in its IPv4 form)"
        )
    return None
