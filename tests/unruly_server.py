"""A loopback HTTP server that misbehaves the way a broken or hostile LMS can: it drips its
answer a byte at a time, or floods an endless body. It counts what it managed to send."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Callable

JSON_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
Behaviour = Callable[["UnrulyServer", socket.socket], None]


class UnrulyServer:
    def __init__(self, behaviour: Behaviour, tls: ssl.SSLContext | None = None) -> None:
        self.behaviour, self.tls = behaviour, tls
        self.stop = threading.Event()
        self.sent = 0
        self.connections = 0
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        scheme = "https" if tls else "http"
        self.base_url = f"{scheme}://127.0.0.1:{self._listener.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            with self._lock:
                self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            if self.tls:
                conn = self.tls.wrap_socket(conn, server_side=True)
        except OSError:
            conn.close()
            return
        with conn:
            try:
                conn.recv(65536)  # the request (small, one read is enough here)
                self.behaviour(self, conn)
            except OSError:
                pass  # the client gave up: that is the point

    def send(self, conn: socket.socket, data: bytes) -> None:
        conn.sendall(data)
        with self._lock:
            self.sent += len(data)

    def close(self) -> None:
        self.stop.set()
        self._listener.close()


def dripping(
    every: float = 1.0, body: bytes = b'{"issuer": "' + b"x" * 40 + b'"}', in_headers: bool = False
) -> Behaviour:
    """One byte every `every` seconds: of the whole answer, or of the body only."""
    head = JSON_HEAD + b"Content-Length: %d\r\n\r\n" % len(body)

    def behaviour(server: UnrulyServer, conn: socket.socket) -> None:
        if not in_headers:
            server.send(conn, head)
        for byte in head + body if in_headers else body:
            if server.stop.wait(every):
                return
            server.send(conn, bytes([byte]))

    return behaviour


def answering(body: bytes = b'{"keys": []}') -> Behaviour:
    """A prompt, well-formed answer."""

    def behaviour(server: UnrulyServer, conn: socket.socket) -> None:
        server.send(conn, JSON_HEAD + b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    return behaviour


def flooding(total: int = 300 * 1024 * 1024, announce: bool = False) -> Behaviour:
    """An endless (chunked) JSON body; with `announce`, a Content-Length saying so."""
    chunk = b"x" * 65536

    def behaviour(server: UnrulyServer, conn: socket.socket) -> None:
        if announce:
            server.send(conn, JSON_HEAD + b"Content-Length: %d\r\n\r\n" % total)
            frame = chunk
        else:
            server.send(conn, JSON_HEAD + b"Transfer-Encoding: chunked\r\n\r\n")
            frame = b"%x\r\n%s\r\n" % (len(chunk), chunk)
        sent = 0
        while sent < total and not server.stop.is_set():
            server.send(conn, frame)
            sent += len(chunk)

    return behaviour
