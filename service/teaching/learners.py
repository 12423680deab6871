"""A teacher's page about one learner of the activity: their path, checkpoint answers,
time, mastery per skill and where their score stands with the gradebook."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from lti.grade_status import sync_status_for
from paths.enrollment import Assignment, Enrollment
from paths.errors import NotFound
from paths.learner_report import learner_report
from paths.people import LEARNER, Membership, User
from paths.skill_names import skill_names
from service.clock import now
from service.extensions import db_session
from service.learner.context import current_activity
from service.learner.estimates import learner_model
from service.teaching import charts
from service.teaching.dashboard import current_assignment

bp = Blueprint("class_learners", __name__, url_prefix="/teach")


def _not_in_class() -> NotFound:
    return NotFound("That learner is not in this activity.", code="not_in_activity")


def learner_of_class(
    assignment: Assignment, course_id: int | None, user_id: int
) -> tuple[User, Enrollment | None]:
    """The learner if they are in this activity's class (enrolled on it, or a learner of
    its course who has not opened it yet); anyone else is not found, as on the dashboard."""
    user = db_session().get(User, user_id)
    if user is None:
        raise _not_in_class()
    enrollment = (
        db_session()
        .scalars(
            select(Enrollment).where(
                Enrollment.assignment_id == assignment.id, Enrollment.user_id == user.id
            )
        )
        .first()
    )
    if enrollment is None and not _learner_of_course(course_id, user.id):
        raise _not_in_class()
    return user, enrollment


def _learner_of_course(course_id: int | None, user_id: int) -> bool:
    if course_id is None:
        return False
    return (
        db_session()
        .scalars(
            select(Membership.id).where(
                Membership.course_id == course_id,
                Membership.user_id == user_id,
                Membership.role == LEARNER,
            )
        )
        .first()
        is not None
    )


@bp.get("/learners/<int:user_id>")
def learner(user_id: int) -> str:
    assignment = current_assignment()
    user, enrollment = learner_of_class(assignment, current_activity().course_id, user_id)
    report = sync = None
    if enrollment is not None:
        report = learner_report(db_session(), enrollment, learner_model(enrollment), now())
        sync = sync_status_for(db_session(), [enrollment.id])[enrollment.id]
    db_session().commit()
    names = skill_names(db_session(), assignment.version)
    mastery_charts = (
        {
            skill: charts.mastery_over_time(names[skill], points)
            for skill, points in report.history.items()
        }
        if report
        else {}
    )
    return render_template(
        "teaching/learner.html",
        learner=user,
        report=report,
        sync=sync,
        assignment=assignment,
        enrollment=enrollment,
        mastery_charts=mastery_charts,
        skill_names=names,
    )
