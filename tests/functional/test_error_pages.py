"""The error pages left for requests no page leads to (a forged form, an unknown address,
a page of someone else's): real HTML pages in the person's language, with a way back."""

from __future__ import annotations

import html

import pytest

from service.errors import TITLES, error_response
from tests.functional.learner_pages import token
from tests.platform import LEARNER, TEACHER, LaunchContext

VIETNAMESE_LEARNER = LaunchContext(**{**LEARNER.__dict__, "locale": "vi"})


def _page(response) -> str:
    assert response.mimetype == "text/html"
    text = html.unescape(response.get_data(as_text=True))
    assert text.startswith("<!doctype html>") and 'role="alert"' in text
    return text


def _way_back(text: str) -> tuple[str, str]:
    start = text.index('data-testid="way-back">')
    href = text.rindex('href="', 0, start) + 6
    return text[href : text.index('"', href)], text[start + 23 : text.index("</a>", start)]


@pytest.mark.parametrize(
    ("url", "status", "back"),
    [
        ("/nowhere", 404, ("/", "Selfpath’s home page")),
        ("/path", 403, ("/", "Selfpath’s home page")),
        ("/admin/nowhere", 404, ("/admin/", "Back to the admin console")),
    ],
)
def test_a_visitor_without_a_launch_gets_a_page_with_a_way_back(client, url, status, back):
    response = client.get(url)
    assert response.status_code == status
    assert _way_back(_page(response)) == back


def test_a_learner_is_led_back_to_their_path(learner):
    response = learner.get("/path/steps/nowhere")
    assert response.status_code == 404
    assert _way_back(_page(response)) == ("/path", "Back to my path")


def test_a_forged_form_is_a_400_page_that_leads_back_to_the_path(learner):
    page = learner.get("/path").get_data(as_text=True)
    response = learner.post(
        "/path/steps/search-basics/done", data={"csrf_token": token(page), "confidence": "9"}
    )
    assert response.status_code == 400
    assert _way_back(_page(response)) == ("/path", "Back to my path")


def test_a_teacher_is_led_back_to_their_class(browser, platform):
    browser.launch(platform, TEACHER)
    response = browser.client.get("/teach/learners/999999")
    assert response.status_code == 404
    assert _way_back(_page(response)) == ("/teach", "Back to my class")


def test_error_pages_speak_vietnamese_to_a_vietnamese_learner(browser, platform, session):
    from tests.functional.learner_pages import assign_demo_path

    assign_demo_path(session, platform)
    browser.launch(platform, VIETNAMESE_LEARNER)
    response = browser.client.get("/path/steps/nowhere")
    text = _page(response)
    assert '<html lang="vi">' in text and "Không tìm thấy" in text
    assert _way_back(text) == ("/path", "Quay lại lộ trình của tôi")


def test_a_public_error_page_follows_the_chosen_language(client):
    text = _page(client.get("/nowhere?hl=vi"))
    assert '<html lang="vi">' in text and _way_back(text) == ("/", "Trang chủ Selfpath")


@pytest.mark.parametrize("status", [*TITLES, 500])
def test_every_error_title_is_worded_in_vietnamese(app, status):
    from flask_babel import force_locale

    english = TITLES.get(status, "Something went wrong")
    with app.test_request_context("/nowhere?hl=vi"), force_locale("vi"):
        worded = error_response(status, "code", "message").get_data(as_text=True)
    title = html.unescape(worded).split("<title>", 1)[1].split("</title>", 1)[0]
    assert english not in title and title.strip(), title
