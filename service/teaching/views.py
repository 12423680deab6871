"""A teacher's activity page: the path assigned to it, and choosing one."""

from __future__ import annotations

from typing import NamedTuple

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from marshmallow import Schema, fields

from lti.grade_status import sync_status_for
from lti.models import CourseRoster
from lti.rosters import class_members
from paths.catalog_queries import latest_version, paths_for_course
from paths.class_summary import (
    ProgressBin,
    QuestionRate,
    progress_distribution,
    question_pass_rates,
    status_counts,
)
from paths.dashboard import ClassView, class_view
from paths.drafts import compare_versions
from paths.enrollment import (
    assign,
    assignment_for_activity,
    assignment_with_versions,
    learners_started,
)
from paths.errors import Forbidden, NotFound
from paths.people import TEACHER
from service.clock import now
from service.extensions import db_session
from service.forms import load_form
from service.input_limits import id_field, page_number
from service.learner.context import current_activity, current_user
from service.teaching import charts
from service.teaching.heat_map import HeatMap

bp = Blueprint("teaching", __name__, url_prefix="/teach")
PAGE_SIZE = 30  # learners per dashboard page: a 200-step heat map of 30 stays under 60 KB
ATTENTION_SHOWN = 10  # names in the "Needs attention" list; the heat map lists them all first
STATUS_RULES = {
    "stuck": lazy_gettext("Stuck: failed the same checkpoint at least twice in a row."),
    "behind": lazy_gettext(
        "Behind: no activity for 7 days, or more than 10 points below "
        "the pace the due date asks for."
    ),
    "not_started": lazy_gettext(
        "Not started: has not begun the path (including learners who never opened Selfpath)."
    ),
    "on_track": lazy_gettext("On track: studying at the pace the path needs."),
    "done": lazy_gettext("Done: every required step finished."),
}


class AssignForm(Schema):
    path_id = id_field(required=True)
    confirmed = fields.Boolean(load_default=False)


def require_teacher() -> None:
    current_user()
    if session.get("role") != TEACHER:
        raise Forbidden("Only the course's teachers can do this.", code="teachers_only")


@bp.get("")
def activity() -> str:
    require_teacher()
    place = current_activity()
    assignment = assignment_with_versions(db_session(), place.id)
    choices = paths_for_course(db_session(), session["tenant_id"], place.course_id)
    view, page, pages = None, 1, 1
    if assignment is not None:
        members = class_members(db_session(), place.course_id, assignment)
        view = class_view(db_session(), assignment, members, now())
        page, pages = _page(len(view.rows))
    shown = view.rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE] if view else ()
    sync = sync_status_for(db_session(), [r.enrollment_id for r in shown if r.enrollment_id])
    roster = db_session().get(CourseRoster, place.course_id) if place.course_id else None
    db_session().commit()
    return render_template(
        "teaching/activity.html",
        activity=place,
        assignment=assignment,
        choices=choices,
        view=view,
        page=page,
        pages=pages,
        shown=shown,
        sync=sync,
        roster=roster,
        rules=STATUS_RULES,
        attention_shown=ATTENTION_SHOWN,
        summary=class_summary(view) if view else None,
        charts=charts,
        heat_map_of=HeatMap,
    )


class ClassSummary(NamedTuple):
    counts: list[tuple[str, int]]
    bins: list[ProgressBin]
    rates: list[QuestionRate]


def class_summary(view: ClassView) -> ClassSummary:
    """What the class charts draw: the whole class, not only the page of learners shown."""
    return ClassSummary(status_counts(view), progress_distribution(view), question_pass_rates(view))


def _page(total: int) -> tuple[int, int]:
    pages = max(1, -(-total // PAGE_SIZE))
    return page_number(request.args.get("page", "1"), pages), pages


@bp.post("/assign")
def choose_path() -> ResponseReturnValue:
    """Assign a path; when learners have started the activity on another path or version,
    first show what changes for them and ask the teacher to confirm."""
    require_teacher()
    place = current_activity()
    form = load_form(AssignForm)
    allowed = {
        p.id: p for p in paths_for_course(db_session(), session["tenant_id"], place.course_id)
    }
    if form["path_id"] not in allowed:
        raise NotFound("That path is not available to this course.", code="path_not_available")
    version = latest_version(db_session(), form["path_id"])
    current = assignment_for_activity(db_session(), place.id)
    if current is not None and current.version.id != version.id and not form["confirmed"]:
        learners = learners_started(db_session(), current)
        if learners:
            changes = compare_versions(current.version, version)
            db_session().commit()
            return render_template(
                "teaching/change_path.html",
                current=current.version,
                target=version,
                changes=changes,
                learners=learners,
            )
    assign(db_session(), place.id, version, assigned_by=session["user_id"], now=now())
    db_session().commit()
    flash(_("The path is assigned. Learners who open this activity will see it."))
    return redirect(url_for("teaching.activity"), code=303)
