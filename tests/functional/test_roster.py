"""The class roster from the LMS (NRPS): every page, cached, refreshable."""

from __future__ import annotations

from sqlalchemy import select

from lti import claims, keys
from lti.addresses import ANYWHERE
from lti.ags_http import LmsRefused
from lti.ags_token import AccessTokens
from lti.grade_queue import platform_auth
from lti.models import CourseRoster, Platform
from lti.nrps import read_roster
from lti.outbound import Outbound
from paths.db import utcnow
from tests.functional.learner_pages import assign_demo_path, token
from tests.platform import LEARNER, TEACHER

LEARNER_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
TEACHER_ROLE = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"


def members():
    people = [
        ("learner-1", "Lan Pham", LEARNER_ROLE, "Active"),
        ("never-1", "Quang Vo", LEARNER_ROLE, "Active"),
        ("never-2", "Thu Ha", LEARNER_ROLE, "Active"),
        ("gone-1", "Left Early", LEARNER_ROLE, "Inactive"),
        ("teacher-1", "Hoa Le", TEACHER_ROLE, "Active"),
    ]
    return [{"user_id": u, "name": n, "roles": [r], "status": s} for u, n, r, s in people]


def read(session, platform, url):
    row = session.get(Platform, platform.platform_id)
    key = keys.signing_key(session, utcnow())
    session.commit()
    http = Outbound(addresses=ANYWHERE)
    return read_roster(http, AccessTokens(http, 5), platform_auth(row), key, url, timeout=5)


def test_every_page_is_read_and_next_links_are_followed_verbatim(session, platform, gradebook):
    gradebook.members = members()
    roster = read(session, platform, gradebook.memberships_url)
    assert [m.user_id for m in roster] == [m["user_id"] for m in members()]
    assert [m.role for m in roster] == ["learner"] * 4 + ["teacher"]
    assert roster[3].status == "Inactive"
    assert len(gradebook.roster_requests) == 3
    assert "Token=AbC1" in gradebook.roster_requests[1]  # not lower-cased
    assert gradebook.token_requests == 1


def test_a_roster_address_on_another_site_is_never_called(session, platform, gradebook):
    try:
        read(session, platform, "https://evil.example/memberships")
    except LmsRefused as refused:
        assert "another site" in str(refused) or "roster address" in str(refused)
    else:
        raise AssertionError("a foreign roster address was called")
    assert gradebook.token_requests == 0


def teacher_with_roster(browser, platform, session, gradebook):
    assign_demo_path(session, platform)
    gradebook.members = members()
    browser.launch(platform, LEARNER)  # Lan opened Selfpath once
    nrps = {"context_memberships_url": gradebook.memberships_url, "service_versions": ["2.0"]}
    assert browser.launch(platform, TEACHER, **{claims.NRPS: nrps}).status_code == 303
    return browser.client.get("/teach").get_data(as_text=True)


def test_learners_who_never_launched_show_as_not_started(browser, platform, session, gradebook):
    page = teacher_with_roster(browser, platform, session, gradebook)
    assert "Quang Vo" not in page and "has not been read yet" in page
    response = browser.client.post("/teach/class/roster", data={"csrf_token": token(page)})
    assert response.status_code == 303
    page = browser.client.get("/teach").get_data(as_text=True)
    assert "The roster is up to date." in page
    assert "Quang Vo" in page and "Thu Ha" in page and "Lan Pham" in page
    assert "Left Early" not in page and "Not started: <strong>3</strong>" in page
    roster = session.scalars(select(CourseRoster)).one()
    assert len(roster.members) == 5 and roster.fetched_at is not None


def test_a_roster_the_lms_refuses_is_reported(browser, platform, session, gradebook):
    page = teacher_with_roster(browser, platform, session, gradebook)
    roster = session.scalars(select(CourseRoster)).one()
    roster.memberships_url = gradebook.memberships_url.replace("Course-1", "Course-9")
    session.commit()
    response = browser.client.post("/teach/class/roster", data={"csrf_token": token(page)})
    assert response.status_code == 303, response.get_data(as_text=True)
    page = browser.client.get("/teach").get_data(as_text=True)
    assert "The roster could not be read" in page and "404" in page


def test_learners_cannot_refresh_the_roster(learner):
    page = learner.get("/path").get_data(as_text=True)
    response = learner.post("/teach/class/roster", data={"csrf_token": token(page)})
    assert response.status_code == 403


def test_a_token_the_lms_no_longer_accepts_is_replaced_once(session, platform, gradebook):
    gradebook.members = members()
    row = session.get(Platform, platform.platform_id)
    key = keys.signing_key(session, utcnow())
    session.commit()
    tokens = AccessTokens(Outbound(addresses=ANYWHERE), 5)
    http = Outbound(addresses=ANYWHERE)
    read_roster(http, tokens, platform_auth(row), key, gradebook.memberships_url, timeout=5)
    gradebook._tokens.clear()  # the LMS forgets every token it gave out
    roster = read_roster(
        http, tokens, platform_auth(row), key, gradebook.memberships_url, timeout=5
    )
    assert len(roster) == 5 and gradebook.token_requests == 2
