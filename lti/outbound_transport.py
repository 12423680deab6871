"""The sockets under Selfpath's outbound calls: one deadline for the whole call, and in
production only public peers.

`requests` and urllib3 only know per-operation timeouts: a peer that drips one byte just
inside each timeout could hold a call forever. Here every socket operation of a call
(connect, TLS handshake, sending, each read of the headers and body) gets only the time
left until the call's deadline. The address check is made on the addresses the socket
connects to, after name resolution, so a name that resolves elsewhere a second later
(DNS rebinding) changes nothing.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from lti.addresses import AddressInfo, AddressRule, Resolver


class AddressRefused(Exception):
    """The call would reach an internal address (not an OSError: urllib3 lets it through
    untouched rather than retrying or wrapping it)."""


@dataclass
class CallLimits:
    """What one outbound call may use: time until `deadline` (on `clock`), the peers
    `addresses` allows."""

    deadline: float
    addresses: AddressRule
    resolve: Resolver
    clock: Callable[[], float] = time.monotonic

    def time_left(self, cap: float | None = None) -> float:
        left = self.deadline - self.clock()
        if left <= 0:
            raise TimeoutError("the call's deadline has passed")
        return left if cap is None else min(left, cap)


_current = threading.local()


@contextmanager
def limited(limits: CallLimits) -> Iterator[CallLimits]:
    """Run one call (its connections are used by this thread only) under `limits`."""
    _current.limits = limits
    try:
        yield limits
    finally:
        _current.limits = None


def current_limits() -> CallLimits:
    limits: CallLimits | None = getattr(_current, "limits", None)
    if limits is None:
        raise RuntimeError("outbound connections are only used through lti.outbound")
    return limits


class DeadlineSocket:
    """A connected socket whose every operation ends by the current call's deadline."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._timeout: float | None = sock.gettimeout()
        self._io_refs = 0
        self._closed = False

    def _arm(self) -> None:
        self._sock.settimeout(current_limits().time_left(self._timeout))

    def settimeout(self, value: float | None) -> None:
        self._timeout = value  # an upper bound per operation; the deadline may cut it

    def gettimeout(self) -> float | None:
        return self._timeout

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        self._arm()
        return self._sock.recv_into(buffer, nbytes, flags)

    def recv(self, size: int, flags: int = 0) -> bytes:
        self._arm()
        return self._sock.recv(size, flags)

    def sendall(self, data: Any, flags: int = 0) -> None:
        self._arm()
        self._sock.sendall(data, flags)

    def send(self, data: Any, flags: int = 0) -> int:
        self._arm()
        return self._sock.send(data, flags)

    def makefile(self, mode: str = "rb", buffering: int = -1) -> Any:
        # http.client reads the answer through this file: it must read through us.
        if mode != "rb":
            raise ValueError("only binary reading is supported")
        import io

        self._io_refs += 1
        return io.BufferedReader(
            socket.SocketIO(self, "rb"),  # type: ignore[arg-type]
            buffering if buffering > 0 else io.DEFAULT_BUFFER_SIZE,
        )

    def _decref_socketios(self) -> None:
        # The same bookkeeping as socket.socket: closing waits for the last reader.
        if self._io_refs > 0:
            self._io_refs -= 1
        if self._closed:
            self.close()

    def close(self) -> None:
        self._closed = True
        if self._io_refs <= 0:
            self._sock.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


def open_socket(
    host: str, port: int, timeout: float | None, options: list[tuple[int, int, int]] | None
) -> socket.socket:
    """Resolve, check every address (in production), connect to a checked one."""
    limits = current_limits()
    infos = list(limits.resolve(host, port))
    problem = limits.addresses.resolved_problem(host, [str(info[4][0]) for info in infos])
    if problem:
        raise AddressRefused(problem)
    error: OSError = OSError(f"{host} has no address")
    for info in infos:
        try:
            return _connect(info, host, limits, timeout, options)
        except OSError as failed:
            error = failed
    raise error


def _connect(
    info: AddressInfo,
    host: str,
    limits: CallLimits,
    timeout: float | None,
    options: list[tuple[int, int, int]] | None,
) -> socket.socket:
    family, kind, proto, _, address = info
    sock = socket.socket(family, kind, proto)
    try:
        for option in options or ():
            sock.setsockopt(*option)
        sock.settimeout(limits.time_left(timeout))
        sock.connect(address)
        peer = str(sock.getpeername()[0])
        problem = limits.addresses.resolved_problem(host, [peer])  # the address connected to
        if problem:
            raise AddressRefused(problem)
        return sock
    except BaseException:
        sock.close()
        raise


class _Checked:
    """Connections that open their socket through `open_socket` and wrap it."""

    host: str
    port: int
    timeout: Any
    socket_options: Any
    sock: Any
    _dns_host: str

    def _new_conn(self) -> socket.socket:
        try:
            return open_socket(
                self._dns_host, self.port, _seconds(self.timeout), self.socket_options
            )
        except socket.gaierror as error:
            raise NameResolutionError(self.host, self, error) from error  # type: ignore[arg-type]
        except TimeoutError as error:
            raise ConnectTimeoutError(self, f"connecting to {self.host} timed out") from error
        except OSError as error:
            raise NewConnectionError(self, f"could not connect: {error}") from error  # type: ignore[arg-type]

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        self.sock = DeadlineSocket(self.sock)


def _seconds(timeout: Any) -> float | None:
    return timeout if isinstance(timeout, int | float) else None


class CheckedHTTPConnection(_Checked, HTTPConnection):
    pass


class CheckedHTTPSConnection(_Checked, HTTPSConnection):
    pass


class CheckedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = CheckedHTTPConnection


class CheckedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = CheckedHTTPSConnection


class CheckedAdapter(HTTPAdapter):
    """A requests adapter whose pools make checked, deadline-bound connections."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": CheckedHTTPConnectionPool,
            "https": CheckedHTTPSConnectionPool,
        }
