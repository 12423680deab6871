"""A learner studies inside the demo LMS's course page, in Chromium, under every cookie
policy the tool must survive."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.lms import LEARNER, LEARNER_VI, CourseInTheLms, check_page, choose


def test_learner_studies_in_the_lms_frame_with_third_party_cookies_allowed(course):
    """Chromium's default policy accepts partitioned third-party cookies: the state
    cookie comes back to the frame and the session is an ordinary cookie."""
    course.open(storage=False)
    course.check_lms_page("lms-course")
    course.launch(LEARNER)
    course.wait_for("/path")
    assert course.state_cookie_sent()
    assert "sp=" not in course.frame.url
    course.check_tool_page("my-path", "en")
    before = course.progress()
    up_next = course.tool.get_by_test_id("up-next").get_by_role("link")
    course.follow(up_next, "/path/steps/search-basics")
    course.check_tool_page("step", "en")
    choose(course.tool.get_by_role("radio", name="4"))
    course.follow(course.tool.get_by_role("button", name="Mark as done"), "/path")
    expect(course.tool.get_by_role("status")).to_contain_text("Step done")
    course.check_tool_page_at_every_width("my-path-step-done", "en")
    assert course.progress() > before
    assert course.statuses()["search-basics"] == "done"

    course.follow(
        course.tool.locator('li[data-step="search-queries"] a'), "/path/steps/search-queries"
    )
    course.follow(course.tool.get_by_role("button", name="Mark as done"), "/path")
    course.follow(
        course.tool.get_by_test_id("up-next").get_by_role("link"), "/path/steps/check-search"
    )
    course.check_tool_page("checkpoint", "en")
    choose(course.tool.locator('input[name="q0"][value="0"]'))
    course.follow(
        course.tool.get_by_role("button", name="Check my answers"),
        "/path/steps/check-search/checkpoint",
    )
    expect(course.tool.get_by_test_id("verdict")).to_contain_text("Not passed yet")
    course.check_tool_page("checkpoint-result", "en")


def test_learner_studies_through_platform_storage_when_the_frame_gets_no_cookies(
    course_blocking_cookies: CourseInTheLms,
):
    """What is blocked: every cookie of the tool's site inside the LMS frame, partitioned
    (CHIPS) ones included, as Safari does. How: Chromium runs with
    `--test-third-party-cookie-phaseout` (no unpartitioned third-party cookies) and a
    profile whose cookie exception blocks the tool's site under the LMS's site, since the
    phase-out alone still lets partitioned cookies through (`course_blocking_cookies`).
    The test checks that the id_token POST came without the state cookie and that the
    browser holds no cookie of the tool.

    The state then comes back through the LMS's storage frame (lti.put_data at login,
    lti.get_data at launch), and the session travels in links and forms (`sp`)."""
    course = course_blocking_cookies
    course.open(storage=True)
    course.launch(LEARNER)
    course.wait_for("/path")
    assert not course.state_cookie_sent()
    first, second = course.launch_requests  # the id_token POST, then the one after get_data
    assert "lti_storage_binding" not in (first.post_data or "")  # the LMS's own form post
    assert re.search(r"lti_storage_binding=[\w-]{20,}", second.post_data or "")
    assert "sp=" in course.frame.url and course.tool_cookies() == []
    course.check_tool_page("my-path-no-cookies", "en")

    before = course.progress()
    up_next = course.tool.get_by_test_id("up-next").get_by_role("link")
    course.follow(up_next, "/path/steps/search-basics")
    choose(course.tool.get_by_role("radio", name="3"))
    course.tool.get_by_label("Private reflection (only you see it)").fill("Quotes help.")
    course.follow(course.tool.get_by_role("button", name="Mark as done"), "/path")
    expect(course.tool.get_by_role("status")).to_contain_text("Step done")
    assert course.progress() > before and course.statuses()["search-basics"] == "done"
    assert "sp=" in course.frame.url and course.tool_cookies() == []

    up_next = course.tool.get_by_test_id("up-next").get_by_role("link")
    course.follow(up_next, "/path/steps/search-queries")  # and on to the next step
    assert "sp=" in course.frame.url


def test_without_cookies_or_platform_storage_selfpath_opens_in_a_new_window(
    course_blocking_cookies: CourseInTheLms,
):
    """Cookies blocked in the frame and an LMS without platform storage (as Moodle): the
    tool offers its own window, where its cookies are first-party, and the launch works."""
    course = course_blocking_cookies
    course.open(storage=False)
    course.launch(LEARNER)
    offer = course.tool.get_by_role("button", name="Open Selfpath in a new window")
    expect(offer).to_be_visible()
    assert not course.state_cookie_sent()
    course.check_tool_page("new-window-offer", "en")
    with course.page.context.expect_page() as opened:
        offer.click()
    window = opened.value
    window.wait_for_url(course.url_of("/path"))
    assert "sp=" not in window.url  # a plain cookie session in its own window
    expect(window.get_by_test_id("up-next")).to_contain_text("Up next")
    check_page(window.main_frame, "en")


def test_learner_completes_a_step_and_a_checkpoint_without_javascript(
    course_without_javascript: CourseInTheLms,
):
    """JavaScript off: the LMS's auto-posting form becomes a button, and every page of
    Selfpath is a plain HTML form."""
    course = course_without_javascript
    course.open(storage=False)
    course.launch(LEARNER)
    course.follow(course.tool.get_by_role("button", name="Continue"), "/path")
    for key in ("search-basics", "search-queries"):
        course.follow(course.tool.locator(f'li[data-step="{key}"] a'), f"/path/steps/{key}")
        course.follow(course.tool.get_by_role("button", name="Mark as done"), "/path")
        assert course.statuses()[key] == "done"
    course.check_tool_page("my-path-without-javascript", "en", scripts=False)
    course.follow(
        course.tool.get_by_test_id("up-next").get_by_role("link"), "/path/steps/check-search"
    )
    course.tool.get_by_label("Before you start").fill("80")
    choose(course.tool.locator('input[name="q0"][value="1"]'))
    choose(course.tool.locator('input[name="q1"][value="0"]'))
    course.tool.locator('input[name="q2"]').fill("SERP")
    course.follow(
        course.tool.get_by_role("button", name="Check my answers"),
        "/path/steps/check-search/checkpoint",
    )
    expect(course.tool.get_by_test_id("verdict")).to_contain_text("Passed")
    course.follow(course.tool.get_by_role("link", name="Back to my path"), "/path")
    assert course.statuses()["check-search"] == "done"


def test_vietnamese_learner_studies_in_vietnamese(course: CourseInTheLms):
    """The LMS says the learner's locale is `vi`: every page is in Vietnamese. This LMS
    offers platform storage (as Canvas); the state cookie still comes back."""
    course.open(storage=True)
    course.launch(LEARNER_VI)
    course.wait_for("/path")
    assert course.state_cookie_sent() and len(course.launch_requests) == 1
    expect(course.tool.get_by_test_id("up-next")).to_contain_text("Tiếp theo")
    course.check_tool_page("my-path", "vi")
    before = course.progress()
    course.follow(
        course.tool.get_by_test_id("up-next").get_by_role("link"), "/path/steps/search-basics"
    )
    course.check_tool_page("step", "vi")
    course.follow(course.tool.get_by_role("button", name="Đánh dấu đã xong"), "/path")
    expect(course.tool.get_by_role("status")).to_contain_text("Đã xong bước này")
    course.check_tool_page_at_every_width("my-path-step-done", "vi")
    assert course.progress() > before
    course.follow(
        course.tool.locator('li[data-step="search-queries"] a'), "/path/steps/search-queries"
    )
    course.follow(course.tool.get_by_role("button", name="Đánh dấu đã xong"), "/path")
    course.follow(
        course.tool.get_by_test_id("up-next").get_by_role("link"), "/path/steps/check-search"
    )
    course.check_tool_page("checkpoint", "vi")
    course.follow(
        course.tool.get_by_role("button", name="Chấm bài của tôi"),
        "/path/steps/check-search/checkpoint",
    )
    course.check_tool_page("checkpoint-result", "vi")
