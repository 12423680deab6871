"""What a launch costs: a small, fixed number of SQL statements however much data there
is, no rewriting of unchanged rows, no PyJWT decode and no new HTTP session."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import jwt
import pytest
import requests
from sqlalchemy import event, select

from paths.db import utcnow
from paths.people import Activity, Course, Membership, User
from service.extensions import db
from service.lti.services import EXTENSION as LTI_SERVICES
from tests.conftest import TOOL_BASE
from tests.platform import LEARNER
from tests.redis_db import TEST_REDIS_URL as REDIS_URL
from tests.statements import counted

# id_token POST of a learner seen before, with launch state in the database: state (taken
# in one DELETE ... RETURNING), nonce, the registrations' counter (the platform and its
# deployment are cached), the stored columns of (tenant, course, activity with its
# assignment and gradebook endpoint, user, membership), launch record. With launch state
# in Redis the first two go there.
RETURNING_LAUNCH_STATEMENTS = 5
# The same, plus reading the rows to bring up to date and inserting the user, course,
# activity and membership.
FIRST_LAUNCH_STATEMENTS = 10


def launch_statements(browser, platform, who=LEARNER) -> list[str]:
    browser.client.get("/healthz")  # frame-ancestors are cached from here on
    auth = browser.start(platform, who)
    token = platform.sign(platform.claims(auth["nonce"], TOOL_BASE, who))
    with counted(db.engine) as statements:
        response = browser.post_launch(token, auth["state"])
    assert response.status_code == 200, response.get_data(as_text=True)
    return statements


def add_classmates(session, count: int) -> None:
    course = session.scalars(select(Course)).one()
    tenant_id = course.tenant_id
    for n in range(count):
        user = User(issuer="https://other.example", subject=f"s{n}", name=f"Learner {n}")
        session.add(user)
        session.add(Course(tenant_id=tenant_id, context_id=f"other-{n}", title="Other"))
        session.add(Activity(tenant_id=tenant_id, resource_link_id=f"other-{n}"))
        session.flush()
        session.add(Membership(user_id=user.id, course_id=course.id, role="learner"))
    session.commit()


def test_first_launch_statements_are_bounded(browser, platform):
    assert len(launch_statements(browser, platform)) <= FIRST_LAUNCH_STATEMENTS


@pytest.mark.parametrize("classmates", [0, 300])
def test_returning_launch_statements_do_not_grow_with_the_data(
    browser, platform, session, classmates
):
    launch_statements(browser, platform)
    add_classmates(session, classmates)
    statements = launch_statements(browser, platform)
    assert len(statements) <= RETURNING_LAUNCH_STATEMENTS, "\n".join(statements)


def test_a_returning_launch_writes_no_unchanged_rows(browser, platform):
    launch_statements(browser, platform)
    statements = launch_statements(browser, platform)
    assert not [s for s in statements if s.lstrip().upper().startswith("UPDATE")], statements


def test_last_seen_moves_on_once_it_is_older_than_its_precision(browser, platform, session):
    from lti.provisioning import LAST_SEEN_PRECISION

    launch_statements(browser, platform)
    user = session.scalars(select(User)).one()
    membership = session.scalars(select(Membership)).one()
    long_ago = utcnow() - LAST_SEEN_PRECISION - timedelta(seconds=5)
    user.last_seen_at = membership.last_launch_at = long_ago
    session.commit()
    renamed = replace(LEARNER, name="Lan Pham-Tran")
    launch_statements(browser, platform, renamed)
    session.expire_all()
    assert session.get(User, user.id).last_seen_at > long_ago
    assert session.get(User, user.id).name == "Lan Pham-Tran"
    assert session.get(Membership, membership.id).last_launch_at > long_ago


def test_the_launch_opens_no_http_session_of_its_own(browser, platform, monkeypatch):
    """The process's client (and its connection pool) fetches the platform's keys."""
    browser.launch(platform)  # the key set is cached from here on
    opened: list[object] = []
    original = requests.Session.__init__

    def counting(self, *args, **kwargs):  # noqa: ANN001, ANN202
        opened.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "__init__", counting)
    assert browser.launch(platform).status_code in (200, 303)
    assert opened == []


def test_the_launch_does_not_use_pyjwt_decode(browser, platform, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("jwt.decode is not on the launch path")

    monkeypatch.setattr(jwt, "decode", refuse)
    assert browser.launch(platform).status_code in (200, 303)


def test_with_launch_state_in_redis_a_returning_launch_commits_once(app, browser, platform):
    import valkey

    client = valkey.Valkey.from_url(REDIS_URL)
    services = app.extensions[LTI_SERVICES]
    app.extensions[LTI_SERVICES] = replace(services, redis=client)
    commits: list[object] = []

    def committed(connection: object) -> None:
        commits.append(connection)

    try:
        launch_statements(browser, platform)
        auth = browser.start(platform, LEARNER)
        token = platform.sign(platform.claims(auth["nonce"], TOOL_BASE, LEARNER))
        event.listen(db.engine, "commit", committed)
        try:
            with counted(db.engine) as statements:
                assert browser.post_launch(token, auth["state"]).status_code == 200
        finally:
            event.remove(db.engine, "commit", committed)
    finally:
        app.extensions[LTI_SERVICES] = services
        client.close()
    assert not [s for s in statements if "lti_launch_states" in s or "lti_seen_nonces" in s]
    assert len(statements) == RETURNING_LAUNCH_STATEMENTS - 2, "\n".join(statements)
    assert len(commits) == 1  # the launch record; the state and nonce are spent in Redis


def test_with_launch_state_in_the_database_a_returning_launch_commits_once(browser, platform):
    launch_statements(browser, platform)
    auth = browser.start(platform, LEARNER)
    token = platform.sign(platform.claims(auth["nonce"], TOOL_BASE, LEARNER))
    commits: list[object] = []

    def committed(connection: object) -> None:
        commits.append(connection)

    event.listen(db.engine, "commit", committed)
    try:
        with counted(db.engine) as statements:
            assert browser.post_launch(token, auth["state"]).status_code == 200
    finally:
        event.remove(db.engine, "commit", committed)
    taken = [s for s in statements if "lti_launch_states" in s]
    assert len(taken) == 1 and taken[0].lstrip().upper().startswith("DELETE"), taken
    assert len(commits) == 1  # state, nonce and launch record together


def test_a_returning_moodle_launch_with_gradebook_and_roster_reads_no_more(browser, platform):
    from bench.lms import moodle_claims

    def moodle_launch() -> list[str]:
        auth = browser.start(platform, LEARNER)
        body = {**platform.claims(auth["nonce"], TOOL_BASE, LEARNER), **moodle_claims(LEARNER)}
        with counted(db.engine) as statements:
            response = browser.post_launch(platform.sign(body), auth["state"])
        assert response.status_code == 200, response.get_data(as_text=True)
        return statements

    first = moodle_launch()
    assert any("lti_ags_endpoints" in s and "INSERT" in s.upper() for s in first)
    again = moodle_launch()
    assert len(again) <= RETURNING_LAUNCH_STATEMENTS, "\n".join(again)
    assert not [s for s in again if s.lstrip().upper().startswith(("UPDATE", "INSERT INTO USERS"))]


def test_with_redis_a_returning_launch_makes_one_round_trip_to_it(browser, platform, settings):
    """The login's state is taken with the registry's token, and the token's nonce spent,
    in one round trip. Round trips are counted where the client writes to its socket, as
    `make bench` counts them (bench/statements.py)."""
    from bench.statements import counting
    from service import create_app
    from tests.functional.conftest import LtiBrowser

    instance = create_app(replace(settings, redis_url=REDIS_URL))
    browser = LtiBrowser(instance.test_client())
    browser.client.get("/healthz")
    assert browser.launch(platform).status_code == 200  # registration and token cached
    auth = browser.start(platform, LEARNER)
    token = platform.sign(platform.claims(auth["nonce"], TOOL_BASE, LEARNER))
    try:
        counted = counting(instance, lambda: browser.post_launch(token, auth["state"]))
    finally:
        with instance.app_context():
            db.engine.dispose()
    assert (counted.status, counted.redis_round_trips) == (200, 1), counted


def test_with_redis_a_returning_platforms_login_commits_nothing(
    browser, platform, settings, monkeypatch
):
    """Its state goes to Redis and its platform comes from the registry's cache: the login
    has no transaction to commit."""
    from sqlalchemy.orm import Session

    from service import create_app
    from tests.functional.conftest import LtiBrowser

    instance = create_app(replace(settings, redis_url=REDIS_URL))
    browser = LtiBrowser(instance.test_client())
    try:
        assert browser.launch(platform).status_code == 200  # registration and token cached
        commits: list[object] = []
        real = Session.commit
        monkeypatch.setattr(Session, "commit", lambda self: commits.append(self) or real(self))
        auth = browser.start(platform, LEARNER)
        assert auth["state"] and commits == []
        token = platform.sign(platform.claims(auth["nonce"], TOOL_BASE, LEARNER))
        assert browser.post_launch(token, auth["state"]).status_code == 200
    finally:
        with instance.app_context():
            db.engine.dispose()


def test_with_redis_a_long_token_has_its_nonce_spent_on_its_own(browser, platform, settings):
    """A token longer than the validator reads before the state is taken (EARLY_READ) is
    read in its turn: its launch takes one round trip more, and is accepted as any other."""
    from bench.statements import counting
    from lti.validation import EARLY_READ
    from service import create_app
    from tests.functional.conftest import LtiBrowser

    instance = create_app(replace(settings, redis_url=REDIS_URL))
    browser = LtiBrowser(instance.test_client())
    assert browser.launch(platform).status_code == 200  # registration and token cached
    auth = browser.start(platform, LEARNER)
    body = platform.claims(auth["nonce"], TOOL_BASE, LEARNER)
    body["https://lms.example/long-note"] = "x" * EARLY_READ
    token = platform.sign(body)
    try:
        counted = counting(instance, lambda: browser.post_launch(token, auth["state"]))
        replayed = browser.post_launch(token, auth["state"])
    finally:
        with instance.app_context():
            db.engine.dispose()
    assert (counted.status, counted.redis_round_trips) == (200, 2), counted
    assert replayed.status_code == 400 and "unknown_state" in replayed.get_data(as_text=True)
