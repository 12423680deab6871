"""The test factories make the rows a teacher's and a learner's actions would leave."""

import pytest
from sqlalchemy import select

from lti.models import Deployment
from paths.enrollment import MASTERY, Assignment
from paths.progress import COMPLETED, ProgressEvent, derive, events_of
from tests import factories


def test_an_enrollment_brings_its_learner_activity_course_school_and_the_demo_path(session):
    enrollment = factories.EnrollmentFactory(grading=MASTERY)
    assignment = session.get(Assignment, enrollment.assignment_id)
    activity = assignment.activity_id
    assert assignment.grading == MASTERY
    assert [s.key for s in assignment.version.steps][:2] == ["search-basics", "search-queries"]
    assert assignment.version.path.tenant_id is not None
    assert session.scalars(select(Assignment.id).where(Assignment.activity_id == activity)).one()


def test_a_second_learner_on_the_same_activity_shares_its_assignment(session):
    first = factories.EnrollmentFactory()
    activity = factories.ActivityFactory._meta.model
    row = session.scalars(select(activity)).one()
    second = factories.EnrollmentFactory(activity=row)
    assert second.assignment_id == first.assignment_id and second.user_id != first.user_id


def test_an_activity_belongs_to_its_courses_school(session):
    course = factories.CourseFactory()
    activity = factories.ActivityFactory(course=course)
    assert (activity.course_id, activity.tenant_id) == (course.id, course.tenant_id)


def test_progress_events_are_what_the_learner_did(session):
    event = factories.ProgressEventFactory(step_key="search-queries")
    assert (event.kind, event.once_key) == (COMPLETED, "completed:search-queries")
    state = derive(events_of(session, [event.enrollment_id]))
    assert state.finished == {"search-queries"}
    assert session.scalars(select(ProgressEvent.step_key)).all() == ["search-queries"]


def test_a_deployment_points_to_its_school_and_its_lms(session):
    deployment = factories.DeploymentFactory(deployment_id="d-1")
    row = session.scalars(select(Deployment)).one()
    assert (row.deployment_id, row.platform.issuer) == ("d-1", deployment.platform.issuer)
    assert row.platform.auth_token_url == f"{row.platform.issuer}/token"


def test_versions_and_enrollments_are_only_created_not_built(session):
    with pytest.raises(TypeError, match="published"):
        factories.PathVersionFactory.build()
    with pytest.raises(TypeError, match="use create"):
        factories.EnrollmentFactory.build()


def test_without_a_bound_session_the_factories_say_so():
    with pytest.raises(RuntimeError, match="bind a session"):
        factories.UserFactory()
