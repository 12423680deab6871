"""A teacher's activity page: the path assigned to it, and choosing one."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from marshmallow import Schema, fields

from paths.catalog_queries import latest_version, paths_for_course
from paths.enrollment import assign, assignment_for_activity
from paths.errors import Forbidden, NotFound
from paths.people import TEACHER
from service.clock import now
from service.extensions import db_session
from service.forms import load_form
from service.learner.context import current_activity, current_user

bp = Blueprint("teaching", __name__, url_prefix="/teach")


class AssignForm(Schema):
    path_id = fields.Integer(required=True)


def require_teacher() -> None:
    current_user()
    if session.get("role") != TEACHER:
        raise Forbidden("Only the course's teachers can do this.", code="teachers_only")


@bp.get("")
def activity() -> str:
    require_teacher()
    place = current_activity()
    assignment = assignment_for_activity(db_session(), place.id)
    choices = paths_for_course(db_session(), session["tenant_id"], place.course_id)
    db_session().commit()
    return render_template("teaching/activity.html", activity=place, assignment=assignment,
                           choices=choices)


@bp.post("/assign")
def choose_path() -> ResponseReturnValue:
    require_teacher()
    place = current_activity()
    path_id = load_form(AssignForm())["path_id"]
    allowed = {p.id: p for p in paths_for_course(db_session(), session["tenant_id"],
                                                   place.course_id)}
    if path_id not in allowed:
        raise NotFound("That path is not available to this course.", code="path_not_available")
    version = latest_version(db_session(), path_id)
    assign(db_session(), place.id, version, assigned_by=session["user_id"], now=now())
    db_session().commit()
    flash(_("The path is assigned. Learners who open this activity will see it."))
    return redirect(url_for("teaching.activity"), code=303)
