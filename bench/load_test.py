"""`make load`: many learners study at once on the two-instance production setup
(bench/cluster.py), then every completion is looked for in the database and every score
in the benchmark LMS's gradebook.

    python -m bench.load_test [--learners 500] [--seconds 60] [--concurrency 64]
                              [--drain-seconds 90]

Learners arrive evenly over `--seconds`; each launches (login on one instance, id_token
POST on the other), opens the path, marks the first unit's steps done on alternating
instances, takes the unit's checkpoint and opens the path again. At most `--concurrency`
learners are in flight; the whole run stops after three times `--seconds` at most.
The launches carry the AGS claim, so each completion and checkpoint queues a score; after
the run the two `flask worker` processes get up to `--drain-seconds` to send what is left,
then each learner's latest score in the database is compared with what the gradebook shows.
Loopback only; not part of `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import aiohttp
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bench import gradebook_check, procstat
from bench.cluster import TOOL_BASE, Cluster, cluster, prepare_course
from bench.lms import learner
from bench.load import Run
from bench.study import RIGHT, WRONG, checkpoint_key, read_key, study_path
from paths.enrollment import Enrollment
from paths.people import User
from paths.progress import ProgressEvent

READS = 3  # steps each learner marks done before the checkpoint
SESSION = "selfpath_session"
KINDS = ("login", "id_token POST", "learner page", "step completion", "checkpoint")


@dataclass
class Tally:
    runs: dict[str, Run] = field(default_factory=lambda: {k: Run(clients=0) for k in KINDS})
    done: set[tuple[str, str]] = field(default_factory=set)  # (learner, step) answered 303
    attempts: dict[str, int] = field(default_factory=dict)  # learner -> checkpoint attempts
    learners_failed: list[str] = field(default_factory=list)
    finished: int = 0
    late_starts: int = 0
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds during the run


def cpu_now(running: Cluster) -> dict[str, float]:
    """CPU seconds used so far by each part of the run, and by the whole machine."""
    database = make_url(running.database_url).database
    return {
        "load generator and benchmark LMS": procstat.process_cpu(os.getpid()),
        "web instances": sum(procstat.process_cpu(pid, children=True) for pid in running.masters),
        "grade workers": sum(procstat.process_cpu(w.pid) for w in running.workers),
        "PostgreSQL": procstat.database_cpu(database),
        "machine": procstat.machine_busy(),
    }


def cpu_line(used: dict[str, float], wall: float) -> str:
    """Where the run's CPU went; "everything else" is Redis and other work on the machine."""
    ours = {k: v for k, v in used.items() if k != "machine"}
    rest = used.get("machine", 0.0) - sum(ours.values())
    parts = ", ".join(f"{name} {seconds:.0f}" for name, seconds in ours.items())
    cores = os.cpu_count() or 1
    return (
        f"CPU seconds while learners ran ({cores} cores x {wall:.0f} s = {cores * wall:.0f} "
        f"available): {parts}, everything else on the machine {max(rest, 0.0):.0f}."
    )


class _Learner:
    def __init__(
        self, running: Cluster, http: aiohttp.ClientSession, tally: Tally, number: int
    ) -> None:
        self.running, self.http, self.tally, self.number = running, http, tally, number
        self.who = learner(number, course=1)
        self.headers = running.proxy_headers(number)
        self.cookie = ""
        self.csrf = ""

    def instance(self, n: int) -> str:
        return self.running.instances[(self.number + n) % len(self.running.instances)]

    async def request(
        self, kind: str, method: str, url: str, expect: int, **kwargs: object
    ) -> tuple[aiohttp.ClientResponse, str]:
        began = time.perf_counter()
        headers = {**self.headers, **({"Cookie": self.cookie} if self.cookie else {})}
        extra = kwargs.pop("headers", {})
        async with self.http.request(
            method,
            url,
            allow_redirects=False,
            headers={**headers, **extra},  # type: ignore[dict-item]
            **kwargs,
        ) as response:  # type: ignore[arg-type]
            body = await response.text()
        run = self.tally.runs[kind]
        if response.status != expect:
            run.errors.append(f"{kind} {response.status}: {body[:120]}")
            raise RuntimeError(f"{kind} answered {response.status}")
        run.latencies.append(time.perf_counter() - began)
        if SESSION in response.cookies:
            self.cookie = f"{SESSION}={response.cookies[SESSION].value}"
        return response, body

    async def study(self) -> None:
        lms = self.running.lms
        login, _ = await self.request(
            "login",
            "POST",
            self.instance(0) + "/lti/login",
            302,
            data=lms.login_params(TOOL_BASE, self.who),
        )
        query = parse_qs(urlsplit(login.headers["Location"]).query)
        state_cookie = next(
            f"{m.key}={m.value}" for m in login.cookies.values() if m.key.startswith("lti_state_")
        )
        token = lms.id_token(query["nonce"][0], TOOL_BASE, self.who)
        await self.request(
            "id_token POST",
            "POST",
            self.instance(1) + "/lti/launch",
            303,
            headers={"Cookie": state_cookie},
            data={"id_token": token, "state": query["state"][0]},
        )
        _, page = await self.request("learner page", "GET", self.instance(0) + "/path", 200)
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        if found is None:
            raise RuntimeError("no CSRF token on the learner page")
        self.csrf = found.group(1)
        for n in range(READS):
            key = read_key(0, n)
            await self.request(
                "step completion",
                "POST",
                self.instance(n) + f"/path/steps/{key}/done",
                303,
                data={"csrf_token": self.csrf, "confidence": "3"},
            )
            self.tally.done.add((self.who.subject, key))
        answers = RIGHT if self.number % 2 == 0 else WRONG
        await self.request(
            "checkpoint",
            "POST",
            self.instance(1) + f"/path/steps/{checkpoint_key(0)}/checkpoint",
            200,
            data={"csrf_token": self.csrf, **answers},
        )
        self.tally.attempts[self.who.subject] = 1
        await self.request("learner page", "GET", self.instance(1) + "/path", 200)


async def drive(
    running: Cluster, learners: int, seconds: float, concurrency: int, tally: Tally
) -> float:
    gate = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency * 2, force_close=True)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()
    ) as http:
        started = time.perf_counter()

        async def one(number: int) -> None:
            await asyncio.sleep(number * seconds / learners)
            if gate.locked():
                tally.late_starts += 1
            async with gate:
                try:
                    await _Learner(running, http, tally, number).study()
                    tally.finished += 1
                except Exception as failed:  # noqa: BLE001 - counted and shown, the run goes on
                    tally.learners_failed.append(f"learner {number}: {failed}"[:200])

        tasks = [asyncio.ensure_future(one(n)) for n in range(learners)]
        _done, pending = await asyncio.wait(tasks, timeout=seconds * 3)
        for task in pending:
            task.cancel()
        tally.learners_failed += (
            [f"{len(pending)} learners cut off at {seconds * 3:.0f} s"] if pending else []
        )
        return time.perf_counter() - started


def in_database(running: Cluster) -> tuple[set[tuple[str, str]], dict[str, int]]:
    engine = create_engine(running.database_url)
    with Session(engine) as session:
        rows = session.execute(
            select(User.subject, ProgressEvent.kind, ProgressEvent.step_key)
            .join(Enrollment, Enrollment.id == ProgressEvent.enrollment_id)
            .join(User, User.id == Enrollment.user_id)
        ).all()
    engine.dispose()
    completed = [(s, k) for s, kind, k in rows if kind == "completed"]
    attempts: dict[str, int] = {}
    for subject, kind, _key in rows:
        if kind == "checkpoint":
            attempts[subject] = attempts.get(subject, 0) + 1
    if len(completed) != len(set(completed)):
        raise AssertionError("a completion is recorded twice")
    return set(completed), attempts


def grades_after(running: Cluster, drain_seconds: float) -> gradebook_check.GradebookCheck:
    """Give the workers up to `drain_seconds` to empty the queue, then compare."""
    book = running.lms.gradebook
    assert book is not None
    drained = gradebook_check.wait_for_drain(running.database_url, drain_seconds)
    return gradebook_check.check(
        running.database_url, book.latest_scores(), len(book.received), drained
    )


def report(
    tally: Tally,
    wall: float,
    stored: tuple[set[tuple[str, str]], dict[str, int]],
    grades: gradebook_check.GradebookCheck,
    args: argparse.Namespace,
) -> tuple[str, bool]:
    lines = [
        "| request | count | errors | per second | p50 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    total = errors = 0
    for kind, run in tally.runs.items():
        total, errors = total + run.count, errors + len(run.errors)
        lines.append(
            f"| {kind} | {run.count} | {len(run.errors)} | {run.count / wall:.1f} "
            f"| {run.percentile(50):.0f} | {run.percentile(99):.0f} |"
        )
    everything = [x for run in tally.runs.values() for x in run.latencies]
    overall = Run(clients=0, latencies=everything)
    lines.append(
        f"| all | {total} | {errors} | {total / wall:.1f} | "
        f"{overall.percentile(50):.0f} | {overall.percentile(99):.0f} |"
    )
    completed, attempts = stored
    missing = tally.done - completed
    lost_attempts = {s for s in tally.attempts if attempts.get(s, 0) < 1}
    ok = (
        not errors and not tally.learners_failed and not missing and not lost_attempts and grades.ok
    )
    lines += [
        "",
        f"{tally.finished} of {args.learners} learners finished in {wall:.1f} s "
        f"(arrivals spread over {args.seconds:g} s, at most {args.concurrency} at once; "
        f"{tally.late_starts} waited for a free slot).",
        f"Completions answered 303: {len(tally.done)}; in the database: "
        f"{len(completed)}; missing: {len(missing)}. Checkpoint attempts answered: "
        f"{len(tally.attempts)}; missing in the database: {len(lost_attempts)}.",
        *grades.lines(args.drain_seconds),
        cpu_line(tally.cpu, wall),
        f"load: {'ok' if ok else 'FAILED'}",
    ]
    for run in tally.runs.values():
        lines += [f"  {e}" for e in run.errors[:3]]
    lines += [f"  {e}" for e in tally.learners_failed[:5]]
    return "\n".join(lines), ok


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--drain-seconds", type=float, default=90.0)
    args = parser.parse_args()
    tally = Tally()
    with cluster() as running:
        prepare_course(
            running.database_url,
            running.lms,
            study_path(units=2, reads=READS),
            "course-1",
            "link-1",
        )
        print(
            f"... {args.learners} learners over {args.seconds:g} s against "
            f"{len(running.instances)} instances",
            flush=True,
        )
        before = cpu_now(running)
        wall = asyncio.run(drive(running, args.learners, args.seconds, args.concurrency, tally))
        after = cpu_now(running)
        tally.cpu = {k: after[k] - before[k] for k in after}
        print(f"... waiting up to {args.drain_seconds:g} s for the grade workers", flush=True)
        grades = grades_after(running, args.drain_seconds)
        stored = in_database(running)
    text, ok = report(tally, wall, stored, grades, args)
    print(text)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
