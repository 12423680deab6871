"""Who is studying: the learner, activity and enrollment bound to the browser session."""

from __future__ import annotations

from dataclasses import dataclass

from flask import session

from paths.enrollment import AssignmentFacts, EnrollmentFacts, enroll, learner_on_activity
from paths.errors import Forbidden, NotFound
from paths.people import Activity, User
from service.clock import now
from service.extensions import db_session


class SessionMissing(Forbidden):
    code = "session_missing"


@dataclass(frozen=True)
class Studying:
    user_id: int
    activity_id: int
    assignment: AssignmentFacts
    enrollment: EnrollmentFacts  # its values; on a first visit, the row just created


def current_user() -> User:
    user_id = session.get("user_id")
    user = db_session().get(User, user_id) if user_id else None
    if user is None:
        raise _session_missing()
    return user


def current_activity() -> Activity:
    current_user()
    activity_id = session.get("activity_id")
    activity = db_session().get(Activity, activity_id) if activity_id else None
    if activity is None:
        raise _no_activity()
    return activity


def _session_missing() -> SessionMissing:
    return SessionMissing(
        "Your Selfpath session has ended. Open the activity again from your course in the LMS."
    )


def _no_activity() -> NotFound:
    return NotFound("Open Selfpath from an activity in your course.")


def current_studying() -> Studying:
    """The learner's enrollment on the activity they launched (created on first visit):
    one statement for a returning learner."""
    user_id = session.get("user_id")
    found = (
        learner_on_activity(db_session(), user_id, session.get("activity_id")) if user_id else None
    )
    if found is None or found.user_id is None:
        raise _session_missing()
    if found.activity_id is None:
        raise _no_activity()
    if found.assignment is None:
        raise NotFound(
            "Your teacher has not chosen a path for this activity yet.", code="no_path_yet"
        )
    enrollment = found.enrollment or enroll(db_session(), found.assignment, found.user_id, now())
    return Studying(
        user_id=found.user_id,
        activity_id=found.activity_id,
        assignment=found.assignment,
        enrollment=enrollment,
    )
