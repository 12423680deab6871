"""`make bench`: serve Selfpath and a bare Flask "hello" with the same gunicorn settings,
drive both over loopback, and print every figure as a ratio to hello measured in this run.

    python -m bench.run [--seconds 4] [--backends postgresql+redis,sqlite] [--scenarios dashboard]

BENCH_PG_URL and BENCH_REDIS_URL name the benchmark's own PostgreSQL database (it is
emptied: its name must contain "bench") and Redis database.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from bench import procstat, report
from bench.lms import BenchLms
from bench.scenarios import (
    SCENARIOS,
    TOOL_BASE,
    Bench,
    Figure,
    as_dict,
    floor,
    hello,
    hello_beside,
    launch_warm_up,
    learners,
    with_hello_beside,
)
from bench.servers import gunicorn, server_env
from bench.setup_db import prepare_database

RESULTS = Path(__file__).resolve().parent / "results"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_selfpath"
REDIS_URL = "redis://127.0.0.1:6379/13"
HELLO_BESIDE_SECONDS = 2.0  # each run of hello right before and after a scenario


def main() -> None:
    args = _arguments()
    work = Path(tempfile.mkdtemp(prefix="selfpath-bench-"))
    log = work / "gunicorn.log"
    env = server_env(args.workers, args.threads)
    started = datetime.now(UTC)
    figures: list[Figure] = []
    rss: dict[str, float] = {}
    pss: dict[str, float] = {}
    statements: dict[str, dict[str, int]] = {}
    redis_round_trips: dict[str, dict[str, int]] = {}
    lms = BenchLms(tls_folder=work)
    try:
        with (
            gunicorn("bench.hello:app", env, log, "/hello") as served_hello,
            gunicorn("bench.floor:app", env, log, "/floor/health") as served_floor,
        ):
            for backend in args.backends:
                print(f"... {backend}: hello and the floor", flush=True)
                for yardstick, served in ((hello, served_hello), (floor, served_floor)):
                    figures += [
                        _tag(f, backend)
                        for f in yardstick(
                            Bench("hello", served.address, served.pid, None, None, args.seconds)
                        )
                    ]
                beside = Bench(
                    "hello",
                    served_hello.address,
                    served_hello.pid,
                    None,
                    None,
                    HELLO_BESIDE_SECONDS,
                )
                selfpath, memory = _selfpath(
                    backend, args, env, work, lms, (statements, redis_round_trips), beside
                )
                figures += selfpath
                rss[backend], pss[backend] = (max(m) for m in memory)
            rss["hello"] = max(procstat.worker_rss_mb(served_hello.pid))
            pss["hello"] = max(procstat.worker_pss_mb(served_hello.pid))
    finally:
        lms.close()
    document = _document(started, args, figures, rss, lms.jwks_hits)
    document["worker_pss_mb"] = {k: round(v, 1) for k, v in pss.items()}
    document["statements"] = statements
    document["redis_round_trips"] = redis_round_trips
    document.update(_engine_figures(args))
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"bench-{started:%Y%m%dT%H%M%SZ}.json"
    text = json.dumps(document, indent=2)
    path.write_text(text)
    (RESULTS / "latest.json").write_text(text)
    print()
    print(report.render(document))
    print(f"\nFigures written to {path}; server logs in {log}.")


def _engine_figures(args: argparse.Namespace) -> dict[str, Any]:
    """The personalization benchmark and grade-sync throughput, in this same run."""
    from bench import grades, learning

    found: dict[str, Any] = {}
    if _chosen("personalization", args.scenarios):
        print("... personalization (make bench-learning)", flush=True)
        found["learning"] = {**learning.measure(), "default_model": learning.DEFAULT_MODEL}
    if _chosen("grade sync", args.scenarios):
        print("... grade sync (make bench-grades)", flush=True)
        found["grades"] = grades.measure()
    return found


def _tag(figure: Figure, backend: str) -> Figure:
    figure.backend = backend
    return figure


def _selfpath(
    backend: str,
    args: argparse.Namespace,
    env: dict[str, str],
    work: Path,
    lms: BenchLms,
    counts: tuple[dict[str, dict[str, int]], dict[str, dict[str, int]]],
    hello_server: Bench,
) -> tuple[list[Figure], tuple[list[float], list[float]]]:
    """The scenarios' figures, each beside hello measured right before and after it at the
    targets' concurrency, and each worker's RSS and PSS after them."""
    if backend == "sqlite":
        database_url, redis_url, database = f"sqlite:///{work / 'bench.db'}", "", None
    else:
        database_url, redis_url = args.pg_url, args.redis_url
        database = make_url(database_url).database
    prepare_database(database_url, lms)
    secret_key = secrets.token_urlsafe(48)
    # Production needs Redis (shared rate limits): a SQLite run is the same code in
    # development, keeping launch state in the database as `make run` does.
    app_env = {
        **env,
        "SELFPATH_ENV": "production" if redis_url else "development",
        "BASE_URL": TOOL_BASE,
        "SECRET_KEY": secret_key,
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(work / "instance"),
        "LOG_LEVEL": "INFO",
        # every simulated browser comes from 127.0.0.1: one address, many learners
        "LTI_LOGIN_RATE_LIMIT": "1000000 per minute",
        # the benchmark LMS: HTTPS with its own certificate, on loopback, named as a
        # school names its own Moodle's network
        "LMS_PRIVATE_NETWORKS": "127.0.0.1",
        "REQUESTS_CA_BUNDLE": str(lms.ca_bundle),
    }
    if redis_url:
        app_env["REDIS_URL"] = redis_url
    with gunicorn("wsgi:app", app_env, work / "gunicorn.log", "/healthz") as served:
        bench = Bench(
            backend,
            served.address,
            served.pid,
            database,
            lms,
            args.seconds,
            learners(),
            database_url=database_url,
            redis_url=redis_url,
            secret_key=secret_key,
            work=work,
        )
        print(f"... {backend}: warm-up", flush=True)
        launch_warm_up(bench)
        figures: list[Figure] = []
        for scenario in SCENARIOS:
            if scenario.measure is not None and _chosen(scenario.name, args.scenarios):
                print(f"... {backend}: {scenario.name}", flush=True)
                before = hello_beside(hello_server, report.TARGET_CLIENTS)
                found = scenario.measure(bench)
                after = hello_beside(hello_server, report.TARGET_CLIENTS)
                figures += with_hello_beside(found, before, after)
        counts[0][backend], counts[1][backend] = bench.statements, bench.redis_round_trips
        memory = procstat.worker_rss_mb(served.pid), procstat.worker_pss_mb(served.pid)
        return figures, memory


def _chosen(name: str, wanted: list[str]) -> bool:
    return not wanted or any(word in name for word in wanted)


def _document(
    started: datetime,
    args: argparse.Namespace,
    figures: list[Figure],
    rss: dict[str, float],
    jwks_hits: int,
) -> dict[str, Any]:
    return {
        "date": started.isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "system": platform.platform(),
            "python": platform.python_version(),
        },
        "settings": {
            "workers": args.workers,
            "threads": args.threads,
            "seconds_per_run": args.seconds,
            "backends": args.backends,
            "selfpath_env": "production (development on SQLite)",
            "base_url": TOOL_BASE,
        },
        "figures": [as_dict(f) for f in figures],
        "worker_rss_mb": {k: round(v, 1) for k, v in rss.items()},
        "platform_jwks_fetches": jwks_hits,
        "scenarios": [
            {
                "name": s.name,
                "target": s.target,
                "measured": s.measure is not None and _chosen(s.name, args.scenarios),
                "limit": s.limit,
                "limit_ms": s.limit_ms,
                "same_statements_as": s.same_statements_as,
            }
            for s in SCENARIOS
        ],
    }


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--seconds",
        type=float,
        default=float(os.environ.get("BENCH_SECONDS", "4")),
        help="length of each timed run (default 4)",
    )
    parser.add_argument(
        "--backends",
        default="postgresql+redis,sqlite",
        type=lambda s: [b for b in s.split(",") if b],
    )
    parser.add_argument(
        "--scenarios",
        default="",
        type=lambda s: [w for w in s.split(",") if w],
        help="measure only the scenarios whose name contains one of these "
        "words (hello is always measured), e.g. dashboard",
    )
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", "2")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("BENCH_THREADS", "1")))
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", PG_URL))
    parser.add_argument("--redis-url", default=os.environ.get("BENCH_REDIS_URL", REDIS_URL))
    return parser.parse_args()


if __name__ == "__main__":
    main()
