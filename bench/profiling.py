"""What the in-process profilers (`make profile-launch`, `make profile-page`) share: the
application in production settings on its own database, and a signed launch's form."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from flask import Flask
from flask.testing import FlaskClient

from bench.lms import BenchLms
from bench.setup_db import prepare_database
from config import Settings
from service.demo.platform import LaunchContext

TOOL_BASE = "https://selfpath.bench.invalid"


@dataclass(frozen=True)
class Profiled:
    app: Flask
    database_url: str
    lms: BenchLms


@contextmanager
def profiled_app() -> Iterator[Profiled]:
    """DATABASE_URL picks the database (a temporary SQLite file by default; a PostgreSQL
    one must have "bench" in its name), REDIS_URL the launch state's Redis if any."""
    from service import create_app
    from service.extensions import db

    work = Path(tempfile.mkdtemp(prefix="selfpath-profile-"))
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{work / 'profile.db'}"
    lms = BenchLms(tls_folder=work)
    prepare_database(url, lms)
    redis_url = os.environ.get("REDIS_URL") or None
    os.environ["REQUESTS_CA_BUNDLE"] = str(lms.ca_bundle)  # read when the app is built
    app = create_app(
        Settings(  # production needs Redis: without it, the same code in development
            env="production" if redis_url else "development",
            secret_key="p" * 40,
            database_url=url,
            base_url=TOOL_BASE,
            instance_path=str(work),
            log_level="WARNING",
            redis_url=redis_url,
            lti_login_rate_limit="1000000 per minute",
            lms_private_networks=("127.0.0.1",),
        )
    )
    try:
        yield Profiled(app, url, lms)
    finally:
        with app.app_context():
            db.engine.dispose()
        lms.close()


def launch_form(client: FlaskClient, lms: BenchLms, who: LaunchContext) -> dict[str, str]:
    """Start a login for `who`; the id_token POST's form, signed for the nonce issued."""
    login = client.post("/lti/login", data=lms.login_params(TOOL_BASE, who))
    query = {k: v[0] for k, v in parse_qs(urlsplit(login.headers["Location"]).query).items()}
    return {"id_token": lms.id_token(query["nonce"], TOOL_BASE, who), "state": query["state"]}
