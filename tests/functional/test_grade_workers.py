"""`flask worker` processes: killed mid-batch and restarted, and two at once."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT, TOOL_BASE
from tests.grades import delivery_of, finish, learners, linked_activity, score_of, unsent
from tests.gunicorn import app_env

pytestmark = pytest.mark.workers


@contextmanager
def worker_process(
    database_url: str, instance: Path, *args: str, **env: str
) -> Iterator[subprocess.Popen]:
    environment = app_env(
        database_url,
        TOOL_BASE,
        instance,
        HTTP_TIMEOUT_SECONDS="1",
        GRADE_LEASE_SECONDS="2",
        GRADE_RETRY_BASE_SECONDS="0.05",
        GRADE_RETRY_MAX_SECONDS="0.5",
        **env,
    )
    command = [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "wsgi:app",
        "worker",
        "--idle-sleep",
        "0.1",
        *args,
    ]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        if process.stdout:
            process.stdout.close()


def wait_for(condition, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=15)
    assert process.returncode == 0, out
    return out


def assert_in_order(gradebook) -> None:
    """Per learner, what arrived never goes back in time: nothing older after newer."""
    assert gradebook.stale == []
    for user in {r.user_id for r in gradebook.received}:
        stamps = [r.timestamp for r in gradebook.scores_of(user)]
        assert stamps == sorted(stamps), user


def test_a_worker_killed_mid_batch_loses_nothing_and_sends_nothing_older(
    platform, session, gradebook, database_url, tmp_path
):
    gradebook.latency = 0.05
    activity = linked_activity(session, platform, gradebook.claim(gradebook.add_line_item()))
    people = learners(session, platform, activity, 16)
    with worker_process(
        database_url, tmp_path, GRADE_BATCH_SIZE="8", GRADE_SEND_THREADS="2"
    ) as first:
        wait_for(lambda: len(gradebook.received) >= 3)
        for person in people[:8]:  # newer scores while the batch is in flight
            finish(session, person, "search-queries")
        session.commit()
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    arrived_before = len(gradebook.received)
    assert arrived_before < 24 and unsent(session)
    for person in people[8:12]:
        finish(session, person, "search-queries")
    session.commit()

    with worker_process(database_url, tmp_path) as second:
        wait_for(lambda: not unsent(session))
        stop(second)
    finals = {f"link-1-u{n}": 20.0 if n < 12 else 10.0 for n in range(16)}
    assert gradebook.final() == finals
    assert all(
        delivery_of(session, p).acknowledged_version == score_of(session, p).version for p in people
    )
    assert_in_order(gradebook)


def test_two_workers_send_each_score_once(platform, session, gradebook, database_url, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip(
            "several workers need PostgreSQL (FOR UPDATE SKIP LOCKED); on SQLite one worker runs"
        )
    gradebook.latency = 0.04
    activity = linked_activity(session, platform, gradebook.claim(gradebook.add_line_item()))
    people = learners(session, platform, activity, 24)
    options = {"GRADE_BATCH_SIZE": "4", "GRADE_SEND_THREADS": "1"}
    with (
        worker_process(database_url, tmp_path, **options) as one,
        worker_process(database_url, tmp_path, **options) as two,
    ):
        wait_for(lambda: not unsent(session))
        outputs = [stop(one), stop(two)]
    sent = [int(out.split("sent ")[1].split(",")[0]) for out in outputs]
    assert sum(sent) == 24 and min(sent) > 0, sent
    assert sorted(r.user_id for r in gradebook.received) == sorted(
        f"link-1-u{n}" for n in range(24)
    )
    assert all(delivery_of(session, p).acknowledged_version == 1 for p in people)
