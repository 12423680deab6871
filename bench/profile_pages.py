"""Profile the learner and teacher pages in one process:
`python -m bench.profile_pages [learner-page|step-completion|checkpoint|dashboard] [N]`.

The data is what `make bench` builds (bench/study.py, bench/classroom.py); only the N
requests of the chosen page run under pyinstrument, after the same N timed without it (server
CPU per request and the page's weight in bytes, printed first). DATABASE_URL picks the database (a
temporary SQLite file by default; a PostgreSQL one must have "bench" in its name).
"""

from __future__ import annotations

import os
import re
import sys
import time

from flask import Flask
from flask.testing import FlaskClient
from pyinstrument import Profiler

from bench import study
from bench.lms import BenchLms, learner
from bench.profiling import launch_form, profiled_app
from service.demo.platform import LaunchContext


def _launch(client: FlaskClient, lms: BenchLms, who: LaunchContext) -> str:
    launch = client.post("/lti/launch", data=launch_form(client, lms, who))
    assert launch.status_code == 303, launch.get_data(as_text=True)[:300]
    page = client.get(launch.headers["Location"])
    assert page.status_code == 200
    return re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def _learners(app: Flask, url: str, lms: BenchLms, count: int) -> list[tuple[FlaskClient, str]]:
    first = app.test_client()
    _launch_without_path(first, lms)
    study.assign_study_path(url)
    browsers = []
    for number in range(count):
        client = app.test_client()
        browsers.append((client, _launch(client, lms, learner(number % 50))))
    study.seed_first_unit(url, lms.issuer)
    return browsers


def _launch_without_path(client: FlaskClient, lms: BenchLms) -> None:
    for number in range(4):  # one learner per course creates its activity
        _first_launch(client, lms, learner(number))


def _first_launch(client: FlaskClient, lms: BenchLms, who: LaunchContext) -> None:
    client.post("/lti/launch", data=launch_form(client, lms, who))


def main(page: str, count: int) -> None:
    with profiled_app() as profiled:
        requests = _requests(profiled.app, profiled.database_url, profiled.lms, page, count)
        for call in requests[:10]:  # warm up: templates compiled, caches filled
            call()
        print(_timed(requests[10:]))
        profiler = Profiler(interval=0.0002)
        with profiler:
            for call in requests[10:]:
                call()
        print(
            profiler.output_text(
                unicode=True, color=False, show_all=bool(os.environ.get("PROFILE_ALL"))
            )
        )


def _timed(calls: list) -> str:  # type: ignore[type-arg]
    """The calls' CPU time per request (this process: the app and the test client) and the
    weight of the last page each returned."""
    started = time.process_time()
    weights = [call() for call in calls]
    cpu_ms = 1000 * (time.process_time() - started) / len(calls)
    return f"{len(calls)} requests: {cpu_ms:.2f} ms CPU per request, page {max(weights)} bytes"


def _requests(app: Flask, url: str, lms: BenchLms, page: str, count: int) -> list:
    if page == "dashboard":
        client = app.test_client()
        study.seed_class_for(url, lms, "class-500", 500, 200)
        _launch(client, lms, study.teacher("class-500"))
        return [lambda: _ok(client.get("/teach"), 200)] * (count + 10)
    browsers = _learners(app, url, lms, 50)
    calls = []
    for n in range(count + 10):
        client, csrf = browsers[n % len(browsers)]
        if page == "learner-page":
            calls.append(lambda c=client: _ok(c.get("/path"), 200))
        elif page == "step-completion":
            key = study.COMPLETION_ORDER[n // len(browsers)]
            calls.append(
                lambda c=client, k=key, t=csrf: _ok(
                    c.post(f"/path/steps/{k}/done", data={"csrf_token": t, "confidence": "4"}), 303
                )
            )
        else:
            calls.append(
                lambda c=client, t=csrf, n=n: _ok(
                    c.post(
                        f"/path/steps/{study.checkpoint_key(0)}/checkpoint",
                        data={"csrf_token": t, **(study.RIGHT if n % 2 else study.WRONG)},
                    ),
                    200,
                )
            )
    return calls


def _ok(response, status: int) -> int:  # type: ignore[no-untyped-def]
    """The response's weight in bytes, once its status is the expected one."""
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return len(response.get_data())


if __name__ == "__main__":
    main(
        sys.argv[1] if len(sys.argv) > 1 else "learner-page",
        int(sys.argv[2]) if len(sys.argv) > 2 else 200,
    )
