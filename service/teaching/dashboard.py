"""The class dashboard's extras: CSV export and the assignment's due date and pacing."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time

from flask import Blueprint, Response, flash, redirect, session, url_for
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields, validate

from lti import keys
from lti.grade_status import resync
from lti.rosters import class_members, refresh_roster
from paths.dashboard import ClassView, class_view
from paths.enrollment import Assignment, Enrollment, assignment_for_activity
from paths.errors import NotFound
from service.clock import now
from service.extensions import db_session
from service.forms import load_form
from service.input_limits import id_field
from service.learner.context import current_activity
from service.lti.services import lti_services
from service.settings import current_settings
from service.teaching.spreadsheet import as_text_row
from service.teaching.views import require_teacher
from service.wording import gettext as _

bp = Blueprint("class_dashboard", __name__, url_prefix="/teach")
PAGE_SIZE = 100


class PacingForm(Schema):
    due_date = fields.Date()
    pacing_minutes_per_week = fields.Integer(validate=validate.Range(10, 3000))


def current_assignment() -> Assignment:
    require_teacher()
    assignment = assignment_for_activity(db_session(), current_activity().id)
    if assignment is None:
        raise NotFound("No path is assigned to this activity yet.", code="no_path_yet")
    return assignment


def current_class() -> ClassView:
    assignment = current_assignment()
    members = class_members(db_session(), session.get("course_id"), assignment)
    return class_view(db_session(), assignment, members, now())


@bp.get("/class.csv")
def export() -> Response:
    view = current_class()
    db_session().commit()
    buffer = io.StringIO()
    buffer.write("\ufeff")  # a BOM, so spreadsheet programs read Vietnamese names right
    writer = csv.writer(buffer)
    writer.writerow(
        as_text_row(
            [
                "name",
                "lms_user_id",
                "status",
                "progress_percent",
                "estimated_minutes",
                "last_activity",
                *[f"skill:{view.skill_names[s][:100]}" for s in view.skills],
                *[f"competency:{c.label[:100]}" for c in view.competencies],
                *[f"step:{key}" for key in view.keys],
            ]
        )
    )
    for row in view.rows:
        writer.writerow(
            as_text_row(
                [
                    row.member.name or "",
                    row.member.subject,
                    row.status,
                    row.percent,
                    row.minutes_spent,
                    row.last_activity.isoformat() if row.last_activity else "",
                    *[
                        "" if row.skills[s] is None else round(row.skills[s] or 0, 2)
                        for s in view.skills
                    ],
                    *[_share(c.mastery(row)) for c in view.competencies],
                    *row.cells,
                ]
            )
        )
    return Response(
        buffer.getvalue().encode("utf-8"),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": "attachment; filename=class-progress.csv"},
    )


def _share(value: float | None) -> object:
    return "" if value is None else round(value, 2)


@bp.post("/class/pacing")
def pacing() -> ResponseReturnValue:
    assignment = current_assignment()
    form = load_form(PacingForm)
    due = form.get("due_date")
    assignment.due_at = datetime.combine(due, time(23, 59), tzinfo=UTC) if due else None
    assignment.pacing_minutes_per_week = form.get("pacing_minutes_per_week")
    db_session().commit()
    flash(_("The due date and pacing are saved."))
    return redirect(url_for("teaching.activity"), code=303)


class ResyncForm(Schema):
    enrollment_id = id_field(required=True)


@bp.post("/class/roster")
def refresh() -> ResponseReturnValue:
    """Read the course roster from the LMS again (NRPS, every page)."""
    current_assignment()
    key = keys.signing_key(db_session(), now())
    db_session().commit()  # the LMS checks our assertion against the published keys
    services = lti_services()
    roster = refresh_roster(
        db_session(),
        session.get("course_id") or 0,
        http=services.http,
        tokens=services.access_tokens,
        key=key,
        timeout=current_settings().http_timeout_seconds,
        now=now(),
    )
    db_session().commit()
    if roster is None:
        flash(_("The LMS did not offer its roster to Selfpath for this course."))
    elif roster.last_error:
        flash(_("The roster could not be read: %(reason)s", reason=roster.last_error))
    else:
        flash(_("The roster is up to date."))
    return redirect(url_for("teaching.activity"), code=303)


@bp.post("/class/resync")
def sync_again() -> ResponseReturnValue:
    """Send a learner's score to the gradebook again after the LMS refused it."""
    assignment = current_assignment()
    enrollment_id = load_form(ResyncForm)["enrollment_id"]
    enrollment = db_session().get(Enrollment, enrollment_id)
    if enrollment is None or enrollment.assignment_id != assignment.id:
        raise NotFound("That learner is not in this activity.", code="not_in_activity")
    resync(db_session(), [enrollment.id])
    db_session().commit()
    flash(_("The score will be sent again."))
    return redirect(url_for("teaching.activity"), code=303)
