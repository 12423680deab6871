"""What `make bench` measures: one function per scenario.

A scenario takes the running `Bench` and returns its figures. Scenarios not built yet are
listed with `measure=None` and show as "not yet measured" in the table; add one by writing
its function and naming it in SCENARIOS.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp

from bench import load, procstat
from bench.lms import BenchLms, learner
from service.demo.platform import LaunchContext

TOOL_BASE = "https://selfpath.bench.invalid"  # the public address the tool is configured with


@dataclass
class Bench:
    """The servers under test and how long each measurement may run."""

    backend: str  # "hello", "postgresql+redis" or "sqlite"
    address: str
    pid: int
    database: str | None  # PostgreSQL database whose backends' CPU is counted
    lms: BenchLms | None
    seconds: float
    learners: list[LaunchContext] = field(default_factory=list)


@dataclass
class Figure:
    scenario: str
    backend: str
    clients: int
    ops: int
    seconds: float
    per_second: float
    p50_ms: float
    p99_ms: float
    app_cpu_ms: float  # gunicorn CPU per operation
    db_cpu_ms: float  # PostgreSQL backend CPU per operation
    errors: int
    error_sample: list[str]

    @property
    def cpu_ms(self) -> float:
        return self.app_cpu_ms + self.db_cpu_ms


def measure(bench: Bench, scenario: str, operation: load.Operation, clients: int, *,
            max_count: int = 100_000, seconds: float | None = None) -> Figure:
    """Drive `operation` and charge the servers' CPU time to it."""
    before = procstat.cpu_sample(bench.pid, bench.database)
    run = load.run_sync(operation, clients, seconds=seconds or bench.seconds,
                        max_count=max_count)
    after = procstat.cpu_sample(bench.pid, bench.database)
    ops = max(run.count, 1)
    return Figure(scenario=scenario, backend=bench.backend, clients=clients, ops=run.count,
                  seconds=round(run.seconds, 3), per_second=round(run.per_second, 1),
                  p50_ms=round(run.percentile(50), 3), p99_ms=round(run.percentile(99), 3),
                  app_cpu_ms=round((after.app - before.app) * 1000 / ops, 3),
                  db_cpu_ms=round((after.database - before.database) * 1000 / ops, 3),
                  errors=len(run.errors), error_sample=run.errors[:3])


CLIENTS = (1, 16, 64)


# -- hello ---------------------------------------------------------------------------------
def hello(bench: Bench) -> list[Figure]:
    async def get(http: aiohttp.ClientSession, index: int) -> None:
        async with http.get(bench.address + "/hello") as response:
            body = await response.read()
            if response.status != 200 or body != b"hello":
                raise AssertionError(f"hello answered {response.status}")

    measure(bench, "warm-up", get, 16, seconds=1)
    return [measure(bench, "hello", get, clients) for clients in CLIENTS]


# -- the LTI launch ------------------------------------------------------------------------
@dataclass(frozen=True)
class _Login:
    who: LaunchContext
    state: str
    nonce: str
    cookie: str


async def _login(bench: Bench, http: aiohttp.ClientSession, who: LaunchContext) -> _Login:
    assert bench.lms is not None
    async with http.post(bench.address + "/lti/login", allow_redirects=False,
                         data=bench.lms.login_params(TOOL_BASE, who)) as response:
        await response.read()
        if response.status != 302:
            raise AssertionError(f"login answered {response.status}")
        query = parse_qs(urlsplit(response.headers["Location"]).query)
        cookie = next(f"{m.key}={m.value}" for m in response.cookies.values()
                      if m.key.startswith("lti_state_"))
    return _Login(who=who, state=query["state"][0], nonce=query["nonce"][0], cookie=cookie)


async def _post_id_token(bench: Bench, http: aiohttp.ClientSession, login: _Login,
                         id_token: str) -> None:
    async with http.post(bench.address + "/lti/launch", headers={"Cookie": login.cookie},
                         data={"id_token": id_token, "state": login.state}) as response:
        page = await response.text()
        if response.status != 200 or "Welcome" not in page:
            raise AssertionError(f"launch answered {response.status}: {page[:200]}")


def _sign(bench: Bench, login: _Login) -> str:
    assert bench.lms is not None
    return bench.lms.id_token(login.nonce, TOOL_BASE, login.who)


def _launch_operation(bench: Bench) -> load.Operation:
    async def launch(http: aiohttp.ClientSession, index: int) -> None:
        login = await _login(bench, http, bench.learners[index % len(bench.learners)])
        await _post_id_token(bench, http, login, _sign(bench, login))  # a fresh token each time
    return launch


def launch_warm_up(bench: Bench) -> None:
    """Every learner launches once, so the measured launches are returning learners."""
    measure(bench, "warm-up", _launch_operation(bench), 16, max_count=len(bench.learners),
            seconds=120)


def whole_launch(bench: Bench) -> list[Figure]:
    operation = _launch_operation(bench)
    return [measure(bench, "launch", operation, clients) for clients in CLIENTS]


def id_token_post(bench: Bench) -> list[Figure]:
    """The id_token POST alone: logins and signatures are done before the clock starts."""
    figures = []
    for clients, count in ((1, 150), (16, 600)):
        logins = asyncio.run(_logins(bench, count))
        tokens = [_sign(bench, login) for login in logins]

        async def post(http: aiohttp.ClientSession, index: int,
                       logins: list[_Login] = logins, tokens: list[str] = tokens) -> None:
            await _post_id_token(bench, http, logins[index], tokens[index])

        figures.append(measure(bench, "id_token POST", post, clients, max_count=count,
                               seconds=120))
    return figures


async def _logins(bench: Bench, count: int) -> list[_Login]:
    async with load.client_session(16) as http:
        semaphore = asyncio.Semaphore(16)

        async def one(index: int) -> _Login:
            async with semaphore:
                return await _login(bench, http, bench.learners[index % len(bench.learners)])

        return list(await asyncio.gather(*(one(i) for i in range(count))))


def learners(count: int = 200, courses: int = 4) -> list[LaunchContext]:
    return [learner(n, course=n % courses + 1) for n in range(count)]


# -- the table of scenarios ----------------------------------------------------------------
@dataclass(frozen=True)
class Scenario:
    name: str
    target: str  # SPEC §5, in words
    measure: Callable[[Bench], list[Figure]] | None = None
    limit: float | None = None  # the ratio to hello at 16 clients that meets the target


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("id_token POST", "within 4x hello", id_token_post, limit=4.0),
    Scenario("launch", "within 6x hello (login + id_token POST)", whole_launch, limit=6.0),
    Scenario("learner page", "within 3x hello"),
    Scenario("step completion", "within 4x hello"),
    Scenario("checkpoint submission", "not set"),
    Scenario("teacher dashboard 500x200", "under 150 ms, queries constant in class size"),
    Scenario("grade sync scores/s", "not set"),
)
WORKER_RSS_LIMIT_MB = 100.0


def as_dict(figure: Figure) -> dict[str, Any]:
    data = dict(figure.__dict__)
    data["cpu_ms"] = round(figure.cpu_ms, 3)
    return data
