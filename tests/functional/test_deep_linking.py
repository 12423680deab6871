"""Deep Linking 2.0 end to end: a teacher places paths, the LMS gets a signed answer."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lti import claims
from lti.deep_linking import CONTENT_ITEMS, DATA, MSG
from lti.models import Deployment
from paths.enrollment import Assignment
from tests.conftest import TOOL_BASE
from tests.functional.deep_links import (
    deep_link_launch,
    returned_jwt,
    template_path,
    verify_with_published_keys,
)
from tests.functional.learner_pages import token
from tests.platform import LEARNER, TEACHER, LaunchContext


def test_teacher_places_two_paths_and_a_learner_opens_one(browser, platform, session):
    english = template_path(session, platform)
    vietnamese = template_path(session, platform, "vi")
    response = deep_link_launch(browser, platform)
    assert response.status_code == 303 and response.headers["Location"] == "/teach/deep-link"
    page = browser.client.get("/teach/deep-link").get_data(as_text=True)
    assert "Digital skills for lifelong learners" in page and "Shared templates" in page

    answer = browser.client.post(
        "/teach/deep-link",
        data={
            "csrf_token": token(page),
            f"path-{english.path_id}": str(english.path_id),
            f"path-{vietnamese.path_id}": str(vietnamese.path_id),
        },
    )
    text = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert f'action="{platform.issuer}/deep-link-return"' in text
    body = verify_with_published_keys(browser.client, returned_jwt(text), platform)
    assert body["iss"] == "client-42" and body["aud"] == platform.issuer
    assert body[claims.MESSAGE_TYPE] == "LtiDeepLinkingResponse"
    assert body[claims.VERSION] == "1.3.0" and body[claims.DEPLOYMENT_ID] == "deploy-1"
    assert body[DATA] == "opaque-42" and body["nonce"] and body[MSG]
    items = body[CONTENT_ITEMS]
    assert [i["title"] for i in items] == [english.title, vietnamese.title]
    first = items[0]
    assert first["type"] == "ltiResourceLink" and first["url"] == TOOL_BASE + "/lti/launch"
    assert first["custom"] == {"path_id": str(english.path_id), "path_version": "1"}
    assert first["lineItem"]["scoreMaximum"] == 100 and first["lineItem"]["label"]
    assert first["lineItem"]["resourceId"] == f"selfpath-path-{english.path_id}"
    assert first["text"].startswith("Find information")

    # The LMS creates the activity; a learner's launch there opens that path.
    with browser.client.session_transaction() as web_session:
        web_session.clear()
    learner = LaunchContext(**{**LEARNER.__dict__, "resource_link_id": "new-link"})
    launched = browser.launch(platform, learner, **{claims.CUSTOM: first["custom"]})
    assert launched.headers["Location"] == "/path"
    assert "How search engines work" in browser.client.get("/path").get_data(as_text=True)


def test_cancel_returns_no_items_and_data_is_omitted_when_not_sent(browser, platform, session):
    template_path(session, platform)
    auth = browser.start(platform, TEACHER)
    body = platform.claims(
        auth["nonce"], TOOL_BASE, TEACHER, message_type=claims.DEEP_LINKING_REQUEST
    )
    body[claims.DEEP_LINKING_SETTINGS].pop("data")
    browser.post_launch(platform.sign(body), auth["state"])
    page = browser.client.get("/teach/deep-link").get_data(as_text=True)
    answer = browser.client.post(
        "/teach/deep-link", data={"csrf_token": token(page), "cancel": "1"}
    )
    body = verify_with_published_keys(
        browser.client, returned_jwt(answer.get_data(as_text=True)), platform
    )
    assert body[CONTENT_ITEMS] == [] and DATA not in body


def test_single_item_lms_gets_radio_buttons_and_refuses_two(browser, platform, session):
    first, second = template_path(session, platform), template_path(session, platform, "vi")
    deep_link_launch(browser, platform, accept_multiple=False, accept_lineitem=False)
    page = browser.client.get("/teach/deep-link").get_data(as_text=True)
    assert 'type="radio" name="path"' in page and 'type="checkbox"' not in page
    answer = browser.client.post(
        "/teach/deep-link", data={"csrf_token": token(page), "path": str(first.path_id)}
    )
    body = verify_with_published_keys(
        browser.client, returned_jwt(answer.get_data(as_text=True)), platform
    )
    assert len(body[CONTENT_ITEMS]) == 1 and "lineItem" not in body[CONTENT_ITEMS][0]
    deep_link_launch(browser, platform, accept_multiple=False)
    page = browser.client.get("/teach/deep-link").get_data(as_text=True)
    refused = browser.client.post(
        "/teach/deep-link",
        data={
            "csrf_token": token(page),
            f"path-{first.path_id}": str(first.path_id),
            f"path-{second.path_id}": str(second.path_id),
        },
    )
    assert refused.status_code == 400


def test_lms_that_accepts_no_links_is_told_so(browser, platform, session):
    response = deep_link_launch(browser, platform, accept_types=["file"])
    assert response.status_code == 400
    assert "resource link" in response.get_data(as_text=True)


# -- bad input -------------------------------------------------------------------------------


def test_path_of_another_course_is_refused(browser, platform, second_platform, session):
    foreign = template_path(session, second_platform)
    deep_link_launch(browser, platform)
    page = browser.client.get("/teach/deep-link").get_data(as_text=True)
    assert foreign.title not in page
    response = browser.client.post(
        "/teach/deep-link",
        data={"csrf_token": token(page), f"path-{foreign.path_id}": str(foreign.path_id)},
    )
    assert response.status_code == 404 and "not available" in response.get_data(as_text=True)


def test_forged_data_field_is_refused(browser, platform, session):
    version = template_path(session, platform)
    deep_link_launch(browser, platform)
    page = browser.client.get("/teach/deep-link").get_data(as_text=True)
    response = browser.client.post(
        "/teach/deep-link",
        data={
            "csrf_token": token(page),
            f"path-{version.path_id}": str(version.path_id),
            "data": "forged",
        },
    )
    assert response.status_code == 400 and "data" in response.get_data(as_text=True)


def test_learner_cannot_deep_link(browser, platform, session):
    response = deep_link_launch(browser, platform, LEARNER)
    assert response.status_code == 403
    assert browser.client.get("/teach/deep-link").status_code == 403


def test_deep_link_page_needs_a_deep_link_launch(browser, platform, session):
    browser.launch(platform, TEACHER)
    assert browser.client.get("/teach/deep-link").status_code == 403


@pytest.mark.parametrize(
    "custom",
    [
        {"path_id": "999999"},
        {"path_id": "abc"},
        {"path_id": "²"},
        {"path_id": "9" * 40},
        {"library_entry": "no-such-entry", "library_version": "1"},
        {"library_entry": "x" * 5000, "library_version": "²"},
    ],
)
def test_resource_link_with_a_foreign_or_bad_path_id_assigns_nothing(
    browser, platform, session, custom
):
    response = browser.launch(platform, LEARNER, **{claims.CUSTOM: custom})
    assert response.status_code in (200, 404)
    assert session.scalar(select(func.count()).select_from(Assignment)) == 0


def test_selection_offers_creating_a_path_and_hides_unpublished_ones(browser, platform, session):
    from paths.catalog import LearningPath

    template_path(session, platform)
    tenant_id = session.scalars(select(Deployment.tenant_id)).first()
    session.add(LearningPath(title="Half-written path", tenant_id=tenant_id, is_template=True))
    session.commit()
    deep_link_launch(browser, platform)
    page = browser.client.get("/teach/deep-link").get_data(as_text=True)
    assert 'href="/teach/paths"' in page and "Create a new path" in page
    assert "Half-written path" not in page


@pytest.mark.parametrize("version", ["²", "-1", "9" * 40, ""])
def test_a_bad_path_version_in_the_link_assigns_the_latest(browser, platform, session, version):
    template = template_path(session, platform)
    response = browser.launch(
        platform,
        LEARNER,
        **{claims.CUSTOM: {"path_id": str(template.path_id), "path_version": version}},
    )
    assert response.status_code == 303
    assert session.scalars(select(Assignment)).one().path_version_id == template.id


def test_adding_nothing_shows_the_choices_again_with_the_reason(browser, platform, session):
    template_path(session, platform)
    deep_link_launch(browser, platform)
    page = browser.client.get("/teach/deep-link").get_data(as_text=True)
    answer = browser.client.post("/teach/deep-link", data={"csrf_token": token(page)})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400 and answer.mimetype == "text/html"
    assert 'role="alert" data-testid="form-error">Choose at least one path, or cancel.' in text
    assert 'id="choose-paths"' in text and "Add to the course" in text  # the form, not a dead end
    assert "JWT" not in text
    again = browser.client.post("/teach/deep-link", data={"csrf_token": token(text), "cancel": "1"})
    assert again.status_code == 200 and returned_jwt(again.get_data(as_text=True))
