"""Run the real application under gunicorn on a loopback port, for multi-process tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from config.web_server import WEB_SERVER_PYTHON

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def app_env(database_url: str, base_url: str, instance: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REDIS_URL", "DEMO_"))}
    env.update(
        {
            "DATABASE_URL": database_url,
            "BASE_URL": base_url,
            "SELFPATH_ENV": "test",
            "SECRET_KEY": "s" * 40,
            "INSTANCE_PATH": str(instance),
            "LOG_LEVEL": "WARNING",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra)
    return env


@contextmanager
def gunicorn(
    env: dict[str, str],
    port: int,
    workers: int = 2,
    tls: tuple[Path, Path] | None = None,
    threads: int = 4,
) -> Iterator[str]:
    """Serve the app on 127.0.0.1:`port` until the block ends; yields its address.
    With `tls` (certificate, key), it serves HTTPS. Python runs as production runs the
    web server: without docstrings and assertions (docs/deploy.md, section 2)."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        str(ROOT / "config/gunicorn.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "wsgi:app",
    ]
    if tls:
        command[-1:-1] = ["--certfile", str(tls[0]), "--keyfile", str(tls[1])]
    env = {**env, **WEB_SERVER_PYTHON}
    log_path = Path(env["INSTANCE_PATH"]) / f"gunicorn-{port}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    address = f"{'https' if tls else 'http'}://127.0.0.1:{port}"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log
        )
        try:
            _wait_ready(address, process, log_path, verify=str(tls[0]) if tls else True)
            yield address
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(
    address: str, process: subprocess.Popen, log_path: Path, verify: str | bool = True
) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited: " + log_path.read_text()[-2000:])
        try:
            if requests.get(address + "/healthz", timeout=2, verify=verify).status_code == 200:
                return
        # The socket accepts connections before a busy machine has loaded the app: a probe
        # that times out is tried again, like one that finds nothing listening.
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"gunicorn at {address} did not become ready")
