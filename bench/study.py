"""Learners studying for the benchmark: a path assigned to the benchmark LMS's activities,
each learner's browser session (cookie and CSRF token), and a first unit already done.

The path has units of chained reading steps closed by a checkpoint; a unit's first step
needs the previous unit's last reading step (not its checkpoint), so completions can go
on in path order, one new step per request, for as long as the steps last.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import aiohttp
from sqlalchemy import create_engine, insert, select
from sqlalchemy.orm import Session

from bench import load
from bench.classroom import seed_class
from bench.lms import BenchLms
from lti.models import Deployment, Platform
from paths.authoring import PathDraft, QuestionDraft, StepDraft, create_path
from paths.db import utcnow
from paths.enrollment import Enrollment, assign
from paths.people import Activity, User
from paths.progress import ProgressEvent
from service.demo.platform import LaunchContext

UNITS, READS = 6, 6  # 42 steps: 36 to mark done, 6 checkpoints
SESSION_COOKIE = "selfpath_session"
RIGHT = {"q0": "1", "q1": "0", "q2": "2"}
WRONG = {"q0": "0", "q1": "1", "q2": "0"}


def read_key(unit: int, n: int) -> str:
    return f"u{unit}-r{n}"


def checkpoint_key(unit: int) -> str:
    return f"u{unit}-check"


def study_path(units: int = UNITS, reads: int = READS) -> PathDraft:
    steps = []
    for unit in range(units):
        for n in range(reads):
            before = (
                (read_key(unit, n - 1),)
                if n
                else ((read_key(unit - 1, reads - 1),) if unit else ())
            )
            steps.append(
                StepDraft(
                    key=read_key(unit, n),
                    kind="read",
                    title=f"Unit {unit + 1}, reading {n + 1}",
                    minutes=15,
                    skills=(f"skill-{unit}",),
                    prerequisites=before,
                    instructions="Read the chapter and take notes.",
                )
            )
        steps.append(
            StepDraft(
                key=checkpoint_key(unit),
                kind="checkpoint",
                title=f"Unit {unit + 1} check",
                minutes=10,
                skills=(f"skill-{unit}",),
                mastery_threshold=0.6,
                prerequisites=tuple(read_key(unit, n) for n in range(reads)),
                questions=(
                    QuestionDraft(
                        kind="choice", prompt="Which one?", answer=1, choices=("a", "b", "c")
                    ),
                    QuestionDraft(
                        kind="choice", prompt="And this?", answer=0, choices=("yes", "no")
                    ),
                    QuestionDraft(
                        kind="choice", prompt="Last one?", answer=2, choices=("x", "y", "z")
                    ),
                ),
            )
        )
    return PathDraft(title="Benchmark study path", steps=tuple(steps))


# Steps to mark done, in order, after the first unit (seeded as done).
COMPLETION_ORDER = tuple(read_key(u, n) for u in range(1, UNITS) for n in range(READS))


@dataclass
class StudySession:
    """One learner's browser: the session cookie and the CSRF token of their pages."""

    who: LaunchContext
    cookie: str
    csrf: str
    next_step: int = 0  # index into COMPLETION_ORDER


def assign_study_path(database_url: str) -> None:
    """Publish the path and assign it to every activity the learners launched into."""
    engine = create_engine(database_url)
    with Session(engine) as session:
        activities = session.scalars(select(Activity)).all()
        version = create_path(
            session, study_path(), now=utcnow(), tenant_id=activities[0].tenant_id
        )
        for activity in activities:
            assign(session, activity.id, version, assigned_by=None, now=utcnow())
        session.commit()
    engine.dispose()


def seed_first_unit(database_url: str, issuer: str) -> None:
    """Every enrolled learner has done the first unit's readings (not its checkpoint)."""
    engine = create_engine(database_url)
    now = utcnow()
    with Session(engine) as session:
        enrollment_ids = session.scalars(
            select(Enrollment.id)
            .join(User, User.id == Enrollment.user_id)
            .where(User.issuer == issuer)
        ).all()
        session.execute(
            insert(ProgressEvent),
            [
                {
                    "enrollment_id": e,
                    "kind": "completed",
                    "step_key": read_key(0, n),
                    "payload": {},
                    "once_key": f"completed:{read_key(0, n)}",
                    "at": now,
                }
                for e in enrollment_ids
                for n in range(READS)
            ],
        )
        session.commit()
    engine.dispose()


async def _launch(
    address: str,
    lms: BenchLms,
    tool_base: str,
    http: aiohttp.ClientSession,
    who: LaunchContext,
    landing: str,
) -> tuple[str, str]:
    """Launch `who`, open the page the launch lands on, and return the browser's session
    cookie and the page's CSRF token (the first page puts the token in the session)."""
    async with http.post(
        address + "/lti/login", allow_redirects=False, data=lms.login_params(tool_base, who)
    ) as response:
        await response.read()
        location = response.headers["Location"]
        state_cookie = next(
            f"{m.key}={m.value}"
            for m in response.cookies.values()
            if m.key.startswith("lti_state_")
        )
    query = parse_qs(urlsplit(location).query)
    token = lms.id_token(query["nonce"][0], tool_base, who)
    async with http.post(
        address + "/lti/launch",
        allow_redirects=False,
        headers={"Cookie": state_cookie},
        data={"id_token": token, "state": query["state"][0]},
    ) as response:
        await response.read()
        if response.status != 303 or not response.headers["Location"].endswith(landing):
            raise AssertionError(f"a launch answered {response.status}, not {landing}")
        cookie = f"{SESSION_COOKIE}={response.cookies[SESSION_COOKIE].value}"
    async with http.get(address + landing, headers={"Cookie": cookie}) as response:
        page = await response.text()
        if response.status != 200:
            raise AssertionError(f"{landing} answered {response.status} after the launch")
        if SESSION_COOKIE in response.cookies:
            cookie = f"{SESSION_COOKIE}={response.cookies[SESSION_COOKIE].value}"
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    if match is None:
        raise AssertionError(f"{landing} has no CSRF token")
    return cookie, match.group(1)


def open_sessions(
    address: str, lms: BenchLms, tool_base: str, learners: list[LaunchContext]
) -> list[StudySession]:
    """Launch every learner once (16 at a time) and keep their browser sessions."""

    async def all_of_them() -> list[StudySession]:
        semaphore = asyncio.Semaphore(16)
        async with load.client_session(16) as http:

            async def one(who: LaunchContext) -> StudySession:
                async with semaphore:  # the first page enrolls the learner
                    cookie, csrf = await _launch(address, lms, tool_base, http, who, "/path")
                    return StudySession(who=who, cookie=cookie, csrf=csrf)

            return list(await asyncio.gather(*(one(w) for w in learners)))

    return asyncio.run(all_of_them())


def seed_class_for(database_url: str, lms: BenchLms, name: str, learners: int, steps: int) -> None:
    """A class (bench/classroom.py) in the benchmark LMS's deployment."""
    engine = create_engine(database_url)
    with Session(engine) as session:
        tenant_id = session.scalars(
            select(Deployment.tenant_id)
            .join(Platform, Platform.id == Deployment.platform_id)
            .where(Platform.issuer == lms.issuer)
        ).one()
        seed_class(session, learners, steps, tenant=(tenant_id, lms.issuer), name=name)
    engine.dispose()


def teacher(name: str) -> LaunchContext:
    """The teacher of the class `name`, as the LMS describes them."""
    return LaunchContext(
        subject=f"{name}-teacher",
        role="teacher",
        name="Teacher",
        email=f"{name}-teacher@school.invalid",
        context_id=name,
        context_title=f"Benchmark {name}",
        resource_link_id=name,
        resource_link_title=f"Benchmark {name}",
    )


def teacher_session(
    address: str,
    lms: BenchLms,
    tool_base: str,
    database_url: str,
    name: str,
    learners: int,
    steps: int,
) -> str:
    """Seed the class `name` and return the session cookie of its teacher, launched into
    the class's activity."""
    seed_class_for(database_url, lms, name, learners, steps)

    async def launch() -> str:
        async with load.client_session(1) as http:
            cookie, _csrf = await _launch(address, lms, tool_base, http, teacher(name), "/teach")
            return cookie

    return asyncio.run(launch())
