"""A teacher reads the class heat map, the charts and one learner's page, on a phone and on
a laptop screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from service.demo.lms import ACTIVITY
from tests.browser.conftest import Sites
from tests.browser.demo_class import seed_class
from tests.browser.lms import TEACHER, CourseInTheLms

LAPTOP = {"width": 1280, "height": 900}


@pytest.fixture
def class_of_thirty(demo: Sites) -> dict[str, int]:
    return seed_class(demo, ACTIVITY["resource_link_id"])


def test_teacher_reads_the_heat_map_and_a_learners_page(
    course: CourseInTheLms, class_of_thirty: dict[str, int]
):
    course.open(storage=False)
    course.launch(TEACHER)
    course.wait_for("/teach")
    heat_map = course.tool.get_by_role("region", name="Heat map: each learner’s steps")
    expect(heat_map).to_be_visible()
    expect(heat_map.locator("tbody tr")).to_have_count(30)
    expect(course.tool.get_by_role("img", name="Learners by status")).to_be_visible()
    course.check_tool_page("class-heat-map-360", "en")
    course.page.set_viewport_size(LAPTOP)
    course.check_tool_page("class-heat-map-1280", "en")
    learner = class_of_thirty["Học sinh 05"]
    course.follow(heat_map.get_by_role("link", name="Học sinh 05"), f"/teach/learners/{learner}")
    expect(course.tool.get_by_role("heading", name="Học sinh 05")).to_be_visible()
    course.check_tool_page("learner-for-teacher-1280", "en")
    course.page.set_viewport_size({"width": 360, "height": 640})
    course.check_tool_page("learner-for-teacher-360", "en")
