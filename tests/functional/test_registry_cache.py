"""Registrations and deployments cached per process: a change made on one instance takes
effect at once on another sharing the database, and no cache serves another platform's
(another school's) registration."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from flask import Flask
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import select

from lti.models import Deployment
from lti.registrations import (
    find_deployment,
    get_platform,
    set_deployment_enabled,
    set_platform_enabled,
)
from paths.people import Course, Membership, User
from service import create_app
from service.extensions import db
from tests.conftest import TOOL_BASE
from tests.functional.conftest import LtiBrowser, auth_request
from tests.platform import LEARNER, TestPlatform
from tests.redis_db import TEST_REDIS_URL as REDIS_URL
from tests.statements import counted


@pytest.fixture
def other_instance(settings) -> Iterator[Flask]:
    """A second application on the same database, as another gunicorn instance is."""
    instance = create_app(settings)
    yield instance
    with instance.app_context():
        db.engine.dispose()


@pytest.fixture
def instances_with_redis(settings) -> Iterator[list[Flask]]:
    """Two instances sharing the database and Redis, as in production."""
    instances = [create_app(replace(settings, redis_url=REDIS_URL)) for _ in range(2)]
    yield instances
    for instance in instances:
        with instance.app_context():
            db.engine.dispose()


def launched(browser: LtiBrowser, platform: TestPlatform) -> tuple[int, str]:
    login = browser.login(platform)
    if login.status_code != 302:
        return login.status_code, login.get_data(as_text=True)
    response = browser.launch(platform)
    return response.status_code, response.get_data(as_text=True)


def test_disabling_a_platform_on_one_instance_stops_its_logins_on_another(
    platform, session, other_instance
):
    elsewhere = LtiBrowser(other_instance.test_client())
    assert launched(elsewhere, platform)[0] == 200  # the other instance has it cached now
    set_platform_enabled(session, platform.platform_id, False)
    session.commit()
    status, page = launched(elsewhere, platform)
    assert status == 403 and "platform_disabled" in page
    set_platform_enabled(session, platform.platform_id, True)
    session.commit()
    assert launched(elsewhere, platform)[0] == 200


def test_disabling_a_platform_between_login_and_launch_refuses_the_launch(
    platform, session, other_instance
):
    elsewhere = LtiBrowser(other_instance.test_client())
    assert launched(elsewhere, platform)[0] == 200
    auth = elsewhere.start(platform)
    set_platform_enabled(session, platform.platform_id, False)
    session.commit()
    token = platform.sign(platform.claims(auth["nonce"], TOOL_BASE))
    response = elsewhere.post_launch(token, auth["state"])
    assert response.status_code == 403 and "platform_disabled" in response.get_data(as_text=True)


def test_disabling_a_deployment_on_one_instance_refuses_its_launches_on_another(
    platform, session, other_instance
):
    elsewhere = LtiBrowser(other_instance.test_client())
    assert launched(elsewhere, platform)[0] == 200
    deployment = find_deployment(session, get_platform(session, platform.platform_id), "deploy-1")
    set_deployment_enabled(session, deployment.id, False)
    session.commit()
    status, page = launched(elsewhere, platform)
    assert status == 403 and "deployment_disabled" in page


def test_each_platform_launches_into_its_own_school(browser, platform, second_platform, session):
    assert browser.launch(platform).status_code == 200
    assert browser.launch(second_platform, LEARNER).status_code == 200
    tenants = {
        d.platform_id: d.tenant_id
        for d in session.scalars(select(Deployment).where(Deployment.deployment_id != "deploy-b"))
    }
    courses = set(
        session.execute(
            select(User.issuer, Course.tenant_id)
            .join(Membership, Membership.user_id == User.id)
            .join(Course, Course.id == Membership.course_id)
        ).tuples()
    )
    assert courses == {
        (platform.issuer, tenants[platform.platform_id]),
        (second_platform.issuer, tenants[second_platform.platform_id]),
    }


def test_a_token_naming_another_platforms_client_id_is_refused(
    browser, platform, second_platform, session
):
    assert browser.launch(second_platform).status_code == 200  # both cached
    auth = browser.start(platform)
    body = platform.claims(auth["nonce"], TOOL_BASE, aud=second_platform.client_id)
    response = browser.post_launch(platform.sign(body), auth["state"])
    assert response.status_code == 401
    assert "unknown_platform" in response.get_data(as_text=True)


def test_a_returning_launch_gets_its_own_schools_session(
    browser, platform, second_platform, session
):
    """The same person and the same course and link ids on two platforms: each returning
    launch (nothing changed, so nothing rewritten) opens a session in its own school."""
    tenant_of = {
        (d.platform_id, d.deployment_id): d.tenant_id for d in session.scalars(select(Deployment))
    }
    for lms in (platform, second_platform, platform, second_platform):
        assert browser.launch(lms, LEARNER).status_code == 200
        with browser.client.session_transaction() as web_session:
            assert web_session["platform_id"] == lms.platform_id
            assert web_session["tenant_id"] == tenant_of[(lms.platform_id, lms.deployment_ids[0])]


def test_with_redis_a_login_reads_nothing_from_the_database(platform, instances_with_redis):
    instance = instances_with_redis[0]
    browser = LtiBrowser(instance.test_client())
    assert launched(browser, platform)[0] == 200  # the registration is cached now
    with instance.app_context():
        engine = db.engine
    with counted(engine) as statements:
        assert browser.login(platform).status_code == 302
    assert statements == []


def test_with_redis_a_platform_disabled_on_one_instance_stops_logins_on_another_at_once(
    platform, instances_with_redis
):
    one, other = instances_with_redis
    elsewhere = LtiBrowser(other.test_client())
    assert launched(elsewhere, platform)[0] == 200
    assert launched(elsewhere, platform)[0] == 200  # cached, with Redis's token
    with one.app_context():
        set_platform_enabled(db.session, platform.platform_id, False)
        db.session.commit()
    status, page = launched(elsewhere, platform)
    assert status == 403 and "platform_disabled" in page
    with one.app_context():
        set_platform_enabled(db.session, platform.platform_id, True)
        db.session.commit()
    assert launched(elsewhere, platform)[0] == 200


def test_with_redis_a_platform_disabled_between_login_and_launch_refuses_the_launch(
    platform, instances_with_redis
):
    """The launch reads the registry's token with the login's state, when the id_token
    comes back: a change committed after the login is seen by that launch."""
    one, other = instances_with_redis
    elsewhere = LtiBrowser(other.test_client())
    assert launched(elsewhere, platform)[0] == 200
    assert launched(elsewhere, platform)[0] == 200  # cached, with Redis's token
    auth = elsewhere.start(platform)
    with one.app_context():
        set_platform_enabled(db.session, platform.platform_id, False)
        db.session.commit()
    token = platform.sign(platform.claims(auth["nonce"], TOOL_BASE))
    response = elsewhere.post_launch(token, auth["state"])
    assert response.status_code == 403 and "platform_disabled" in response.get_data(as_text=True)


def waiting_logins(instance: Flask) -> set[bytes]:
    """The logins in flight that `instance` keeps in Redis."""
    from service.lti.services import EXTENSION as LTI_SERVICES

    client = instance.extensions[LTI_SERVICES].redis
    return set(client.scan_iter("selfpath:lti:state:*"))


def test_with_redis_a_returning_platforms_login_makes_two_round_trips(
    platform, instances_with_redis
):
    """The login rate limit's, and the login's state saved with the registry's token read
    beside it."""
    from bench.statements import counting

    instance = instances_with_redis[0]
    browser = LtiBrowser(instance.test_client())
    assert launched(browser, platform)[0] == 200  # the registration is cached now
    login = counting(instance, lambda: browser.login(platform))
    assert (login.status, login.statements, login.redis_round_trips) == (302, 0, 2), login


def test_with_redis_a_login_for_a_platform_disabled_elsewhere_leaves_no_state(
    platform, instances_with_redis
):
    one, other = instances_with_redis
    elsewhere = LtiBrowser(other.test_client())
    assert launched(elsewhere, platform)[0] == 200  # cached, with Redis's token
    before = waiting_logins(other)
    with one.app_context():
        set_platform_enabled(db.session, platform.platform_id, False)
        db.session.commit()
    refused = elsewhere.login(platform)
    assert refused.status_code == 403 and "platform_disabled" in refused.get_data(as_text=True)
    assert waiting_logins(other) == before


def test_with_redis_a_login_address_changed_elsewhere_is_used_at_once(
    platform, instances_with_redis
):
    """The state saved for the registration as this instance knew it is discarded, and
    the login is saved again for the registration as it is now."""
    one, other = instances_with_redis
    elsewhere = LtiBrowser(other.test_client())
    assert launched(elsewhere, platform)[0] == 200  # cached, with Redis's token
    before = waiting_logins(other)
    with one.app_context():
        get_platform(db.session, platform.platform_id).auth_login_url = (
            platform.issuer + "/auth/moved"
        )
        db.session.commit()
    login = elsewhere.login(platform)
    assert login.headers["Location"].startswith(platform.issuer + "/auth/moved?")
    state = login.headers["Location"].split("state=", 1)[1].split("&", 1)[0]
    assert {key.decode() for key in waiting_logins(other) - before} == {
        f"selfpath:lti:state:{state}"
    }


CHANGES = ("disable", "enable", "move", "move back")
ACTIONS = st.lists(
    st.tuples(st.sampled_from(("login", "launch", *CHANGES)), st.sampled_from((0, 1))),
    min_size=1,
    max_size=10,
)


@hypothesis_settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS)
def test_with_redis_logins_and_launches_follow_every_change_made_elsewhere(
    platform, second_platform, instances_with_redis, actions
):
    """Two schools' platforms, changed on one instance (disabled, enabled, their login
    address moved and moved back) between logins and launches on another, in any order:
    each login is refused while its platform is disabled and leaves no state, and is sent
    to its platform's address of the moment with its own client id; each launch succeeds
    while its platform is enabled."""
    one, other = instances_with_redis
    lms = (platform, second_platform)
    home = {p.platform_id: p.issuer + "/auth" for p in lms}
    enabled = {p.platform_id: True for p in lms}
    address = dict(home)
    with one.app_context():  # every example starts from both registrations as made
        for p in lms:
            registration = get_platform(db.session, p.platform_id)
            registration.enabled, registration.auth_login_url = True, home[p.platform_id]
        db.session.commit()
    elsewhere = LtiBrowser(other.test_client())
    for action, which in actions:
        chosen = lms[which]
        if action in CHANGES:
            with one.app_context():
                registration = get_platform(db.session, chosen.platform_id)
                if action in ("disable", "enable"):
                    registration.enabled = enabled[chosen.platform_id] = action == "enable"
                else:
                    moved = home[chosen.platform_id] + ("/moved" if action == "move" else "")
                    registration.auth_login_url = address[chosen.platform_id] = moved
                db.session.commit()
            continue
        before = waiting_logins(other)
        if action == "launch":
            status, page = launched(elsewhere, chosen)
            expected = 200 if enabled[chosen.platform_id] else 403
            assert status == expected, (actions, page[:300])
            continue
        login = elsewhere.login(chosen)
        if not enabled[chosen.platform_id]:
            assert login.status_code == 403, actions
            assert "platform_disabled" in login.get_data(as_text=True)
            assert waiting_logins(other) == before, actions
            continue
        location = login.headers["Location"]
        assert location.startswith(address[chosen.platform_id] + "?"), (actions, location)
        assert auth_request(location)["client_id"] == chosen.client_id
        assert len(waiting_logins(other) - before) == 1, actions
