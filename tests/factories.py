"""Rows for tests, made with factory_boy: a school (tenant), an LMS registration and its
deployment, people, courses, activities, published path versions, enrollments and progress
events. Each factory fills in whatever a test does not name, and makes the rows it needs
(an enrollment brings its learner, its activity in a course of a school, and the demo path
placed on it). Path versions, assignments and enrollments go through the domain's own
functions, so they are what a teacher's and a learner's actions would leave.

Bind a session first (`bound_to(session)`; the `factories` fixture does it for a test):

    enrollment = factories.EnrollmentFactory(grading="mastery")
    factories.ProgressEventFactory(enrollment=enrollment, kind="completed", step_key="s1")
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import factory
from factory.alchemy import SQLAlchemyModelFactory
from sqlalchemy.orm import Session

from lti.models import Deployment, Platform
from paths.authoring import PathDraft, create_path
from paths.catalog import PathVersion
from paths.db import utcnow
from paths.enrollment import COMPLETION, Enrollment, assign, assignment_for_activity, enroll
from paths.people import Activity, Course, Tenant, User
from paths.progress import COMPLETED, ONCE_KINDS, ProgressEvent
from service.path_json import load_path

DEMO = Path(__file__).resolve().parent.parent / "service/demo/content/digital_skills.en.json"


class _Bound:
    session: Session | None = None


def _session() -> Session:
    if _Bound.session is None:
        raise RuntimeError("bind a session to the factories first (the `factories` fixture)")
    return _Bound.session


@contextmanager
def bound_to(session: Session) -> Iterator[Session]:
    """The factories add their rows to `session` (and flush) while this lasts."""
    previous, _Bound.session = _Bound.session, session
    try:
        yield session
    finally:
        _Bound.session = previous


def demo_draft() -> PathDraft:
    """The demo path (eight steps on searching the web, two checkpoints), as a draft."""
    return load_path(json.loads(DEMO.read_text()))


class _Factory(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = _session
        sqlalchemy_session_persistence = "flush"


class TenantFactory(_Factory):
    class Meta:
        model = Tenant

    name = factory.Sequence(lambda n: f"School {n}")


class PlatformFactory(_Factory):
    """An LMS registration, as an admin enters it (no key server behind it: for launches,
    use the `platform` fixture, whose LMS signs real tokens)."""

    class Meta:
        model = Platform

    name = factory.Sequence(lambda n: f"LMS {n}")
    issuer = factory.Sequence(lambda n: f"https://lms{n}.school.invalid")
    client_id = factory.Sequence(lambda n: f"client-{n}")
    auth_login_url = factory.LazyAttribute(lambda o: f"{o.issuer}/auth")
    auth_token_url = factory.LazyAttribute(lambda o: f"{o.issuer}/token")
    key_set_url = factory.LazyAttribute(lambda o: f"{o.issuer}/jwks")


class DeploymentFactory(_Factory):
    class Meta:
        model = Deployment
        exclude = ("platform", "tenant")

    platform = factory.SubFactory(PlatformFactory)
    tenant = factory.SubFactory(TenantFactory)
    platform_id = factory.SelfAttribute("platform.id")
    tenant_id = factory.SelfAttribute("tenant.id")
    deployment_id = factory.Sequence(lambda n: f"deployment-{n}")


class UserFactory(_Factory):
    class Meta:
        model = User

    issuer = "https://lms.school.invalid"
    subject = factory.Sequence(lambda n: f"learner-{n}")
    name = factory.Sequence(lambda n: f"Learner {n}")


class CourseFactory(_Factory):
    class Meta:
        model = Course
        exclude = ("tenant",)

    tenant = factory.SubFactory(TenantFactory)
    tenant_id = factory.SelfAttribute("tenant.id")
    context_id = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Biology {n}")


class ActivityFactory(_Factory):
    """A Selfpath link in a course; its school is the course's."""

    class Meta:
        model = Activity
        exclude = ("course",)

    course = factory.SubFactory(CourseFactory)
    course_id = factory.SelfAttribute("course.id")
    tenant_id = factory.SelfAttribute("course.tenant_id")
    resource_link_id = factory.Sequence(lambda n: f"link-{n}")
    title = "Searching the web"


class PathVersionFactory(factory.Factory):
    """A path with its first published version, created as a teacher's upload creates it
    (`draft` defaults to the demo path; no school: a library template's)."""

    class Meta:
        model = PathVersion

    draft = factory.LazyFunction(demo_draft)
    tenant_id: Any = None
    course_id: Any = None
    owner_id: Any = None
    now = factory.LazyFunction(utcnow)

    @classmethod
    def _create(cls, model_class: type, *args: Any, **values: Any) -> PathVersion:
        draft, now = values.pop("draft"), values.pop("now")
        return create_path(_session(), draft, now=now, **values)

    @classmethod
    def _build(cls, model_class: type, *args: Any, **values: Any) -> PathVersion:
        raise TypeError("a path version exists only once published: use create()")


class EnrollmentFactory(factory.Factory):
    """A learner enrolled on an activity with a path placed on it (the demo path on a new
    activity unless `activity` and `version` are given; the activity's path stays if it
    has one)."""

    class Meta:
        model = Enrollment

    activity = factory.SubFactory(ActivityFactory)
    user = factory.SubFactory(UserFactory)
    version = factory.SubFactory(
        PathVersionFactory, tenant_id=factory.SelfAttribute("..activity.tenant_id")
    )
    grading = COMPLETION
    now = factory.LazyFunction(utcnow)

    @classmethod
    def _create(cls, model_class: type, *args: Any, **values: Any) -> Enrollment:
        session, now = _session(), values["now"]
        activity: Activity = values["activity"]
        assignment = assignment_for_activity(session, activity.id) or assign(
            session,
            activity.id,
            values["version"],
            assigned_by=None,
            grading=values["grading"],
            now=now,
        )
        return enroll(session, assignment, values["user"].id, now)

    @classmethod
    def _build(cls, model_class: type, *args: Any, **values: Any) -> Enrollment:
        raise TypeError("an enrollment is made by enrolling: use create()")


class ProgressEventFactory(_Factory):
    """One event of a learner's progress, as recorded (by default: a step completed)."""

    class Meta:
        model = ProgressEvent
        exclude = ("enrollment",)

    enrollment = factory.SubFactory(EnrollmentFactory)
    enrollment_id = factory.SelfAttribute("enrollment.id")
    kind = COMPLETED
    step_key = "search-basics"
    payload = factory.LazyFunction(dict)
    once_key = factory.LazyAttribute(
        lambda o: f"{o.kind}:{o.step_key or ''}" if o.kind in ONCE_KINDS else None
    )
    at: Any = factory.LazyFunction(utcnow)


__all__ = [
    "ActivityFactory",
    "CourseFactory",
    "DeploymentFactory",
    "EnrollmentFactory",
    "PathVersionFactory",
    "PlatformFactory",
    "ProgressEventFactory",
    "TenantFactory",
    "UserFactory",
    "bound_to",
    "demo_draft",
]
