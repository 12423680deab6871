"""What `make bench` measures: one function per scenario.

A scenario takes the running `Bench` and returns its figures. Scenarios not built yet are
listed with `measure=None` and show as "not yet measured" in the table; add one by writing
its function and naming it in SCENARIOS.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import aiohttp

from bench import load, procstat, statements, study
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
    database_url: str = ""
    redis_url: str = ""
    secret_key: str = ""  # the served app's, so its cookies can be replayed in-process
    work: Path | None = None
    sessions: list[study.StudySession] = field(default_factory=list)
    statements: dict[str, int] = field(default_factory=dict)  # SQL per request, in-process
    redis_round_trips: dict[str, int] = field(default_factory=dict)  # the same, to Redis
    path_assigned: bool = False  # the study path is placed on the learners' activities


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
    statements: int | None = None  # SQL statements of one such request (counted in-process)
    redis_round_trips: int | None = None  # and its round trips to Redis
    # hello at the same concurrency right before and right after this scenario (the mean):
    # the machine's speed drifts within a run, so a scenario is divided by the hello beside
    # it rather than by the one measured minutes earlier (set at TARGET_CLIENTS only)
    hello_cpu_ms: float | None = None
    hello_per_second: float | None = None

    @property
    def cpu_ms(self) -> float:
        return self.app_cpu_ms + self.db_cpu_ms


def measure(
    bench: Bench,
    scenario: str,
    operation: load.Operation,
    clients: int,
    *,
    max_count: int = 100_000,
    seconds: float | None = None,
) -> Figure:
    """Drive `operation` and charge the servers' CPU time to it."""
    before = procstat.cpu_sample(bench.pid, bench.database)
    run = load.run_sync(operation, clients, seconds=seconds or bench.seconds, max_count=max_count)
    after = procstat.cpu_sample(bench.pid, bench.database)
    ops = max(run.count, 1)
    return Figure(
        scenario=scenario,
        backend=bench.backend,
        clients=clients,
        ops=run.count,
        seconds=round(run.seconds, 3),
        per_second=round(run.per_second, 1),
        p50_ms=round(run.percentile(50), 3),
        p99_ms=round(run.percentile(99), 3),
        app_cpu_ms=round((after.app - before.app) * 1000 / ops, 3),
        db_cpu_ms=round((after.database - before.database) * 1000 / ops, 3),
        errors=len(run.errors),
        error_sample=run.errors[:3],
    )


CLIENTS = (1, 16, 64)


# -- hello ---------------------------------------------------------------------------------
def hello(bench: Bench) -> list[Figure]:
    get = _hello_operation(bench)
    measure(bench, "warm-up", get, 16, seconds=1)
    return [measure(bench, "hello", get, clients) for clients in CLIENTS]


def hello_beside(bench: Bench, clients: int) -> Figure:
    """hello once more, at `clients`, to set beside the scenario measured next to it."""
    return measure(bench, "hello", _hello_operation(bench), clients)


def with_hello_beside(figures: list[Figure], before: Figure, after: Figure) -> list[Figure]:
    """`figures`, those at hello's concurrency given the mean of hello before and after."""
    for figure in figures:
        if figure.clients == before.clients:
            figure.hello_cpu_ms = round((before.cpu_ms + after.cpu_ms) / 2, 3)
            figure.hello_per_second = round((before.per_second + after.per_second) / 2, 1)
    return figures


def _hello_operation(bench: Bench) -> load.Operation:
    async def get(http: aiohttp.ClientSession, index: int) -> None:
        async with http.get(bench.address + "/hello") as response:
            body = await response.read()
            if response.status != 200 or body != b"hello":
                raise AssertionError(f"hello answered {response.status}")

    return get


# -- the floor: a learner page's least work in this stack (bench/floor.py) -----------------
FLOOR = "floor: session + 1 read + 40-step render"


def floor(bench: Bench) -> list[Figure]:
    cookies = [asyncio.run(_floor_cookie(bench, learner)) for learner in range(50)]

    async def get(http: aiohttp.ClientSession, index: int) -> None:
        headers = {"Cookie": cookies[index % len(cookies)]}
        async with http.get(bench.address + "/floor/page", headers=headers) as response:
            body = await response.read()
            if response.status != 200 or b"step-39" not in body:
                raise AssertionError(f"the floor page answered {response.status}")

    measure(bench, "warm-up", get, 16, seconds=1)
    return [measure(bench, FLOOR, get, clients) for clients in CLIENTS]


async def _floor_cookie(bench: Bench, learner: int) -> str:
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{bench.address}/floor/sign-in/{learner}") as response,
    ):
        await response.read()
        return "; ".join(f"{c.key}={c.value}" for c in response.cookies.values())


# -- the LTI launch ------------------------------------------------------------------------
@dataclass(frozen=True)
class _Login:
    who: LaunchContext
    state: str
    nonce: str
    cookie: str


async def _login(bench: Bench, http: aiohttp.ClientSession, who: LaunchContext) -> _Login:
    assert bench.lms is not None
    async with http.post(
        bench.address + "/lti/login",
        allow_redirects=False,
        data=bench.lms.login_params(TOOL_BASE, who),
    ) as response:
        await response.read()
        if response.status != 302:
            raise AssertionError(f"login answered {response.status}")
        query = parse_qs(urlsplit(response.headers["Location"]).query)
        cookie = next(
            f"{m.key}={m.value}"
            for m in response.cookies.values()
            if m.key.startswith("lti_state_")
        )
    return _Login(who=who, state=query["state"][0], nonce=query["nonce"][0], cookie=cookie)


async def _post_id_token(
    bench: Bench, http: aiohttp.ClientSession, login: _Login, id_token: str
) -> tuple[str, str]:
    """The id_token POST; return where it sends the learner and their session cookie."""
    async with http.post(
        bench.address + "/lti/launch",
        allow_redirects=False,
        headers={"Cookie": login.cookie},
        data={"id_token": id_token, "state": login.state},
    ) as response:
        page = await response.text()
        if response.status != 303 or study.SESSION_COOKIE not in response.cookies:
            raise AssertionError(f"launch answered {response.status}: {page[:200]}")
        cookie = f"{study.SESSION_COOKIE}={response.cookies[study.SESSION_COOKIE].value}"
        return response.headers["Location"], cookie


async def _land(bench: Bench, http: aiohttp.ClientSession, location: str, cookie: str) -> None:
    """The page the launch sends the learner to: their path."""
    async with http.get(urljoin(bench.address + "/", location), headers={"Cookie": cookie}) as r:
        await _expect(r, 200, 'data-testid="up-next"', "the page a launch lands on")


def _sign(bench: Bench, login: _Login) -> str:
    assert bench.lms is not None
    return bench.lms.id_token(login.nonce, TOOL_BASE, login.who)


def _launch_operation(bench: Bench) -> load.Operation:
    async def launch(http: aiohttp.ClientSession, index: int) -> None:
        login = await _login(bench, http, bench.learners[index % len(bench.learners)])
        # a fresh token each time, then the page the learner lands on
        await _land(bench, http, *await _post_id_token(bench, http, login, _sign(bench, login)))

    return launch


def launch_warm_up(bench: Bench) -> None:
    """Every learner launches once; the study path is placed on their activities, and
    every learner launches again onto it (enrolled by that first view of their path).
    The measured launches are returning learners landing on their path."""

    async def first(http: aiohttp.ClientSession, index: int) -> None:
        login = await _login(bench, http, bench.learners[index % len(bench.learners)])
        await _post_id_token(bench, http, login, _sign(bench, login))

    everyone = len(bench.learners)
    measure(bench, "warm-up", first, 16, max_count=everyone, seconds=120)
    _assign_study_path(bench)
    measure(bench, "warm-up", _launch_operation(bench), 16, max_count=everyone, seconds=120)


def _assign_study_path(bench: Bench) -> None:
    if not bench.path_assigned:
        study.assign_study_path(bench.database_url)
        bench.path_assigned = True


def whole_launch(bench: Bench) -> list[Figure]:
    """Login, id_token POST and the learner's path it lands on."""
    operation = _launch_operation(bench)
    figures = [measure(bench, "launch", operation, clients) for clients in CLIENTS]
    login, post = _launch_counts(bench)
    page = _statements(bench, "learner page", "GET", "/path", _study(bench)[0].cookie)
    return _with_statements(figures, _counted(bench, "launch", login + post + page))


def id_token_post(bench: Bench) -> list[Figure]:
    """The id_token POST alone: logins and signatures are done before the clock starts."""
    figures = []
    for clients, count in ((1, 150), (16, 600)):
        logins = asyncio.run(_logins(bench, count))
        tokens = [_sign(bench, login) for login in logins]

        async def post(
            http: aiohttp.ClientSession,
            index: int,
            logins: list[_Login] = logins,
            tokens: list[str] = tokens,
        ) -> None:
            await _post_id_token(bench, http, logins[index], tokens[index])

        figures.append(measure(bench, "id_token POST", post, clients, max_count=count, seconds=120))
    return _with_statements(figures, _launch_counts(bench)[1])


async def _logins(bench: Bench, count: int) -> list[_Login]:
    async with load.client_session(16) as http:
        semaphore = asyncio.Semaphore(16)

        async def one(index: int) -> _Login:
            async with semaphore:
                return await _login(bench, http, bench.learners[index % len(bench.learners)])

        return list(await asyncio.gather(*(one(i) for i in range(count))))


def learners(count: int = 200, courses: int = 4) -> list[LaunchContext]:
    return [learner(n, course=n % courses + 1) for n in range(count)]


# -- a learner studying --------------------------------------------------------------------
STUDYING = 100  # learners with a browser session: 30 new steps each to complete


def _study(bench: Bench) -> list[study.StudySession]:
    """Assign the study path, launch every learner once, and give them a first unit done."""
    if not bench.sessions:
        assert bench.lms is not None
        _assign_study_path(bench)
        bench.sessions = study.open_sessions(
            bench.address, bench.lms, TOOL_BASE, bench.learners[:STUDYING]
        )
        study.seed_first_unit(bench.database_url, bench.lms.issuer)
    return bench.sessions


def _statements(
    bench: Bench,
    name: str,
    method: str,
    path: str,
    cookie: str,
    data: dict[str, str] | None = None,
    status: int = 200,
) -> statements.Counted:
    with _local_app(bench) as app:
        counted = statements.count(app, method, path, cookie, data)
    if counted.status != status:
        raise AssertionError(f"{name} answered {counted.status} in-process")
    return _counted(bench, name, counted)


def _local_app(bench: Bench) -> Any:
    assert bench.work is not None
    return statements.local_app(
        bench.database_url,
        bench.redis_url,
        bench.secret_key,
        TOOL_BASE,
        str(bench.work / "instance"),
        bench.lms,
    )


def _counted(bench: Bench, name: str, counted: statements.Counted) -> statements.Counted:
    bench.statements[name] = counted.statements
    bench.redis_round_trips[name] = counted.redis_round_trips
    return counted


def _with_statements(figures: list[Figure], counted: statements.Counted) -> list[Figure]:
    for figure in figures:
        figure.statements = counted.statements
        figure.redis_round_trips = counted.redis_round_trips
    return figures


def _launch_counts(bench: Bench) -> tuple[statements.Counted, statements.Counted]:
    """A returning learner's login and id_token POST, counted in-process (once a run)."""
    assert bench.lms is not None
    if "id_token POST" not in bench.statements:
        with _local_app(bench) as app:
            login, post = statements.count_launch(app, bench.lms, bench.learners[0])
        if (login.status, post.status) != (302, 303):
            raise AssertionError(f"the launch answered {login.status}, {post.status} in-process")
        _counted(bench, "login", login)
        _counted(bench, "id_token POST", post)
    return _recount(bench, "login"), _recount(bench, "id_token POST")


def _recount(bench: Bench, name: str) -> statements.Counted:
    return statements.Counted(0, bench.statements[name], bench.redis_round_trips[name])


async def _expect(response: aiohttp.ClientResponse, status: int, text: str, what: str) -> None:
    body = await response.text()
    if response.status != status or text not in body:
        raise AssertionError(f"{what} answered {response.status}: {body[:200]}")


def learner_page(bench: Bench) -> list[Figure]:
    sessions = _study(bench)

    async def get(http: aiohttp.ClientSession, index: int) -> None:
        mine = sessions[index % len(sessions)]
        async with http.get(bench.address + "/path", headers={"Cookie": mine.cookie}) as r:
            await _expect(r, 200, 'data-testid="up-next"', "the learner page")

    measure(bench, "warm-up", get, 16, seconds=1)
    figures = [measure(bench, "learner page", get, clients) for clients in (1, 16)]
    return _with_statements(
        figures, _statements(bench, "learner page", "GET", "/path", sessions[0].cookie)
    )


async def _mark_done(
    bench: Bench, http: aiohttp.ClientSession, mine: study.StudySession, key: str
) -> None:
    async with http.post(
        bench.address + f"/path/steps/{key}/done",
        allow_redirects=False,
        headers={"Cookie": mine.cookie},
        data={"csrf_token": mine.csrf, "confidence": "4"},
    ) as response:
        await _expect(response, 303, "", f"completing {key}")


def step_completion(bench: Bench) -> list[Figure]:
    """Each request completes a step the learner had not done: the next one in path order.
    One learner's requests are STUDYING operations apart, so they never overlap."""
    sessions = _study(bench)

    async def done(http: aiohttp.ClientSession, index: int) -> None:
        mine = sessions[index % len(sessions)]
        if mine.next_step >= len(study.COMPLETION_ORDER):
            raise AssertionError("a learner has no step left to complete")
        key = study.COMPLETION_ORDER[mine.next_step]
        mine.next_step += 1
        await _mark_done(bench, http, mine, key)

    figures = []
    for clients in (1, 16):
        left = completions_left(sessions)
        figures.append(measure(bench, "step completion", done, clients, max_count=left))
    last = sessions[-1]  # its next step is counted in-process, then no longer new
    key = study.COMPLETION_ORDER[last.next_step]
    last.next_step += 1
    return _with_statements(
        figures,
        _statements(
            bench,
            "step completion",
            "POST",
            f"/path/steps/{key}/done",
            last.cookie,
            {"csrf_token": last.csrf, "confidence": "4"},
            status=303,
        ),
    )


def completions_left(sessions: list[study.StudySession]) -> int:
    """How many completions a run may send: request `i` goes to learner `i % len`, from
    learner 0 again on each run, so every learner may get as many as the learner with the
    fewest steps left has; one fewer, for the last learner's step counted in-process after."""
    fewest = min(len(study.COMPLETION_ORDER) - s.next_step for s in sessions)
    return max(0, len(sessions) * fewest - 1)


def step_recompletion(bench: Bench) -> list[Figure]:
    """Marking a step done again (a second tab, a double click) records nothing."""
    sessions = _study(bench)

    async def again(http: aiohttp.ClientSession, index: int) -> None:
        await _mark_done(
            bench, http, sessions[index % len(sessions)], study.read_key(0, index % study.READS)
        )

    figures = [measure(bench, "step re-completion", again, 16)]
    mine = sessions[0]
    return _with_statements(
        figures,
        _statements(
            bench,
            "step re-completion",
            "POST",
            f"/path/steps/{study.read_key(0, 0)}/done",
            mine.cookie,
            {"csrf_token": mine.csrf, "confidence": "4"},
            status=303,
        ),
    )


def checkpoint_submission(bench: Bench) -> list[Figure]:
    """The first unit's checkpoint, answered right and wrong in turn (each is an attempt)."""
    sessions = _study(bench)
    path = f"/path/steps/{study.checkpoint_key(0)}/checkpoint"

    def form(mine: study.StudySession, index: int) -> dict[str, str]:
        answers = study.RIGHT if index % 2 else study.WRONG
        return {"csrf_token": mine.csrf, "predicted": "70", **answers}

    async def submit(http: aiohttp.ClientSession, index: int) -> None:
        mine = sessions[index % len(sessions)]
        async with http.post(
            bench.address + path, headers={"Cookie": mine.cookie}, data=form(mine, index)
        ) as response:
            await _expect(response, 200, 'data-testid="verdict"', "a checkpoint")

    figures = [measure(bench, "checkpoint submission", submit, clients) for clients in (1, 16)]
    return _with_statements(
        figures,
        _statements(
            bench, "checkpoint submission", "POST", path, sessions[0].cookie, form(sessions[0], 1)
        ),
    )


# -- the teacher's class dashboard ---------------------------------------------------------
DASHBOARD_CLASS = (500, 200)  # learners, steps
SMALL_CLASS = 50  # the same path with fewer learners: the statements must not change


def teacher_dashboard(bench: Bench) -> list[Figure]:
    """GET /teach for a class of 500 learners on a 200-step path, one teacher at a time
    (each request takes a worker for its whole length); SQL counted at 500 and 50."""
    assert bench.lms is not None
    learners, steps = DASHBOARD_CLASS
    cookies = {
        size: study.teacher_session(
            bench.address, bench.lms, TOOL_BASE, bench.database_url, f"class-{size}", size, steps
        )
        for size in (learners, SMALL_CLASS)
    }

    async def get(http: aiohttp.ClientSession, index: int) -> None:
        async with http.get(
            bench.address + "/teach", headers={"Cookie": cookies[learners]}
        ) as response:
            await _expect(response, 200, 'data-testid="counts"', "the dashboard")

    measure(bench, "warm-up", get, 1, max_count=3, seconds=30)
    figures = [
        measure(
            bench, "teacher dashboard 500x200", get, 1, max_count=20, seconds=max(bench.seconds, 8)
        )
    ]
    _statements(
        bench, f"teacher dashboard {SMALL_CLASS}x{steps}", "GET", "/teach", cookies[SMALL_CLASS]
    )
    return _with_statements(
        figures, _statements(bench, "teacher dashboard 500x200", "GET", "/teach", cookies[learners])
    )


# -- the table of scenarios ----------------------------------------------------------------
@dataclass(frozen=True)
class Scenario:
    name: str
    target: str  # SPEC §5, in words
    measure: Callable[[Bench], list[Figure]] | None = None
    limit: float | None = None  # the ratio to hello at 16 clients that meets the target
    limit_ms: float | None = None  # or: the median latency of one client that meets it
    same_statements_as: str | None = None  # a smaller case that must run as many statements


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("id_token POST", "within 4x hello", id_token_post, limit=4.0),
    Scenario(
        "launch",
        "within 10x hello (login + id_token POST + the path it lands on)",
        whole_launch,
        limit=10.0,
    ),
    Scenario("learner page", "within 3x hello", learner_page, limit=3.0),
    Scenario("step completion", "within 4x hello", step_completion, limit=4.0),
    Scenario("step re-completion", "not set (records nothing)", step_recompletion),
    Scenario("checkpoint submission", "not set", checkpoint_submission),
    Scenario(
        "teacher dashboard 500x200",
        "under 60 ms (p50), queries constant in class size",
        teacher_dashboard,
        limit_ms=60.0,
        same_statements_as=f"teacher dashboard {SMALL_CLASS}x{DASHBOARD_CLASS[1]}",
    ),
)
WORKER_RSS_LIMIT_MB = 100.0


def as_dict(figure: Figure) -> dict[str, Any]:
    data = dict(figure.__dict__)
    data["cpu_ms"] = round(figure.cpu_ms, 3)
    return data
