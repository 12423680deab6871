"""config/worker_memory.py: what the master loaded stays out of the workers' collections, and
freed memory goes back to the system after heavy requests only."""

from __future__ import annotations

import gc
import logging
import subprocess
import sys

from config import worker_memory
from config.worker_memory import MemoryRelease
from tests.gunicorn import ROOT


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def release_with(clock: Clock) -> tuple[MemoryRelease, list[int]]:
    calls: list[int] = []
    return MemoryRelease(lambda pad: calls.append(pad) or 1, cpu=clock), calls


def test_a_heavy_request_gives_memory_back_once_it_is_served():
    clock = Clock()
    release, calls = release_with(clock)
    release.started()
    clock.now += 0.05  # a 500-learner dashboard
    assert calls == []  # nothing while the request runs
    release.finished()
    assert calls == [0] and release.trims == 1


def test_light_requests_never_pay_for_it():
    clock = Clock()
    release, calls = release_with(clock)
    for _ in range(100):
        release.started()
        clock.now += 0.004  # a learner page
        release.finished()
    assert calls == []


def test_a_finish_without_a_start_does_nothing():
    clock = Clock()
    release, calls = release_with(clock)
    clock.now = 10.0
    release.finished()
    release.started()
    release.finished()
    release.finished()
    assert calls == []


def test_without_malloc_trim_nothing_is_done():
    clock = Clock()
    release = MemoryRelease(None, cpu=clock)
    release.started()
    clock.now += 1.0
    release.finished()
    assert release.trims == 0


def test_this_machine_s_c_library_is_found():
    assert worker_memory.RELEASE._trim is not None  # glibc, as in the container images
    assert worker_memory._malloc_trim()(0) in (0, 1)


def test_what_the_master_loaded_is_left_out_of_collections():
    collected: list[bool] = []
    try:
        frozen = worker_memory.freeze_loaded_objects(lambda: collected.append(True))
        assert collected == [True]  # the garbage first, so that none of it is kept for good
        assert frozen >= gc.get_freeze_count() > 1000  # this test process's modules and more
        later = [[object()] for _ in range(100)]  # made after the freeze: collected as usual
        assert all(map(gc.is_tracked, later)) and gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()
    assert gc.get_freeze_count() == 0


def test_the_master_freezes_once_the_application_is_loaded(caplog):
    class Server:
        log = logging.getLogger("gunicorn.error")

    try:
        with caplog.at_level(logging.INFO, logger="gunicorn.error"):
            worker_memory.when_ready(Server())
        assert gc.get_freeze_count() > 1000
        assert "left out of garbage collection" in caplog.text
    finally:
        gc.unfreeze()


def test_a_master_serving_with_docstrings_says_how_to_leave_them_out():
    from config.web_server import WEB_SERVER_PYTHON, optimization_advice

    advice = optimization_advice(optimize=0)
    assert advice is not None and "PYTHONOPTIMIZE=2" in advice
    assert optimization_advice(optimize=int(WEB_SERVER_PYTHON["PYTHONOPTIMIZE"])) is None


def test_the_served_test_and_benchmark_apps_run_as_production_serves(tmp_path):
    """The gunicorn of the tests and of `make bench` leaves docstrings out, as the systemd
    unit of docs/deploy.md does: the browser suite exercises every page that way."""
    from bench.servers import server_env
    from config.web_server import WEB_SERVER_PYTHON

    deploy = (ROOT / "docs" / "deploy.md").read_text()
    assert "Environment=PYTHONOPTIMIZE=2" in deploy
    assert server_env(1, 1)["PYTHONOPTIMIZE"] == WEB_SERVER_PYTHON["PYTHONOPTIMIZE"]
    assert "PYTHONOPTIMIZE=2" in (ROOT / "Makefile").read_text()


def test_a_worker_on_sqlite_loads_no_postgresql_driver(tmp_path):
    """psycopg costs a worker about 5 MB: only an application on PostgreSQL loads it."""
    script = (
        "import sys\n"
        "from config import Settings\n"
        "from service import create_app\n"
        f"create_app(Settings(secret_key='k' * 40, database_url='sqlite:///{tmp_path}/a.db',"
        " base_url='https://tool.example', instance_path=sys.argv[1]))\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'psycopg'))\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert shown.stdout.strip() == "[]"
