"""Teachers find, preview, add and copy open-library paths from the demo LMS, in English
and Vietnamese; the library's public pages work in a browser on a phone and a desktop."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.lms import (
    ARTIFACTS,
    DEEP_LINK,
    DEEP_LINK_VI,
    TEACHER,
    CourseInTheLms,
    check_page,
    choose,
    full_page_screenshot,
)

RETURNED = "The LMS received Selfpath's content selection."


def test_a_teacher_searches_previews_and_adds_a_library_path(course: CourseInTheLms):
    course.open(storage=False)
    course.launch(DEEP_LINK)
    course.wait_for("/teach/deep-link")
    expect(course.tool.get_by_role("group", name="From the open library")).to_contain_text(
        "Staying safe online"
    )
    course.check_tool_page("library-deep-linking", "en")
    course.tool.get_by_label("Search the open library").fill("fractions")
    course.follow(course.tool.get_by_role("button", name="Search"), "/teach/deep-link")
    results = course.tool.get_by_role("group", name="From the open library")
    expect(results).to_contain_text("Fractions, decimals and percentages")
    expect(results).not_to_contain_text("Staying safe online")
    course.check_tool_page("library-search-results", "en")
    course.follow(
        course.tool.get_by_role("link", name="Preview “Fractions, decimals and percentages”"),
        "/teach/library/*",
    )
    expect(course.tool.get_by_role("heading", level=1)).to_have_text(
        "Fractions, decimals and percentages"
    )
    course.check_tool_page("library-preview", "en")
    course.tool.get_by_role("button", name="Add to the course").click()
    expect(course.tool.locator("main")).to_contain_text(RETURNED)


def test_a_vietnamese_teacher_finds_a_path_without_diacritics_and_copies_it(course: CourseInTheLms):
    course.open(storage=False)
    course.launch(DEEP_LINK_VI)
    course.wait_for("/teach/deep-link")
    course.check_tool_page("library-deep-linking", "vi")
    course.tool.get_by_label("Tìm trong thư viện mở").fill("quang hop")
    course.follow(course.tool.get_by_role("button", name="Tìm", exact=True), "/teach/deep-link")
    results = course.tool.get_by_role("group", name="Từ thư viện mở")
    expect(results).to_contain_text("Quang hợp ở thực vật")
    course.follow(
        course.tool.get_by_role("link", name="Xem trước “Quang hợp ở thực vật”"),
        "/teach/library/*",
    )
    course.check_tool_page("library-preview", "vi")
    course.follow(
        course.tool.get_by_role("button", name="Sao chép vào khóa học này"), "/teach/paths/*"
    )
    expect(course.tool.locator("main")).to_contain_text("Phỏng theo")
    expect(course.tool.locator("main")).to_contain_text("Thư viện khởi đầu Selfpath")
    course.check_tool_page("library-copy", "vi")


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_public_library_pages(chromium: Browser, demo, lang, width):
    context = chromium.new_context(
        ignore_https_errors=True, viewport={"width": width, "height": 800}
    )
    page = context.new_page()
    try:
        page.goto(f"{demo.tool}/library?hl={lang}")
        check_page(page.main_frame, lang)
        full_page_screenshot(page, ARTIFACTS / f"library-{lang}-{width}.png")
        page.get_by_label(
            "Tìm trong thư viện mở" if lang == "vi" else "Search the open library"
        ).fill("KỸ NĂNG SỐ")
        page.get_by_role("button", name="Tìm" if lang == "vi" else "Search", exact=True).click()
        page.wait_for_url("**/library?**")
        page.get_by_role("link", name="Kỹ năng số và an toàn thông tin").click()
        page.wait_for_url("**/library/*")
        assert (
            page.get_by_role("heading", level=1).inner_text() == "Kỹ năng số và an toàn thông tin"
        )
        check_page(page.main_frame, lang)
        full_page_screenshot(page, ARTIFACTS / f"library-entry-{lang}-{width}.png")
    finally:
        context.close()


def test_a_teacher_copies_a_library_path_from_authoring(course: CourseInTheLms):
    course.open(storage=False)
    course.launch(TEACHER)
    course.wait_for("/teach")
    course.follow(
        course.tool.get_by_role(
            "link", name="Create, edit, copy, import and export this course's paths"
        ),
        "/teach/paths",
    )
    course.follow(course.tool.get_by_role("link", name="Search the open library"), "/teach/library")
    course.check_tool_page("library-teacher-search", "en")
    course.follow(
        course.tool.get_by_role("button", name="Copy into this course: Staying safe online"),
        "/teach/paths/*",
    )
    expect(course.tool.locator("main")).to_contain_text("Adapted from")
    course.check_tool_page("library-copy", "en")


def test_a_vietnamese_teacher_adds_two_library_paths(course: CourseInTheLms):
    course.open(storage=False)
    course.launch(DEEP_LINK_VI)
    course.wait_for("/teach/deep-link")
    choose(course.tool.get_by_role("checkbox", name="Quang hợp ở thực vật"))
    choose(
        course.tool.get_by_role(
            "checkbox", name="Tự học hiệu quả: lập kế hoạch, ôn tập giãn cách, tự kiểm tra"
        )
    )
    course.tool.get_by_role("button", name="Thêm vào khóa học").click()
    expect(course.tool.locator("main")).to_contain_text(RETURNED)
