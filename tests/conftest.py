"""Test fixtures: the schema is built once by the migrations; each test then starts
from empty tables. TEST_DATABASE_URL picks the database (`sqlite` for a temporary file)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from flask import Flask, g, request_started
from flask.testing import FlaskClient
from flask_babel import refresh as refresh_locale
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from config import Settings
from paths.db import Base
from service import create_app
from service.extensions import db
from tests.network import refuse_outside_network
from tests.platform import PlatformServer, TestPlatform

ROOT = Path(__file__).resolve().parent.parent
TOOL_BASE = "http://localhost"
ADMIN = ("it-office", "correct horse battery staple")


def pytest_configure(config: pytest.Config) -> None:
    refuse_outside_network()


def resolve_database_url(tmp_dir: Path) -> str:
    raw = os.environ.get("TEST_DATABASE_URL", "sqlite")
    if raw == "sqlite":
        return f"sqlite:///{tmp_dir / 'selfpath-test.db'}"
    return raw


def reset_database(url: str) -> None:
    """Empty the test database completely (PostgreSQL keeps it between runs)."""
    if not url.startswith("postgresql"):
        return
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def alembic_config(url: str) -> Config:
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["url"] = url
    return config


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = resolve_database_url(tmp_path_factory.mktemp("db"))
    reset_database(url)
    command.upgrade(alembic_config(url), "head")
    return url


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        env="test",
        testing=True,
        secret_key="t" * 40,
        database_url=database_url,
        base_url=TOOL_BASE,
        instance_path=str(tmp_path_factory.mktemp("instance")),
        demo_lms=True,
        log_level="WARNING",
        admin_username=ADMIN[0],
        admin_password=ADMIN[1],
    )


@pytest.fixture(scope="session")
def session_app(settings: Settings) -> Iterator[Flask]:
    app = create_app(settings)
    yield app
    with app.app_context():
        db.engine.dispose()


def empty_tables(session: Session) -> None:
    for table in reversed(Base.metadata.sorted_tables):
        session.execute(table.delete())
    session.commit()


def _start_like_a_new_request(sender: Flask, **extra: object) -> None:
    g.pop("csrf_token", None)
    refresh_locale()  # each request chooses its language afresh
    db.session.expire_all()  # a real request starts with a new session


def _fresh_lti_services(app: Flask) -> None:
    """Each test starts with no platform keys, access tokens or login counts cached."""
    from service.lti.services import EXTENSION, LtiServices

    app.extensions[EXTENSION].http.close()
    app.extensions[EXTENSION] = LtiServices.build(app.extensions["selfpath.settings"])


def _fresh_learner_models(app: Flask) -> None:
    """Each test starts with no fitted mastery models read (as create_app makes them)."""
    from paths.study.skills import FittedModels
    from service.learner.estimates import FITTED_MODELS

    app.extensions[FITTED_MODELS] = FittedModels()


def _fresh_version_caches(app: Flask) -> None:
    """Each test starts with nothing built from a published version (as create_app makes it):
    ids and publication times come back once the tables are emptied."""
    from paths.version_cache import VersionCaches
    from service.extensions import VERSION_CACHES

    app.extensions[VERSION_CACHES] = VersionCaches()


@pytest.fixture
def app(session_app: Flask) -> Iterator[Flask]:
    from service.rate_limits import EXTENSION as RATE_LIMITS
    from service.security import reset_frame_ancestors_cache

    with session_app.app_context():
        # Requests share this test's app context (so `g` and the database session): start
        # each one without the previous request's CSRF token or loaded rows, as a server would.
        request_started.connect(_start_like_a_new_request, session_app)
        yield session_app
        request_started.disconnect(_start_like_a_new_request, session_app)
        db.session.rollback()
        empty_tables(db.session)
        _fresh_version_caches(session_app)
        _fresh_lti_services(session_app)
        _fresh_learner_models(session_app)
        reset_frame_ancestors_cache()
        session_app.extensions[RATE_LIMITS].reset()
        db.session.remove()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def session(app: Flask) -> Session:
    return db.session


@pytest.fixture(scope="session")
def platform_server() -> Iterator[PlatformServer]:
    server = PlatformServer()
    yield server
    server.close()


@pytest.fixture
def platform(app: Flask, platform_server: PlatformServer) -> TestPlatform:
    """A registered LMS with one deployment, launching as a school's Moodle would."""
    lms = TestPlatform(platform_server, name="moodle", client_id="client-42")
    lms.register(db.session)
    db.session.commit()
    return lms


@pytest.fixture
def second_platform(app: Flask, platform_server: PlatformServer) -> TestPlatform:
    lms = TestPlatform(
        platform_server,
        name="canvas",
        client_id="client-7",
        deployment_ids=("deploy-a", "deploy-b"),
    )
    lms.register(db.session)
    db.session.commit()
    return lms
