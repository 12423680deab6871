"""Competency frameworks for a school's teachers: the frameworks their paths may align to
(the library's and their school's own), and importing a CASE package for their school."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import func, select

from paths.competencies.alignments import frameworks_for
from paths.competencies.importing import import_framework
from paths.competencies.models import Competency
from paths.errors import DomainError
from service.case_json import read_package
from service.clock import now
from service.extensions import db_session
from service.forms import load_form
from service.teaching.authoring import refusal_text
from service.teaching.authoring_forms import EmptyForm
from service.teaching.views import require_teacher

bp = Blueprint("competencies", __name__, url_prefix="/teach/competencies")


@bp.get("")
def index() -> ResponseReturnValue:
    require_teacher()
    return frameworks_page()


def frameworks_page(error: str | None = None, status: int = 400) -> ResponseReturnValue:
    """The school's frameworks and the import form; with `error`, why the last import was
    refused, above the form (with the refusal's `status`). A browser never refills a file
    input, so the teacher chooses the file again."""
    frameworks = frameworks_for(db_session(), session["tenant_id"])
    counts = dict(
        db_session()
        .execute(
            select(Competency.framework_id, func.count())
            .where(Competency.framework_id.in_([f.id for f in frameworks]))
            .group_by(Competency.framework_id)
        )
        .tuples()
        .all()
    )
    page = render_template(
        "teaching/competencies.html", frameworks=frameworks, counts=counts, error=error
    )
    return page, status if error else 200


@bp.post("")
def upload() -> ResponseReturnValue:
    """Import a CASE package for the teacher's school, or bring it up to date."""
    require_teacher()
    try:
        load_form(EmptyForm)
        imported = import_framework(
            db_session(), read_package(_uploaded()), scope=session["tenant_id"], now=now()
        )
    except DomainError as refused:
        return frameworks_page(refusal_text(refused), refused.status)
    db_session().commit()
    message = (
        _(
            "“%(title)s” is imported with %(count)d competencies.",
            title=imported.framework.title,
            count=imported.items,
        )
        if imported.created
        else _(
            "“%(title)s” is brought up to date: %(count)d competencies.",
            title=imported.framework.title,
            count=imported.items,
        )
    )
    flash(message)
    return redirect(url_for("competencies.index"), code=303)


def _uploaded() -> bytes:
    if set(request.files) - {"file"}:
        raise DomainError("Unexpected file field.", code="invalid_form")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise DomainError("Choose a CASE package (JSON) to import.", code="no_file")
    return upload.read()
