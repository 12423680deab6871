"""My path and a checkpoint result in Chromium, in English and Vietnamese, on a phone
(360 × 640) and a laptop (1280 × 800), and the class heat map in both languages: axe-core
finds no serious or critical violation, the page does not scroll sideways, and a screenshot
of each is kept in tests/browser/artifacts/ (the README's come from these)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from service.demo.lms import ACTIVITY, ACTIVITY_VI
from tests.browser.demo_class import seed_class
from tests.browser.lms import (
    ARTIFACTS,
    DEEP_LINK_VI,
    LEARNER,
    LEARNER_VI,
    TEACHER,
    CourseInTheLms,
    choose,
)

SIZES = {"phone": {"width": 360, "height": 640}, "laptop": {"width": 1280, "height": 800}}
SHOT_HEIGHT = 1400  # the top of a long page is what the README shows
CONTENT_HEIGHT = (
    "() => Math.ceil(document.querySelector('main').getBoundingClientRect().bottom) + 16"
)
WORDS = {
    "en": {"start": "Start", "done": "Mark as done", "check": "Check my answers"},
    "vi": {"start": "Bắt đầu", "done": "Đánh dấu đã xong", "check": "Chấm bài của tôi"},
}


def snapshot_tool(
    course: CourseInTheLms, name: str, lang: str, shot_height: int = SHOT_HEIGHT
) -> None:
    """Check the tool's page, then save it as the learner sees it in the LMS's frame (the
    frame grown to its content, the first `shot_height` pixels): tests/browser/artifacts/."""
    course.check_tool_page(name, lang)
    height = course.frame.evaluate(CONTENT_HEIGHT)
    frame = course.page.locator('iframe[name="tool-frame"]')
    frame.evaluate("(element, height) => { element.style.height = height + 'px'; }", height)
    viewport = course.page.viewport_size or SIZES["phone"]
    course.page.set_viewport_size({"width": viewport["width"], "height": height + 800})
    box = frame.bounding_box()
    assert box is not None
    clip = {**box, "height": min(box["height"], shot_height)}
    course.page.screenshot(path=ARTIFACTS / f"{name}-tool-{lang}.png", clip=clip)
    course.page.set_viewport_size(viewport)


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("lang", ["en", "vi"])
def test_my_path_and_a_checkpoint_result(course: CourseInTheLms, lang: str, size: str):
    words = WORDS[lang]
    course.page.set_viewport_size(SIZES[size])
    course.open(storage=False)
    course.launch(LEARNER if lang == "en" else LEARNER_VI)
    course.wait_for("/path")
    up_next = course.tool.get_by_test_id("up-next")
    start = up_next.get_by_role("link", name=words["start"])
    expect(start).to_be_visible()
    expect(up_next.get_by_test_id("reason")).not_to_be_empty()
    expect(course.tool.get_by_test_id("goal-summary")).to_be_visible()
    expect(course.tool.get_by_test_id("mastery").first).to_be_visible()
    snapshot_tool(course, f"my-path-{size}", lang)

    course.follow(start, "/path/steps/search-basics")
    course.follow(course.tool.get_by_role("button", name=words["done"]), "/path")
    course.follow(
        course.tool.locator('li[data-step="search-queries"] a'), "/path/steps/search-queries"
    )
    course.follow(course.tool.get_by_role("button", name=words["done"]), "/path")
    folded = course.tool.locator("details.done-steps").first
    expect(folded.locator('li[data-step="search-basics"]')).to_be_hidden()
    folded.locator("summary").click()
    expect(folded.locator('li[data-step="search-basics"]')).to_be_visible()
    snapshot_tool(course, f"my-path-progress-{size}", lang)

    course.follow(
        course.tool.get_by_test_id("up-next").get_by_role("link"), "/path/steps/check-search"
    )
    choose(course.tool.locator('input[name="q0"][value="0"]'))
    course.follow(
        course.tool.get_by_role("button", name=words["check"]),
        "/path/steps/check-search/checkpoint",
    )
    expect(course.tool.get_by_test_id("verdict")).to_be_visible()
    snapshot_tool(course, f"checkpoint-result-{size}", lang)


def launch_vietnamese_teacher(course: CourseInTheLms) -> None:
    """The demo LMS offers its Vietnamese-speaking teacher only a deep-linking launch; this
    one opens the Vietnamese activity itself, as an LMS does when a teacher clicks on it."""
    button = course.page.get_by_role("button", name=DEEP_LINK_VI, exact=True)
    button.evaluate("b => { b.form.querySelector('[name=lti_message_hint]').value = 'resource'; }")
    button.click()


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_the_class_heat_map_in_both_languages(course: CourseInTheLms, lang: str):
    seed_class(course.sites, (ACTIVITY if lang == "en" else ACTIVITY_VI)["resource_link_id"])
    course.page.set_viewport_size(SIZES["laptop"])
    course.open(storage=False)
    if lang == "en":
        course.launch(TEACHER)
    else:
        launch_vietnamese_teacher(course)
    course.wait_for("/teach")
    expect(course.tool.locator("div.map[role=region] tbody tr")).to_have_count(30)
    snapshot_tool(course, "heat-map-laptop", lang, shot_height=1045)
