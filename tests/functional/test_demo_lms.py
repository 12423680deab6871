"""The demo LMS: a course page on its own site, with or without platform storage."""

from __future__ import annotations

import re

import pytest

from service import create_app
from service.demo import lms
from service.extensions import db


def test_course_page_offers_platform_storage_like_canvas(client):
    page = client.get("/demo").get_data(as_text=True)
    assert 'name="lti_storage_target" value="post_message_forwarding"' in page
    assert '<iframe name="post_message_forwarding" src="http://localhost/demo/storage"' in page


def test_course_page_without_platform_storage_like_moodle(client):
    page = client.get("/demo?storage=0").get_data(as_text=True)
    assert "lti_storage_target" not in page and "post_message_forwarding" not in page
    assert 'target="tool-frame"' in page


def test_storage_frame_answers_the_tool_origin_only(client):
    page = client.get("/demo/storage").get_data(as_text=True)
    assert 'toolOrigin = "http://localhost"' in page
    assert "event.origin !== toolOrigin" in page
    for subject in ("lti.capabilities", "lti.put_data", "lti.get_data"):
        assert f'"{subject}"' in page


@pytest.fixture
def demo_on_another_site(settings):
    app = create_app(settings.with_changes(demo_lms_url="https://lms.example.edu"))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()  # its own engine: close its connections now, not at collection


def test_demo_lms_can_live_on_another_site_than_the_tool(demo_on_another_site):
    assert lms.issuer() == "https://lms.example.edu/demo"
    page = demo_on_another_site.test_client().get("/demo").get_data(as_text=True)
    assert 'name="iss" value="https://lms.example.edu/demo"' in page
    assert 'action="http://localhost/lti/login"' in page
    assert 'src="https://lms.example.edu/demo/storage"' in page


def test_course_page_spaces_its_buttons_and_gives_the_tool_a_tall_frame(client):
    page = client.get("/demo").get_data(as_text=True)
    assert '<ul class="launches">' in page
    assert '<iframe class="tool-frame" name="tool-frame"' in page
    stylesheet = re.search(r'<link rel="stylesheet" href="([^"]+)"', page)
    assert stylesheet
    with client.get(stylesheet.group(1)) as response:
        css = response.get_data(as_text=True)
    assert "ul.launches{" in css
    assert "iframe.tool-frame{" in css and "min-height:36rem" in css
    assert "main:has(>iframe.tool-frame){max-width:72rem}" in css  # wide, as an LMS gives


def test_course_page_launches_a_vietnamese_teacher_onto_the_vietnamese_class(client):
    page = client.get("/demo").get_data(as_text=True)
    form = page.split('name="login_hint" value="teacher-vi"')[1].split("</form>")[0]
    assert 'name="lti_message_hint" value="resource"' in form
    assert "Dạy bằng tiếng Việt" in form
