"""`flask demo seed` gives each demo activity a class of thirty with varied progress, once."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from lti.rosters import class_members
from paths.dashboard import class_view
from paths.enrollment import assignment_for_activity
from paths.people import Activity, User
from service.clock import now
from service.demo import lms
from service.demo.classroom import ENGLISH_CLASS, VIETNAMESE_CLASS

EXPECTED = {"done": 4, "stuck": 5, "behind": 5, "not_started": 6, "on_track": 10}


def _seed(app) -> str:
    result = app.test_cli_runner().invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    return result.output


def _class_of(session, activity: dict[str, str]):
    place = session.scalars(
        select(Activity).where(Activity.resource_link_id == activity["resource_link_id"])
    ).one()
    assignment = assignment_for_activity(session, place.id)
    return class_view(
        session, assignment, class_members(session, place.course_id, assignment), now()
    )


def test_each_demo_activity_has_a_class_of_thirty_with_varied_progress(app, session):
    assert "60 learners" in _seed(app)
    for activity, names in ((lms.ACTIVITY, ENGLISH_CLASS), (lms.ACTIVITY_VI, VIETNAMESE_CLASS)):
        view = _class_of(session, activity)
        assert sorted(r.member.name for r in view.rows) == sorted(names)
        assert Counter(r.status for r in view.rows) == EXPECTED
        assert view.rows[0].status == "stuck"  # the dashboard opens on who needs help


def test_seeding_again_adds_nobody(app, session):
    _seed(app)
    users = session.scalar(select(func.count()).select_from(User))
    assert "learners" not in _seed(app)
    assert session.scalar(select(func.count()).select_from(User)) == users
    assert Counter(r.status for r in _class_of(session, lms.ACTIVITY).rows) == EXPECTED


def test_the_vietnamese_class_has_its_own_course(app, session):
    _seed(app)
    english, vietnamese = (
        session.scalars(select(Activity).where(Activity.resource_link_id == a["resource_link_id"]))
        .one()
        .course_id
        for a in (lms.ACTIVITY, lms.ACTIVITY_VI)
    )
    assert english != vietnamese
    assert lms.PEOPLE["teacher-vi"].context_id == lms.COURSE_VI["context_id"]
