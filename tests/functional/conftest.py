"""A browser that speaks LTI: login initiation, authorization redirect, id_token POST."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from lti import claims
from service.demo.platform import LaunchContext, PlatformKey
from tests.conftest import TOOL_BASE
from tests.platform import LEARNER, TestPlatform, auth_request


class LtiBrowser:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(
        self,
        platform: TestPlatform,
        who: LaunchContext = LEARNER,
        *,
        method: str = "POST",
        **overrides: Any,
    ) -> TestResponse:
        params = platform.login_params(TOOL_BASE, who, **overrides)
        if method == "GET":
            return self.client.get("/lti/login", query_string=params)
        return self.client.post("/lti/login", data=params)

    def start(
        self, platform: TestPlatform, who: LaunchContext = LEARNER, **overrides: Any
    ) -> dict[str, str]:
        response = self.login(platform, who, **overrides)
        assert response.status_code == 302, response.get_data(as_text=True)
        return auth_request(response.headers["Location"])

    def post_launch(self, id_token: str, state: str, **extra: str) -> TestResponse:
        return self.client.post("/lti/launch", data={"id_token": id_token, "state": state, **extra})

    def launch(
        self,
        platform: TestPlatform,
        who: LaunchContext = LEARNER,
        *,
        message_type: str = claims.RESOURCE_LINK_REQUEST,
        key: PlatformKey | None = None,
        headers: dict[str, Any] | None = None,
        **claim_overrides: Any,
    ) -> TestResponse:
        auth = self.start(platform, who)
        body = platform.claims(auth["nonce"], TOOL_BASE, who, message_type, **claim_overrides)
        return self.post_launch(platform.sign(body, key=key, headers=headers), auth["state"])


@pytest.fixture
def browser(client: FlaskClient) -> LtiBrowser:
    return LtiBrowser(client)


@pytest.fixture
def learner(browser, platform, session):
    """A learner launched on the demo path (the client carries their session)."""
    from tests.functional.learner_pages import assign_demo_path
    from tests.platform import LEARNER

    assign_demo_path(session, platform)
    response = browser.launch(platform, LEARNER)
    assert response.status_code == 303
    return browser.client


@pytest.fixture
def vietnamese_learner(browser, platform, session):
    """A learner whose LMS speaks Vietnamese, launched on the Vietnamese demo path."""
    from tests.functional.learner_pages import assign_demo_path

    assign_demo_path(session, platform, language="vi")
    who = LaunchContext(**{**LEARNER.__dict__, "locale": "vi-VN"})
    assert browser.launch(platform, who).status_code == 303
    return browser.client


@pytest.fixture
def teacher(browser, platform):
    """A teacher launched into Selfpath (the client carries their session)."""
    from tests.platform import TEACHER

    assert browser.launch(platform, TEACHER).headers["Location"] == "/teach"
    return browser.client


@pytest.fixture
def classroom(browser, platform, session):
    """The demo path's class of four, launched as their teacher: Anh is stuck, Bảo behind,
    Chi on track and Dũng has not started."""
    from datetime import timedelta

    from paths.db import utcnow
    from paths.enrollment import Assignment
    from tests.functional.classroom import add_learner, progress
    from tests.functional.learner_pages import assign_demo_path
    from tests.platform import TEACHER

    assign_demo_path(session, platform)
    assignment = session.scalars(select(Assignment)).one()
    now = utcnow()
    first_steps = ("search-basics", "search-queries")
    people = {
        name: add_learner(session, platform, assignment, name, now)
        for name in ("Anh", "Bảo", "Chi", "Dũng")
    }
    progress(session, people["Anh"], steps=first_steps, fails=2)  # stuck
    progress(session, people["Bảo"], steps=first_steps[:1], at=now - timedelta(days=9))  # behind
    progress(session, people["Chi"], steps=first_steps)  # on track
    session.commit()  # Dũng: not started
    assert browser.launch(platform, TEACHER).status_code == 303
    return assignment


@pytest.fixture
def gradebook(platform, database_url):
    """The test LMS's gradebook (AGS): tokens, line items, scores, results."""
    from tests.grades import gradebook_for

    book = gradebook_for(platform, database_url)
    engine = book.tool_jwks.engine
    yield book
    engine.dispose()


@pytest.fixture
def worker():
    from tests.grades import quick_worker

    grade_worker = quick_worker()
    yield grade_worker
    grade_worker.close()


@pytest.fixture
def starter(session):
    """The starter catalogue in the open library, by title."""
    from paths.db import utcnow
    from paths.library.models import LibraryEntry
    from service.library.starter import seed_library

    seed_library(session, utcnow())
    session.commit()
    return {e.title: e for e in session.scalars(select(LibraryEntry))}


@pytest.fixture
def quick(app, monkeypatch):
    """Settings for one test, with the LTI services rebuilt from them: a 1 s deadline on
    calls out, or production's address checks (`quick(env="production")`)."""
    from service.lti.services import EXTENSION, LtiServices

    def change(**values):
        settings = app.extensions["selfpath.settings"].with_changes(**values)
        monkeypatch.setitem(app.extensions, "selfpath.settings", settings)
        monkeypatch.setitem(app.extensions, EXTENSION, LtiServices.build(settings))

    change(http_timeout_seconds=1)
    return change
