"""Every launch order a course produces succeeds and leaves one row per person, course,
activity, membership and gradebook endpoint: whoever comes first, on whichever link, with
whatever claims, and when two browsers of one person launch at the same moment."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.functional.launch_steps import (
    Step,
    assert_provisioned,
    run,
    steps,
)

S = Step
ORDERS = {
    "a learner first on a new link": [S("lan", ags=True)],
    "a teacher first on a new link": [
        S("hoa", role="teacher", ags=True, nrps=True),
        S("lan", ags=True),
    ],
    "teacher and learner on one link, then the learner on a new link": [
        S("hoa", role="teacher", ags=True),
        S("lan", ags=True),
        S("lan", link="link-2", ags=True),
    ],
    "a known learner on a new link without a gradebook": [
        S("lan"),
        S("lan", link="link-2"),
        S("minh", link="link-2"),
    ],
    "the gradebook claim appears on a later launch": [
        S("lan"),
        S("hoa", role="teacher"),
        S("lan", ags=True),
        S("hoa", role="teacher", ags=True),
    ],
    "the roster claim appears on a later teacher launch": [
        S("hoa", role="teacher"),
        S("hoa", role="teacher", nrps=True),
    ],
    "learner, then teaching assistant, then learner again": [
        S("lan"),
        S("lan", role="assistant", ags=True),
        S("lan", ags=True),
    ],
    "a new course for people already known": [
        S("hoa", role="teacher"),
        S("lan"),
        S("lan", course="course-2", link="link-2", ags=True),
    ],
    "a second course with the same users": [
        S("hoa", role="teacher", nrps=True),
        S("lan"),
        S("minh", role="mentor"),
        S("hoa", course="course-2", link="link-2", role="teacher", nrps=True, ags=True),
        S("lan", course="course-2", link="link-2", ags=True),
        S("minh", course="course-2", link="link-2", role="learner"),
    ],
    "a launch without a course, then with one": [
        S("lan", course=None, ags=True),
        S("lan"),
        S("lan", course=None, link="link-2"),
    ],
    "a deep-linking request first in a new course": [
        S("hoa", link=None, role="teacher", nrps=True),
        S("hoa", role="teacher", ags=True),
        S("lan", ags=True),
    ],
    "a deep-linking request without a course": [
        S("hoa", course=None, link=None, role="assistant"),
        S("lan"),
    ],
    "a site administrator first on a new link": [
        S("hoa", role="site admin", ags=True),
        S("lan", ags=True),
    ],
}


@pytest.mark.parametrize("steps", ORDERS.values(), ids=ORDERS.keys())
def test_every_launch_order_succeeds_with_one_row_each(browser, platform, session, steps):
    run(browser, platform, steps)
    assert_provisioned(session, steps)


@hypothesis_settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sequence=st.lists(steps(), min_size=1, max_size=7))
def test_any_sequence_of_launches_succeeds_with_one_row_each(
    app, browser, platform, session, sequence
):
    from service.rate_limits import EXTENSION as RATE_LIMITS
    from tests.conftest import empty_tables

    # Each example starts from a registered platform and nothing else, as the test does.
    session.rollback()
    empty_tables(session)
    platform.register(session)
    session.commit()
    app.extensions[RATE_LIMITS].reset()
    run(browser, platform, sequence)
    assert_provisioned(session, sequence)
