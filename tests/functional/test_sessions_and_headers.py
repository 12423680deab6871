"""Sessions that end: a learner's or teacher's session lasts SESSION_HOURS idle."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from werkzeug.http import parse_date

from tests.functional.test_learner_journey import assign_demo_path
from tests.platform import LEARNER


def session_cookie(response) -> str:
    return next(c for c in response.headers.getlist("Set-Cookie")
                if c.startswith("selfpath_session="))


def test_a_learner_session_cookie_expires_after_session_hours(app, browser, platform, session):
    assign_demo_path(session, platform)
    before = datetime.now(UTC)
    response = browser.launch(platform, LEARNER)
    assert response.status_code == 303
    expires = parse_date(re.search(r"Expires=([^;]+)", session_cookie(response)).group(1))
    hours = app.extensions["selfpath.settings"].session_hours
    assert before < expires <= before + timedelta(hours=hours, minutes=1)
    assert app.permanent_session_lifetime == timedelta(hours=hours)


def test_each_page_renews_the_session_cookie(learner):
    response = learner.get("/path")
    assert response.status_code == 200 and "Expires=" in session_cookie(response)


def test_a_session_cookie_past_its_lifetime_is_refused(app, learner, monkeypatch):
    assert learner.get("/path").status_code == 200
    monkeypatch.setitem(app.config, "PERMANENT_SESSION_LIFETIME", timedelta(seconds=-1))
    assert learner.get("/path").status_code == 403
