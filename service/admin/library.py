"""Moderating the open library: entries with their reports; unlist, restore, resolve."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from sqlalchemy import func, select
from werkzeug.wrappers import Response

from paths.errors import NotFound
from paths.library.models import LibraryEntry, LibraryReport
from paths.library.publishing import restore, unlist
from service.admin.blueprint import bp
from service.clock import now
from service.extensions import db_session

SHOWN = 200


@bp.get("/library")
def library() -> str:
    open_reports = (
        select(LibraryReport.entry_id, func.count(LibraryReport.id).label("n"))
        .where(LibraryReport.resolved_at.is_(None))
        .group_by(LibraryReport.entry_id)
        .subquery()
    )
    rows = (
        db_session()
        .execute(
            select(LibraryEntry, func.coalesce(open_reports.c.n, 0))
            .outerjoin(open_reports, open_reports.c.entry_id == LibraryEntry.id)
            .order_by(func.coalesce(open_reports.c.n, 0).desc(), LibraryEntry.updated_at.desc())
            .limit(SHOWN)
        )
        .all()
    )
    reports = (
        db_session()
        .scalars(
            select(LibraryReport)
            .where(LibraryReport.resolved_at.is_(None))
            .order_by(LibraryReport.created_at)
        )
        .all()
    )
    by_entry: dict[int, list[LibraryReport]] = {}
    for report in reports:
        by_entry.setdefault(report.entry_id, []).append(report)
    return render_template("admin/library.html", rows=rows, reports=by_entry)


@bp.post("/library/<int:entry_id>/<any(unlist, restore):action>")
def moderate_entry(entry_id: int, action: str) -> Response:
    entry = _entry(entry_id)
    (unlist if action == "unlist" else restore)(entry, now())
    db_session().commit()
    flash(f"“{entry.title}” is now {entry.status}.")
    return redirect(url_for("admin.library"))


@bp.post("/library/reports/<int:report_id>/resolve")
def resolve_report(report_id: int) -> Response:
    report = db_session().get(LibraryReport, report_id)
    if report is None:
        raise NotFound("That report does not exist.", code="report_not_found")
    report.resolved_at = now()
    db_session().commit()
    flash("The report is marked as dealt with.")
    return redirect(url_for("admin.library"))


def _entry(entry_id: int) -> LibraryEntry:
    entry = db_session().get(LibraryEntry, entry_id)
    if entry is None:
        raise NotFound("That library entry does not exist.", code="entry_not_found")
    return entry
