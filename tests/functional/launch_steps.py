"""Launches taken apart into steps, run in a chosen order, and what they must leave."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import func, select

from lti import claims
from lti.models import AgsEndpoint, CourseRoster
from paths.people import Activity, Course, Membership, User
from service.demo.platform import LaunchContext
from tests.platform import DROP

_MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership"


# The roles claim a platform sends, and what Selfpath makes of it in the course.
ROLES = {
    "learner": ([_MEMBERSHIP + "#Learner"], "learner"),
    "teacher": ([_MEMBERSHIP + "#Instructor"], "teacher"),
    "assistant": ([_MEMBERSHIP + "/Instructor#TeachingAssistant"], "teacher"),
    "mentor": ([_MEMBERSHIP + "#Mentor"], "learner"),
    "site admin": (["http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator"], "admin"),
}


TEACHING = ("teacher", "assistant")


PEOPLE = ("lan", "minh", "hoa")


COURSES = ("course-1", "course-2")


LINKS = ("link-1", "link-2", "link-3")


@dataclass(frozen=True)
class Step:
    """One launch: who, from which course (None: no context claim), on which link (None:
    a deep-linking request, which has no resource link), as what, with which services."""

    who: str
    course: str | None = "course-1"
    link: str | None = "link-1"
    role: str = "learner"
    ags: bool = False
    nrps: bool = False

    def __str__(self) -> str:
        services = "+ags" * self.ags + "+nrps" * self.nrps
        return f"{self.who}/{self.role}@{self.course}:{self.link or 'deep-link'}{services}"


def launch_claims(platform: Any, step: Step) -> tuple[LaunchContext, str, dict[str, Any]]:
    who = LaunchContext(
        subject=step.who,
        role=step.role,
        name=step.who.title(),
        email=f"{step.who}@school.invalid",
        context_id=step.course or "",
        context_title=f"{step.course} title",
        resource_link_id=step.link or "",
        resource_link_title=f"{step.link}",
    )
    message = claims.RESOURCE_LINK_REQUEST if step.link else claims.DEEP_LINKING_REQUEST
    extra: dict[str, Any] = {claims.ROLES: ROLES[step.role][0]}
    if step.course is None:
        extra[claims.CONTEXT] = DROP
    if step.ags:
        extra[claims.AGS_ENDPOINT] = {
            "scope": ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
            "lineitems": f"{platform.issuer}/{step.course}/lineitems",
            "lineitem": f"{platform.issuer}/{step.course}/lineitems/{step.link}",
        }
    if step.nrps:
        extra[claims.NRPS] = {
            "context_memberships_url": f"{platform.issuer}/{step.course}/memberships",
            "service_versions": ["2.0"],
        }
    return who, message, extra


def run(browser: Any, platform: Any, steps: list[Step]) -> None:
    for number, step in enumerate(steps):
        who, message, extra = launch_claims(platform, step)
        response = browser.launch(platform, who, message_type=message, **extra)
        assert response.status_code in (200, 303), (
            f"launch {number} ({step}) of {[str(s) for s in steps]}: "
            f"{response.status_code} {response.get_data(as_text=True)[:500]}"
        )


@dataclass
class Expected:
    """What the launches should leave behind, worked out from the steps alone."""

    users: set[str]
    courses: set[str]
    activities: dict[str, str | None]  # link -> the course of its latest launch with one
    memberships: dict[tuple[str, str], str]  # (person, course) -> role of the latest launch
    endpoints: set[str]  # links launched with an AGS claim
    rosters: set[str]  # courses a teacher launched with an NRPS claim

    @classmethod
    def of(cls, steps: list[Step]) -> Expected:
        expected = cls(set(), set(), {}, {}, set(), set())
        for step in steps:
            expected.users.add(step.who)
            if step.course:
                expected.courses.add(step.course)
                expected.memberships[(step.who, step.course)] = ROLES[step.role][1]
                if step.nrps and ROLES[step.role][1] == "teacher":
                    expected.rosters.add(step.course)
            if step.link:
                known = expected.activities.get(step.link)
                expected.activities[step.link] = step.course or known
                if step.ags:
                    expected.endpoints.add(step.link)
        return expected


def stored(session: Any) -> Expected:
    session.expire_all()
    memberships = session.execute(
        select(User.subject, Course.context_id, Membership.role)
        .join(User, User.id == Membership.user_id)
        .join(Course, Course.id == Membership.course_id)
    ).all()
    activities = session.execute(
        select(Activity.resource_link_id, Course.context_id).outerjoin(
            Course, Course.id == Activity.course_id
        )
    )
    return Expected(
        users=set(session.scalars(select(User.subject))),
        courses=set(session.scalars(select(Course.context_id))),
        activities=dict(activities.tuples().all()),
        memberships={(who, course): role for who, course, role in memberships},
        endpoints=set(
            session.scalars(
                select(Activity.resource_link_id).join(
                    AgsEndpoint, AgsEndpoint.activity_id == Activity.id
                )
            )
        ),
        rosters=set(
            session.scalars(
                select(Course.context_id).join(CourseRoster, CourseRoster.course_id == Course.id)
            )
        ),
    )


NATURAL_KEYS = [
    (User, (User.issuer, User.subject)),
    (Course, (Course.tenant_id, Course.context_id)),
    (Activity, (Activity.tenant_id, Activity.resource_link_id)),
    (Membership, (Membership.user_id, Membership.course_id)),
    (AgsEndpoint, (AgsEndpoint.activity_id,)),
    (CourseRoster, (CourseRoster.course_id,)),
]


def duplicates(session: Any) -> dict[str, int]:
    """Natural keys held by more than one row, per table."""
    found = {}
    for model, key in NATURAL_KEYS:
        repeated = session.scalar(
            select(func.count()).select_from(
                select(*key).group_by(*key).having(func.count() > 1).subquery()
            )
        )
        if repeated:
            found[model.__tablename__] = repeated
    return found


def assert_provisioned(session: Any, steps: list[Step]) -> None:
    assert duplicates(session) == {}
    assert stored(session) == Expected.of(steps), [str(s) for s in steps]


def steps() -> st.SearchStrategy[Step]:
    """Any launch a course may produce; a deep-linking request comes from a teaching role
    (Selfpath refuses one from a learner with a 403, after recording the launch)."""
    resource_link = st.builds(
        Step,
        who=st.sampled_from(PEOPLE),
        course=st.sampled_from((None, *COURSES)),
        link=st.sampled_from(LINKS),
        role=st.sampled_from(tuple(ROLES)),
        ags=st.booleans(),
        nrps=st.booleans(),
    )
    deep_linking = st.builds(
        Step,
        who=st.sampled_from(PEOPLE),
        course=st.sampled_from((None, *COURSES)),
        link=st.none(),
        role=st.sampled_from(TEACHING),
        ags=st.just(False),
        nrps=st.booleans(),
    )
    return st.one_of(resource_link, resource_link, deep_linking)


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
