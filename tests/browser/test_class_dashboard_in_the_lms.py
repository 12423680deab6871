"""A teacher reads the class heat map, the charts and one learner's page, on a phone and on
a laptop screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from paths.enrollment import assignment_for_activity, enroll
from paths.people import Activity, Membership, User
from paths.study import checkpoints, completion
from service.clock import now
from service.demo.lms import ACTIVITY
from service.extensions import db
from tests.browser.conftest import Sites
from tests.browser.lms import TEACHER, CourseInTheLms

FIRST_STEPS = ("search-basics", "search-queries")
WRONG, RIGHT = {0: "0", 1: "1", 2: "x"}, {0: "1", 1: "0", 2: "SERP"}
LAPTOP = {"width": 1280, "height": 900}


@pytest.fixture
def class_of_thirty(demo: Sites) -> dict[str, int]:
    """Thirty learners on the demo activity, some not started, some half way, some through
    a checkpoint: their user ids by name."""
    with demo.app.app_context():
        session = db.session
        activity = session.scalars(
            select(Activity).where(Activity.resource_link_id == ACTIVITY["resource_link_id"])
        ).one()
        assignment = assignment_for_activity(session, activity.id)
        assert assignment is not None
        at, ids = now() - timedelta(days=1), {}
        for n in range(30):
            user = User(
                issuer="https://demo.invalid", subject=f"learner-{n}", name=f"Học sinh {n:02d}"
            )
            session.add(user)
            session.flush()
            ids[user.name] = user.id
            session.add(Membership(user_id=user.id, course_id=activity.course_id, role="learner"))
            enrollment = enroll(session, assignment, user.id, at)
            for key in FIRST_STEPS[: n % 3]:
                completion.complete_step(session, enrollment, key, now=at)
            if n % 3 == 2:
                checkpoints.submit_checkpoint(
                    session, enrollment, "check-search", RIGHT if n % 2 else WRONG, now=at
                )
        session.commit()
        session.remove()
    return ids


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
