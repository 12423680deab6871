"""The open library for teachers: search and preview from authoring or deep linking, copy
an entry into the course, report one, and publish or withdraw the school's own."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from paths.authoring import publish
from paths.catalog import LEVELS, SUBJECTS, LearningPath, PathVersion
from paths.catalog_queries import latest_version
from paths.competencies.alignments import available
from paths.errors import DomainError
from paths.library.models import LibraryEntry, LibraryRelease
from paths.library.publishing import (
    CREDIT_KINDS,
    PATH_LICENCES,
    LibraryChoice,
    closed_resources,
    credit_line,
    entry_of_school,
    publish_to_library,
    release_of,
    report,
    withdraw,
)
from paths.library.search import search_library
from service.clock import now
from service.extensions import db_session
from service.forms import load_form
from service.learner.context import current_user
from service.library.finder import filter_choices, library_query, query_args
from service.library.public import entry_page, public_entry
from service.path_json import dump_path, load_path, without_identities
from service.teaching.authoring import course_path, editor, refusal_text, teacher_course
from service.teaching.authoring_forms import EmptyForm
from service.teaching.deep_link import SESSION_KEY as DEEP_LINK_PENDING

bp = Blueprint("library_teach", __name__, url_prefix="/teach/library")


class ReportForm(Schema):
    reason = fields.String(required=True, validate=validate.Length(1, 1000))


class PublishForm(Schema):
    licence = fields.String(required=True, validate=validate.OneOf(tuple(PATH_LICENCES)))
    credit = fields.String(required=True, validate=validate.OneOf(CREDIT_KINDS))
    name = fields.String(load_default=None, validate=validate.Length(1, 200))
    school = fields.String(load_default=None, validate=validate.Length(1, 200))
    subject = fields.String(load_default=None, validate=validate.OneOf(SUBJECTS))
    level = fields.String(load_default=None, validate=validate.OneOf(LEVELS))
    resources_checked = fields.Boolean(load_default=False)


@bp.get("")
def search() -> str:
    teacher_course()
    query = library_query(request.args)
    return render_template(
        "library/teacher_search.html",
        query=query,
        page=search_library(db_session(), query),
        args=query_args(query),
        choices=filter_choices(),
        licences=PATH_LICENCES,
    )


@bp.get("/<uuid>")
def preview(uuid: str) -> ResponseReturnValue:
    teacher_course()
    return preview_page(public_entry(uuid))


def preview_page(
    entry: LibraryEntry, error: str | None = None, reason: str = ""
) -> ResponseReturnValue:
    """The entry's preview; with `error`, why the report was refused, above the report
    form opened with the `reason` the teacher typed (status 400)."""
    page = entry_page(entry, release_of(db_session(), entry))
    html = render_template(
        "library/preview.html",
        **page,
        deep_linking=DEEP_LINK_PENDING in session,
        error=error,
        reason=reason,
    )
    return html, 400 if error else 200


@bp.post("/<uuid>/copy")
def copy(uuid: str) -> ResponseReturnValue:
    course_id = teacher_course()
    load_form(EmptyForm)
    release = release_of(db_session(), public_entry(uuid))
    path = copy_into_course(release, course_id)
    db_session().commit()
    flash(
        _(
            "This is your course's copy of “%(title)s”. Edit it as you like: it keeps the "
            "credit to its authors.",
            title=path.title,
        )
    )
    return editor(path)


def copy_into_course(release: LibraryRelease, course_id: int) -> LearningPath:
    """An editable path of the course, recorded as derived from the release."""
    source = db_session().get(PathVersion, release.version_id)
    assert source is not None
    document = without_identities(dump_path(source))
    draft = load_path(document)
    # Alignments to another school's own framework stay with that school's paths.
    draft = replace(
        draft, alignments=available(db_session(), draft.alignments, session["tenant_id"])
    )
    path = LearningPath(
        tenant_id=session["tenant_id"],
        course_id=course_id,
        owner_id=session["user_id"],
        title=draft.title,
        description=draft.description,
        language=draft.language,
        derived_from_id=release.id,
        created_at=now(),
    )
    db_session().add(path)
    db_session().flush()
    version = publish(db_session(), path, draft, now=now())
    path.draft = dump_path(version)
    return path


@bp.post("/<uuid>/report")
def report_entry(uuid: str) -> ResponseReturnValue:
    teacher_course()
    entry = public_entry(uuid)
    try:
        form = load_form(ReportForm)
        report(db_session(), entry, form["reason"], user_id=session["user_id"], now=now())
    except DomainError as refused:
        return preview_page(entry, refusal_text(refused), request.form.get("reason", ""))
    db_session().commit()
    flash(_("Thank you. The Selfpath administrators will look at your report."))
    return redirect(url_for("library_teach.preview", uuid=uuid), code=303)


@bp.post("/<uuid>/withdraw")
def withdraw_entry(uuid: str) -> ResponseReturnValue:
    teacher_course()
    load_form(EmptyForm)
    entry = entry_of_school(db_session(), uuid, session["tenant_id"])
    withdraw(entry, now())
    db_session().commit()
    flash(
        _(
            "“%(title)s” is withdrawn from the library. Activities that use it keep it.",
            title=entry.title,
        )
    )
    return redirect(url_for("authoring.index"), code=303)


@bp.route("/publish/<int:path_id>", methods=["GET", "POST"])
def publish_path(path_id: int) -> ResponseReturnValue:
    path = course_path(path_id)
    if not path.versions:
        raise DomainError(
            "Publish a version of this path first: the library offers published versions only.",
            code="nothing_published",
        )
    version = latest_version(db_session(), path.id)
    if request.method == "GET":
        return _publish_form(path, version)
    try:
        release = publish_to_library(db_session(), version, _choice(version), now=now())
    except DomainError as refused:
        return _publish_form(path, version, error=refusal_text(refused), status=400)
    db_session().commit()
    flash(
        _(
            "Version %(number)d of “%(title)s” is in the open library.",
            number=version.number,
            title=version.title,
        )
    )
    return redirect(url_for("library_teach.preview", uuid=release.entry.uuid), code=303)


def _choice(version: PathVersion) -> LibraryChoice:
    form = load_form(PublishForm)
    if closed_resources(version) and not form["resources_checked"]:
        raise DomainError(
            _(
                "Some resources do not state an open licence. Check that they "
                "may be linked from an open path, then tick the box."
            ),
            code="resources_unchecked",
        )
    credit = credit_line(
        form["credit"], name=form["name"], school=form["school"], language=version.language
    )
    return LibraryChoice(
        licence=form["licence"], credit=credit, subject=form["subject"], level=form["level"]
    )


def _publish_form(
    path: LearningPath, version: PathVersion, *, error: str | None = None, status: int = 200
) -> tuple[str, int]:
    user = current_user()
    return render_template(
        "library/publish.html",
        path=path,
        version=version,
        error=error,
        closed=closed_resources(version),
        licences=PATH_LICENCES,
        choices=filter_choices(),
        form=request.form if request.method == "POST" else {},
        teacher_name=user.name or "",
    ), status
