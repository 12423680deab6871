"""gunicorn processes for the benchmark: Selfpath and the hello yardstick, same settings."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

from config.web_server import WEB_SERVER_PYTHON

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Served:
    address: str
    pid: int


def listening_socket() -> socket.socket:
    """A socket already bound to a free loopback port and listening. gunicorn inherits it
    (`--bind fd://N`), so no other process, such as a second benchmark run on the same
    machine, can take the port between choosing it and serving on it."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(2048)
    return sock


def server_env(workers: int, threads: int, **extra: str) -> dict[str, str]:
    keep = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "WEB_CONCURRENCY": str(workers),
            "WEB_THREADS": str(threads),
            "PYTHONDONTWRITEBYTECODE": "1",
            **WEB_SERVER_PYTHON,  # as production serves (docs/deploy.md); hello too
        }
    )
    env.update(extra)
    return env


@contextmanager
def gunicorn(app: str, env: dict[str, str], log_path: Path, ready_path: str) -> Iterator[Served]:
    """Serve `app` with config/gunicorn.py on a free loopback port until the block ends."""
    listener = listening_socket()
    port, fd = int(listener.getsockname()[1]), listener.fileno()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / "config/gunicorn.py"),
        "--bind",
        f"fd://{fd}",
        # its own control socket, not the shared default under ~/.gunicorn
        "--control-socket",
        str(log_path.parent / f"gunicorn-{port}.ctl"),
        app,
    ]
    address = f"http://127.0.0.1:{port}"
    with open(log_path, "ab") as log:
        try:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env={**env, "BIND": f"fd://{fd}"},
                stdout=log,
                stderr=log,
                pass_fds=(fd,),
            )
        finally:
            listener.close()  # gunicorn holds it now
        try:
            _wait_ready(address + ready_path, process, log_path)
            yield Served(address=address, pid=process.pid)
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(url: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited: " + log_path.read_text()[-3000:])
        try:
            if requests.get(url, timeout=2).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):  # listening, not serving yet
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn did not answer {url} within 60 s")
