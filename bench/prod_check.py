"""`make prod-check`: Selfpath as docs/deploy.md runs it, checked end to end on loopback.

Two web instances (and two `flask worker` processes where the release has them) share
one PostgreSQL database and one Redis, with SELFPATH_ENV=production. A learner's launch
starts on one instance and finishes on the other; they study on both, and the workers
must bring their score to the benchmark LMS's gradebook. Prints one line per check and
exits non-zero if any fails.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

import requests
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bench import gradebook_check
from bench.cluster import TOOL_BASE, Cluster, cluster, prepare_course
from bench.lms import learner
from bench.study import RIGHT, checkpoint_key, read_key, study_path
from paths.progress import ProgressEvent

SESSION = "selfpath_session"
GRADE_WAIT = 30.0  # seconds the workers get to send the learner's score


class Browser:
    """A browser behind the proxy: cookies kept by hand, since they are `Secure` and the
    loopback hop is plain HTTP (TLS ends at the proxy)."""

    def __init__(self, running: Cluster, number: int) -> None:
        self.headers = running.proxy_headers(number)
        self.cookies: dict[str, str] = {}
        self.set_cookie_headers: list[str] = []

    def send(self, method: str, url: str, **kwargs: object) -> requests.Response:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = requests.request(
            method,
            url,
            allow_redirects=False,
            timeout=30,
            headers={**self.headers, "Cookie": cookie},
            **kwargs,
        )  # type: ignore[arg-type]
        self.cookies.update({c.name: c.value or "" for c in response.cookies})
        self.set_cookie_headers += response.raw.headers.getlist("Set-Cookie")
        return response


def main() -> None:
    checks: list[tuple[str, bool, str]] = []

    def check(name: str, run: Callable[[], str]) -> None:
        try:
            checks.append((name, True, run()))
        except Exception as failed:  # noqa: BLE001 - every failure is reported, then fails the run
            checks.append((name, False, f"{type(failed).__name__}: {failed}"[:300]))

    started = time.monotonic()
    with cluster() as running:
        prepare_course(running.database_url, running.lms, study_path(), "course-1", "link-1")
        state = _Flow(running)
        check("both instances answer /healthz with the database reachable", state.health)
        check("login on instance 1, id_token POST on instance 2 lands on /path", state.cross_launch)
        check(
            "the session cookie is Secure, HttpOnly, SameSite=None, Partitioned",
            state.cookie_policy,
        )
        check("the same id_token replayed on instance 1 is refused", state.replay)
        check("the learner's path opens on both instances", state.pages)
        check("a step completed on each instance, a checkpoint passed", state.study)
        check("every completion is in the database once", state.recorded)
        if running.workers:
            check("the learner's latest score is in the LMS gradebook", state.graded)
            check("both `flask worker` processes are running", lambda: _workers(running))
        else:
            checks.append(
                ("`flask worker` processes", True, "not in this release: grade sync not checked")
            )
    print(_table(checks, time.monotonic() - started))
    sys.exit(0 if all(ok for _, ok, _ in checks) else 1)


class _Flow:
    def __init__(self, running: Cluster) -> None:
        self.running = running
        self.first, self.second = running.instances[:2]
        self.browser = Browser(running, 1)
        self.who = learner(1, course=1)
        self.id_token = ""
        self.state = ""
        self.csrf = ""

    def health(self) -> str:
        answers = [requests.get(a + "/healthz", timeout=10).json() for a in self.running.instances]
        assert all(a == {"status": "ok", "database": "ok"} for a in answers), answers
        return f"{len(answers)} instances ok"

    def cross_launch(self) -> str:
        lms = self.running.lms
        login = self.browser.send(
            "POST", self.first + "/lti/login", data=lms.login_params(TOOL_BASE, self.who)
        )
        assert login.status_code == 302, login.text[:300]
        query = parse_qs(urlsplit(login.headers["Location"]).query)
        self.state = query["state"][0]
        self.id_token = lms.id_token(query["nonce"][0], TOOL_BASE, self.who)
        landing = self.browser.send(
            "POST",
            self.second + "/lti/launch",
            data={"id_token": self.id_token, "state": self.state},
        )
        assert landing.status_code == 303, landing.text[:300]
        assert landing.headers["Location"].endswith("/path"), landing.headers["Location"]
        assert SESSION in self.browser.cookies, self.browser.cookies
        return "state and nonce shared through Redis"

    def cookie_policy(self) -> str:
        line = next(h for h in self.browser.set_cookie_headers if h.startswith(SESSION + "="))
        attributes = {a.strip().split("=")[0].lower() for a in line.split(";")[1:]}
        assert {"secure", "httponly", "partitioned"} <= attributes, line
        assert "samesite=none" in line.lower(), line
        return "set for the LMS iframe"

    def replay(self) -> str:
        again = requests.post(
            self.first + "/lti/launch",
            timeout=30,
            headers=self.running.proxy_headers(2),
            data={"id_token": self.id_token, "state": self.state},
        )
        assert again.status_code == 400, again.status_code
        return "400"

    def pages(self) -> str:
        for address in self.running.instances:
            page = self.browser.send("GET", address + "/path")
            assert page.status_code == 200 and 'data-testid="up-next"' in page.text
            found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert found, "no CSRF token"
            self.csrf = found.group(1)
        return "one SECRET_KEY signs sessions for every instance"

    def study(self) -> str:
        steps = [read_key(0, n) for n in range(6)]
        for n, key in enumerate(steps):
            address = self.running.instances[n % 2]
            done = self.browser.send(
                "POST",
                address + f"/path/steps/{key}/done",
                data={"csrf_token": self.csrf, "confidence": "4"},
            )
            assert done.status_code == 303, (key, done.status_code, done.text[:300])
        result = self.browser.send(
            "POST",
            self.second + f"/path/steps/{checkpoint_key(0)}/checkpoint",
            data={"csrf_token": self.csrf, **RIGHT},
        )
        assert result.status_code == 200 and "Passed" in result.text, result.text[:300]
        return f"{len(steps)} steps alternating between instances, then the checkpoint"

    def recorded(self) -> str:
        engine = create_engine(self.running.database_url)
        with Session(engine) as session:
            kinds = list(session.execute(select(ProgressEvent.kind, ProgressEvent.step_key)))
        engine.dispose()
        completed = sorted(k for kind, k in kinds if kind == "completed")
        assert completed == sorted(read_key(0, n) for n in range(6)), completed
        assert sum(1 for kind, _ in kinds if kind == "checkpoint") == 1, kinds
        return f"{len(completed)} completions, 1 checkpoint attempt"

    def graded(self) -> str:
        book = self.running.lms.gradebook
        assert book is not None
        drained = gradebook_check.wait_for_drain(self.running.database_url, GRADE_WAIT)
        result = gradebook_check.check(
            self.running.database_url, book.latest_scores(), len(book.received), drained
        )
        assert result.ok and result.expected == 1, result.lines(GRADE_WAIT)
        [shown] = book.latest_scores().values()
        return (
            f"{shown.score_given:g}/{shown.score_maximum:g} ({shown.activity_progress}); "
            f"score posts received: {len(book.received)}; queue drained in "
            f"{result.drain_seconds:.1f} s"
        )


def _workers(running: Cluster) -> str:
    assert all(w.poll() is None for w in running.workers), "a worker exited"
    return f"{len(running.workers)} running"


def _table(checks: list[tuple[str, bool, str]], seconds: float) -> str:
    lines = ["| check | result | detail |", "|---|---|---|"]
    lines += [f"| {name} | {'ok' if ok else 'FAILED'} | {detail} |" for name, ok, detail in checks]
    passed = sum(1 for _, ok, _ in checks if ok)
    return "\n".join(
        [*lines, "", f"prod-check: {passed} of {len(checks)} checks passed in {seconds:.0f} s"]
    )


if __name__ == "__main__":
    main()
