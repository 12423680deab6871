"""SQL statements per request, counted in the benchmark's own process.

The served app's statements cannot be seen from outside, so the benchmark builds the same
application with the same settings and secret key in its own process, replays a browser's
cookie against it, and counts what reaches the database driver.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import event

from config import Settings


@dataclass(frozen=True)
class Counted:
    status: int
    statements: int


@contextmanager
def local_app(
    database_url: str, redis_url: str, secret_key: str, base_url: str, instance_path: str
) -> Iterator[Flask]:
    from service import create_app
    from service.extensions import db

    # production needs Redis; without it (SQLite runs) the same code in development
    settings = Settings(
        env="production" if redis_url else "development",
        secret_key=secret_key,
        database_url=database_url,
        redis_url=redis_url or None,
        base_url=base_url,
        instance_path=instance_path,
        log_level="WARNING",
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
    """Statements one request runs, sent with the browser's `cookie`."""
    from service.extensions import db

    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]  # noqa: E501
        statements.append(statement)

    client = app.test_client(use_cookies=False)
    # Fill the process's caches (the frame-ancestors list, the path version's steps, the
    # fitted parameters) as a served app under load has them, so the count does not depend
    # on when it runs: a page is requested once before it is counted; a form is posted
    # after the learner's page (the POSTs counted here are all a learner's).
    client.get("/healthz")
    client.get(path if method == "GET" else "/path", headers={"Cookie": cookie})
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.open(path, method=method, headers={"Cookie": cookie}, data=data)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return Counted(status=response.status_code, statements=len(statements))
