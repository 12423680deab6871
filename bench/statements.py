"""SQL statements and Redis round trips per request, counted in the benchmark's own process.

The served app's statements cannot be seen from outside, so the benchmark builds the same
application with the same settings and secret key in its own process, replays a browser's
cookie against it (or launches through the benchmark LMS), and counts what reaches the
database driver and how many times the Redis client writes to its socket (a pipeline is
one round trip). Unlike CPU time, these counts do not move with the machine's speed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from sqlalchemy import event
from valkey.connection import Connection
from werkzeug.test import TestResponse

from bench.lms import BenchLms
from config import Settings
from service.demo.platform import LaunchContext


@dataclass(frozen=True)
class Counted:
    status: int
    statements: int
    redis_round_trips: int = 0

    def __add__(self, other: Counted) -> Counted:
        return Counted(
            other.status,
            self.statements + other.statements,
            self.redis_round_trips + other.redis_round_trips,
        )


@contextmanager
def local_app(
    database_url: str,
    redis_url: str,
    secret_key: str,
    base_url: str,
    instance_path: str,
    lms: BenchLms | None = None,
) -> Iterator[Flask]:
    """The served app's twin; with `lms`, set to launch from it as the served app does."""
    from service import create_app
    from service.extensions import db

    if lms is not None:
        os.environ["REQUESTS_CA_BUNDLE"] = str(lms.ca_bundle)  # read when the app is built
    # production needs Redis; without it (SQLite runs) the same code in development
    settings = Settings(
        env="production" if redis_url else "development",
        secret_key=secret_key,
        database_url=database_url,
        redis_url=redis_url or None,
        base_url=base_url,
        instance_path=instance_path,
        log_level="WARNING",
        # as served: the benchmark LMS on loopback, and its logins from one address (the
        # limits' counters are the served app's, in the same Redis)
        lti_login_rate_limit="1000000 per minute",
        lms_private_networks=("127.0.0.1",),
    )
    app = create_app(settings)
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()


def count(
    app: Flask, method: str, path: str, cookie: str, data: dict[str, str] | None = None
) -> Counted:
    """Statements and Redis round trips one request runs, sent with the browser's `cookie`."""
    client = app.test_client(use_cookies=False)
    # Fill the process's caches (the frame-ancestors list, the path version's steps, the
    # fitted parameters) as a served app under load has them, so the count does not depend
    # on when it runs: a page is requested once before it is counted; a form is posted
    # after the learner's page (the POSTs counted here are all a learner's).
    client.get("/healthz")
    client.get(path if method == "GET" else "/path", headers={"Cookie": cookie})
    return counting(
        app, lambda: client.open(path, method=method, headers={"Cookie": cookie}, data=data)
    )


def count_launch(app: Flask, lms: BenchLms, who: LaunchContext) -> tuple[Counted, Counted]:
    """A returning learner's login and id_token POST, each counted, after one launch that
    fills the caches (the registration, the platform's key set, the rate limit's script)."""
    from bench.scenarios import TOOL_BASE

    client = app.test_client()
    client.get("/healthz")

    def login() -> TestResponse:
        return client.post("/lti/login", data=lms.login_params(TOOL_BASE, who))

    def post(started: TestResponse) -> Callable[[], TestResponse]:
        query = parse_qs(urlsplit(started.headers["Location"]).query)
        token = lms.id_token(query["nonce"][0], TOOL_BASE, who)
        return lambda: client.post(
            "/lti/launch", data={"id_token": token, "state": query["state"][0]}
        )

    post(login())()
    logins: list[TestResponse] = []

    def counted_login() -> TestResponse:
        logins.append(login())
        return logins[-1]

    counted = counting(app, counted_login)
    return counted, counting(app, post(logins[-1]))


def counting(app: Flask, request: Callable[[], TestResponse]) -> Counted:
    """What `request` sends to the database and to Redis (connected before: a new
    connection's handshake is not the request's)."""
    from service.extensions import db
    from service.lti.services import EXTENSION

    redis = app.extensions[EXTENSION].redis
    if redis is not None:
        redis.ping()

    statements: list[str] = []
    sent: list[object] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]  # noqa: E501
        statements.append(statement)

    original = Connection.send_packed_command

    def send(self: Connection, command: object, check_health: bool = True) -> None:
        sent.append(command)
        original(self, command, check_health)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    Connection.send_packed_command = send  # type: ignore[method-assign, assignment]
    try:
        response = request()
    finally:
        Connection.send_packed_command = original  # type: ignore[method-assign]
        event.remove(engine, "before_cursor_execute", record)
    return Counted(response.status_code, len(statements), len(sent))
