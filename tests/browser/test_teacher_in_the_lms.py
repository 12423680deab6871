"""A teacher works with Selfpath from the demo LMS's course page."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.lms import DEEP_LINK, TEACHER, CourseInTheLms, choose


def test_teacher_assigns_a_path_from_the_lms_page(course: CourseInTheLms):
    course.open(storage=False)
    course.launch(TEACHER)
    course.wait_for("/teach")
    expect(course.tool.get_by_test_id("assigned")).to_contain_text(
        "Digital skills for lifelong learners"
    )
    course.check_tool_page("teacher-activity", "en")
    choose(course.tool.get_by_role("radio", name="Kỹ năng số cho người học suốt đời"))
    course.follow(course.tool.get_by_role("button", name="Assign this path"), "/teach")
    expect(course.tool.get_by_role("status")).to_contain_text("The path is assigned")
    expect(course.tool.get_by_test_id("assigned")).to_contain_text(
        "Kỹ năng số cho người học suốt đời"
    )


def test_teacher_deep_links_a_path_and_sees_the_dashboard(course: CourseInTheLms):
    course.open(storage=False)
    course.launch(DEEP_LINK)
    course.wait_for("/teach/deep-link")
    course.check_tool_page("deep-linking-selection", "en")
    choose(course.tool.get_by_role("checkbox", name="Digital skills for lifelong learners"))
    course.tool.get_by_role("button", name="Add to the course").click()
    expect(course.tool.locator("main")).to_contain_text(
        "The LMS received Selfpath's content selection."
    )
    course.launch(TEACHER)
    course.wait_for("/teach")
    expect(course.tool.get_by_role("heading", name="Your class")).to_be_visible()
    course.check_tool_page("teacher-dashboard", "en")
