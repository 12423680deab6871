"""gunicorn settings; each can be overridden with the usual GUNICORN_CMD_ARGS."""

import os
import sys
from collections.abc import Mapping
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def control_socket_settings(env: Mapping[str, str]) -> tuple[bool, str | None]:
    """(control_socket_disable, control_socket). gunicorn 25+ opens a control socket for
    `gunicornc` at one path per user ($XDG_RUNTIME_DIR or ~/.gunicorn), so two instances
    on one machine would share it and the second would take it over. Selfpath needs no
    control socket: off, unless GUNICORN_CONTROL_SOCKET=1 asks for one in the instance
    folder (each instance on a machine then needs its own INSTANCE_PATH)."""
    if env.get("GUNICORN_CONTROL_SOCKET", "0") != "1":
        return True, None
    instance = Path(env.get("INSTANCE_PATH") or PROJECT_ROOT / "instance")
    return False, str(instance.resolve() / "gunicorn.ctl")


bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("WEB_THREADS", "1"))
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = None  # the app writes one structured line per request itself
errorlog = "-"
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") == "1"
control_socket_disable, _socket_path = control_socket_settings(os.environ)
if _socket_path:
    control_socket = _socket_path

# After a request that took more than 20 ms of CPU, freed memory goes back to the system
# (config/worker_memory.py), so one big class dashboard does not keep a worker big.
if str(PROJECT_ROOT) not in sys.path:  # gunicorn started from another folder
    sys.path.insert(0, str(PROJECT_ROOT))
from config.worker_memory import post_request, pre_request, when_ready  # noqa: E402, F401
