"""Grade-sync throughput: scores per second through one worker against a fake LMS that
answers in 20 ms, and how many access tokens it asked for. Writes bench/results/grades.json."""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from alembic import command  # noqa: E402

from config import Settings  # noqa: E402
from service import create_app  # noqa: E402
from service.extensions import db  # noqa: E402
from tests.conftest import alembic_config  # noqa: E402
from tests.fake_lms import FakeGradebook, tool_key_set  # noqa: E402
from tests.grades import drain, finish, learners, linked_activity, quick_worker  # noqa: E402
from tests.platform import PlatformServer, TestPlatform  # noqa: E402

LATENCY = 0.020
LEARNERS = 250
ROUNDS = (("1 thread", 1, 1), ("4 threads", 4, 2))


def run(folder: Path) -> list[dict[str, object]]:
    url = f"sqlite:///{folder / 'bench.db'}"
    command.upgrade(alembic_config(url), "head")
    settings = Settings(
        env="test",
        secret_key="b" * 40,
        database_url=url,
        instance_path=str(folder),
        log_level="WARNING",
    )
    app, server = create_app(settings), PlatformServer()
    rows = []
    with app.app_context():
        session = db.session
        lms = TestPlatform(server, name="bench", client_id="bench-1")
        lms.register(session)
        session.commit()
        book = FakeGradebook(lms, tool_key_set(url), latency=LATENCY)
        activity = linked_activity(session, lms, book.claim(book.add_line_item()))
        people = learners(session, lms, activity, LEARNERS, steps=0)
        for label, threads, step in ROUNDS:
            for person in people:  # every learner has a newer score to send
                finish(
                    session, person, ("search-basics", "search-queries", "check-search")[step - 1]
                )
            session.commit()
            rows.append(_round(label, threads, session, book))
        server.close()
    return rows


def _round(label: str, threads: int, session, book: FakeGradebook) -> dict[str, object]:
    worker = quick_worker(threads=threads, batch=50, timeout=5.0)
    tokens_before, received_before = book.token_requests, len(book.received)
    started = time.perf_counter()
    drain(worker, session, seconds=50)
    seconds = time.perf_counter() - started
    worker.close()
    sent = len(book.received) - received_before
    return {
        "worker": label,
        "scores": sent,
        "seconds": round(seconds, 2),
        "scores_per_second": round(sent / seconds, 1),
        "token_requests": book.token_requests - tokens_before,
        "lms_latency_ms": int(LATENCY * 1000),
    }


def measure() -> list[dict[str, object]]:
    """Each round's figures, also written to bench/results/grades.json."""
    with tempfile.TemporaryDirectory() as folder:
        rows = run(Path(folder))
    out = ROOT / "bench/results/grades.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps({"lms_latency_ms": int(LATENCY * 1000), "rounds": rows}, indent=2) + "\n"
    )
    return rows


def main() -> None:
    rows = measure()
    print(f"{'one worker':<12} {'scores':>7} {'seconds':>8} {'scores/s':>9} {'tokens':>7}")
    for row in rows:
        print(
            f"{row['worker']:<12} {row['scores']:>7} {row['seconds']:>8} "
            f"{row['scores_per_second']:>9} {row['token_requests']:>7}"
        )
    print("written to bench/results/grades.json")


if __name__ == "__main__":
    main()
