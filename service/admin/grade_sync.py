"""Grade sync health: what each LMS's gradebook is waiting for, and what it refused."""

from __future__ import annotations

from flask import render_template

from lti.grade_status import queue_health
from service.admin.blueprint import bp
from service.extensions import db_session


@bp.get("/grades")
def grade_sync() -> str:
    platforms = queue_health(db_session())
    db_session().commit()
    return render_template("admin/grades.html", platforms=platforms)
