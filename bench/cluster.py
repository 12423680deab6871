"""A production-shaped Selfpath on loopback: two gunicorn instances (and, where the
release has them, `flask worker` processes) sharing one PostgreSQL database and one Redis,
with the settings docs/deploy.md gives, for `make prod-check` and `make load`. The
benchmark LMS's gradebook is open: launches carry the AGS claim and the workers send
scores to it over loopback.

The benchmark LMS serves HTTPS with a certificate of its own, which the instances and
workers trust (REQUESTS_CA_BUNDLE), and lives on 127.0.0.1, which they may call because
LMS_PRIVATE_NETWORKS names it, as a school names the network of its own Moodle.

The instances sit where nginx would forward to them: PROXY_HOPS=1, so clients send the
`X-Forwarded-For` and `X-Forwarded-Proto: https` that the proxy would add.
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bench.lms import BenchLms, published_keys
from bench.servers import ROOT, gunicorn, server_env
from bench.setup_db import prepare_database
from lti.models import Deployment, Platform
from paths.authoring import PathDraft, create_path
from paths.db import utcnow
from paths.enrollment import assign
from paths.people import Activity, Course

TOOL_BASE = "https://selfpath.bench.invalid"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_selfpath"
REDIS_URL = "redis://127.0.0.1:6379/13"


@dataclass
class Cluster:
    instances: list[str]  # base addresses of the web instances
    database_url: str
    lms: BenchLms
    work: Path
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    masters: list[int] = field(default_factory=list)  # gunicorn master pid of each instance

    def proxy_headers(self, client: int) -> dict[str, str]:
        """What nginx adds for the browser with number `client`."""
        return {
            "X-Forwarded-For": f"10.{client // 65536 % 256}.{client // 256 % 256}.{client % 256}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-Host": "selfpath.bench.invalid",
        }


def has_grade_workers() -> bool:
    """`flask worker` exists in this release (grade sync to the LMS gradebook)."""
    return (ROOT / "lti" / "grade_worker.py").exists()


def production_env(
    database_url: str, redis_url: str, work: Path, lms_ca_bundle: Path
) -> dict[str, str]:
    return server_env(
        int(os.environ.get("WEB_CONCURRENCY", "2")),
        int(os.environ.get("WEB_THREADS", "1")),
        SELFPATH_ENV="production",
        BASE_URL=TOOL_BASE,
        SECRET_KEY=secrets.token_urlsafe(48),
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        PROXY_HOPS="1",
        INSTANCE_PATH=str(work / "instance"),
        LOG_LEVEL="WARNING",
        DATABASE_POOL_SIZE="2",
        DATABASE_MAX_OVERFLOW="2",
        LMS_PRIVATE_NETWORKS="127.0.0.1",
        REQUESTS_CA_BUNDLE=str(lms_ca_bundle),
    )


@contextmanager
def cluster(instances: int = 2, workers: int = 2) -> Iterator[Cluster]:
    """Start the instances (and workers) on a freshly emptied benchmark database."""
    database_url = os.environ.get("BENCH_PG_URL", PG_URL)
    redis_url = os.environ.get("BENCH_REDIS_URL", REDIS_URL)
    work = Path(tempfile.mkdtemp(prefix="selfpath-cluster-"))
    lms = BenchLms(tls_folder=work)
    assert lms.ca_bundle is not None
    env = production_env(database_url, redis_url, work, lms.ca_bundle)
    try:
        prepare_database(database_url, lms)
        with ExitStack() as stack:
            served = [
                stack.enter_context(gunicorn("wsgi:app", env, work / f"web-{n}.log", "/healthz"))
                for n in range(instances)
            ]
            running = Cluster(
                instances=[s.address for s in served],
                database_url=database_url,
                lms=lms,
                work=work,
                masters=[s.pid for s in served],
            )
            lms.open_gradebook(
                published_keys(running.instances[0] + "/lti/jwks", running.proxy_headers(0))
            )
            if has_grade_workers():
                running.workers = [
                    _start_worker(env, work / f"worker-{n}.log") for n in range(workers)
                ]
                stack.callback(_stop, running.workers)
            yield running
    finally:
        lms.close()


def _start_worker(env: dict[str, str], log_path: Path) -> subprocess.Popen[bytes]:
    with open(log_path, "ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "wsgi:app", "worker"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def prepare_course(
    database_url: str, lms: BenchLms, draft: PathDraft, context_id: str, resource_link_id: str
) -> None:
    """The course and activity the LMS will launch into, with `draft` assigned to it, as
    if its teacher had chosen the path through deep linking."""
    engine = create_engine(database_url)
    with Session(engine) as session:
        tenant_id = session.scalars(
            select(Deployment.tenant_id)
            .join(Platform, Platform.id == Deployment.platform_id)
            .where(Platform.issuer == lms.issuer)
        ).one()
        course = Course(tenant_id=tenant_id, context_id=context_id, title="Course 1")
        session.add(course)
        session.flush()
        activity = Activity(
            tenant_id=tenant_id,
            course_id=course.id,
            resource_link_id=resource_link_id,
            title="Self-study path",
        )
        session.add(activity)
        session.flush()
        version = create_path(session, draft, now=utcnow(), tenant_id=tenant_id)
        assign(session, activity.id, version, assigned_by=None, now=utcnow())
        session.commit()
    engine.dispose()
