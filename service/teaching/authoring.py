"""Authoring paths: a course's teachers create, edit, publish, clone, import and export
paths, and move an activity to another version of its path.

Every edit changes only the path's draft (a `selfpath-path/1` document); publishing
checks the whole draft and freezes it as a new version.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from marshmallow import RAISE, ValidationError
from sqlalchemy import select

from paths.authoring import PathDraft, QuestionDraft, StepDraft, check_draft, create_path, publish
from paths.catalog import STEP_KINDS, LearningPath, PathVersion
from paths.catalog_queries import latest_version
from paths.drafts import (
    add_step,
    compare_versions,
    copy_title,
    find_step,
    move_assignment,
    move_step,
    new_key,
    remove_step,
    replace_step,
    used_keys,
)
from paths.enrollment import Assignment, assignment_for_activity, learners_started
from paths.errors import Conflict, DomainError, Forbidden, NotFound
from paths.library.attribution import attribution_of
from paths.library.models import LibraryEntry
from service.cartridge.upload import allow_cartridge_size, read_upload
from service.clock import now
from service.extensions import db_session
from service.forms import load_form
from service.i18n import translated
from service.learner.context import current_activity
from service.path_json import (
    dump_path,
    load_draft,
    load_path,
    without_identities,
)
from service.teaching.alignment_choices import editor_context
from service.teaching.authoring_forms import (
    EmptyForm,
    MoveStepForm,
    NewStepForm,
    PathDetailsForm,
    QuestionForm,
    StepForm,
    VersionForm,
    question_as_typed,
    question_from_form,
    question_slots,
    step_as_typed,
    step_from_form,
)
from service.teaching.views import require_teacher

bp = Blueprint("authoring", __name__, url_prefix="/teach/paths")
LIBRARY_STATUS = {
    "listed": lazy_gettext("offered to every school"),
    "unlisted": lazy_gettext("hidden by the Selfpath administrators"),
    "withdrawn": lazy_gettext("withdrawn by you"),
}


# -- who may author what ---------------------------------------------------------------


def teacher_course() -> int:
    """The course of the teacher's launch; only its teachers author its paths."""
    require_teacher()
    course_id = session.get("course_id")
    if course_id is None:
        raise Forbidden(
            "Open Selfpath from a course in your LMS to author its paths.", code="no_course"
        )
    return int(course_id)


def course_path(path_id: int) -> LearningPath:
    """A path of the teacher's course, or 404: other courses' paths are not shown."""
    course_id = teacher_course()
    path = db_session().get(LearningPath, path_id)
    if path is None or path.course_id != course_id or path.tenant_id != session["tenant_id"]:
        raise NotFound("That path is not one of this course's paths.", code="path_not_in_course")
    return path


def clonable_path(path_id: int) -> LearningPath:
    """A path of the teacher's course, or a template shared with their school."""
    teacher_course()
    path = db_session().get(LearningPath, path_id)
    if path is not None and path.is_template and path.tenant_id in (None, session["tenant_id"]):
        return path
    return course_path(path_id)


# -- the draft -------------------------------------------------------------------------


def draft_of(path: LearningPath) -> PathDraft:
    if path.draft is not None:
        return load_draft(path.draft)
    return load_draft(dump_path(latest_version(db_session(), path.id)))


def save_draft(path: LearningPath, draft: PathDraft) -> None:
    """Store the draft after the format's own field checks (one validator for all)."""
    path.draft = dump_path(load_draft(dump_path(draft)))
    db_session().commit()


def has_unpublished_changes(path: LearningPath, draft: PathDraft) -> bool:
    return not path.versions or (
        without_identities(dump_path(path.versions[-1])) != without_identities(dump_path(draft))
    )


def editor(path: LearningPath, anchor: str = "") -> ResponseReturnValue:
    return redirect(url_for("authoring.edit_path", path_id=path.id) + anchor, code=303)


# -- paths of the course ---------------------------------------------------------------


@bp.get("")
def index() -> str:
    course_id = teacher_course()
    paths = (
        db_session()
        .scalars(
            select(LearningPath)
            .where(
                LearningPath.course_id == course_id, LearningPath.tenant_id == session["tenant_id"]
            )
            .order_by(LearningPath.title, LearningPath.id)
        )
        .all()
    )
    templates = (
        db_session()
        .scalars(
            select(LearningPath)
            .where(
                LearningPath.is_template.is_(True),
                LearningPath.tenant_id.is_(None) | (LearningPath.tenant_id == session["tenant_id"]),
            )
            .order_by(LearningPath.title, LearningPath.id)
        )
        .all()
    )
    return render_template(
        "authoring/index.html",
        paths=paths,
        templates=templates,
        language=str(session.get("locale") or "en")[:2],
    )


@bp.post("")
def create() -> ResponseReturnValue:
    course_id = teacher_course()
    form = load_form(PathDetailsForm)
    draft = PathDraft(
        title=form["title"].strip(),
        description=form["description"].strip(),
        language=form["language"],
    )
    path = LearningPath(
        tenant_id=session["tenant_id"],
        course_id=course_id,
        owner_id=session["user_id"],
        title=draft.title,
        description=draft.description,
        language=draft.language,
        created_at=now(),
    )
    db_session().add(path)
    db_session().flush()
    save_draft(path, draft)
    flash(_("The path is created. Add its steps, then publish it."))
    return editor(path)


@bp.post("/import")
def import_path() -> ResponseReturnValue:
    course_id = teacher_course()
    load_form(EmptyForm)
    upload = read_upload()
    draft = load_path(upload.document)
    version = create_path(
        db_session(),
        draft,
        now=now(),
        tenant_id=session["tenant_id"],
        course_id=course_id,
        owner_id=session["user_id"],
    )
    version.path.draft = dump_path(version)
    db_session().commit()
    flash(_("“%(title)s” is imported and published as version 1.", title=draft.title))
    for note in upload.notes:
        flash(note)
    return editor(version.path)


bp.url_value_preprocessor(allow_cartridge_size)


@bp.post("/<int:path_id>/clone")
def clone(path_id: int) -> ResponseReturnValue:
    course_id = teacher_course()
    source = clonable_path(path_id)
    load_form(EmptyForm)
    published = bool(source.versions)
    document = without_identities(
        dump_path(source.versions[-1]) if published else dump_path(draft_of(source))
    )
    document["title"] = copy_title(document["title"])
    copy = LearningPath(
        tenant_id=session["tenant_id"],
        course_id=course_id,
        owner_id=session["user_id"],
        title=document["title"],
        description=document["description"],
        language=document["language"],
        created_at=now(),
        draft=document,
    )
    db_session().add(copy)
    db_session().flush()
    if published:
        publish(db_session(), copy, load_path(document), now=now())
    db_session().commit()
    flash(_("This is your copy of “%(title)s”.", title=source.title))
    return editor(copy)


# -- the editor ------------------------------------------------------------------------


@bp.get("/<int:path_id>")
def edit_path(path_id: int) -> ResponseReturnValue:
    return editor_page(course_path(path_id))


def editor_page(
    path: LearningPath,
    error: str | None = None,
    details: dict[str, str] | None = None,
    new_step: dict[str, str] | None = None,
) -> ResponseReturnValue:
    """The path's editor; with `error`, the refusal of what the teacher just tried, shown
    at the top of the page (status 400) instead of an error page. `details` and `new_step`
    are what the teacher typed in the refused form, shown again in its inputs."""
    draft = draft_of(path)
    shown = {"title": draft.title, "description": draft.description, "language": draft.language}
    entry = db_session().scalars(select(LibraryEntry).where(LibraryEntry.uuid == path.uuid)).first()
    attribution = attribution_of(db_session(), path.versions[-1]) if path.versions else None
    page = render_template(
        "authoring/path.html",
        path=path,
        draft=draft,
        titles={s.key: s.title for s in draft.steps},
        kinds=STEP_KINDS,
        unpublished=has_unpublished_changes(path, draft),
        publish_refusal=publish_refusal(path, draft),
        error=error,
        details=details or shown,
        new_step=new_step or {"kind": "", "title": ""},
        library_entry=entry,
        attribution=attribution,
        library_status=LIBRARY_STATUS.get(entry.status) if entry else None,
        **editor_context(draft),
    )
    return page, 400 if error else 200


def refusal_text(refused: DomainError) -> str:
    """Undo what the refused request wrote, and say why it was refused in the teacher's
    language, for the form shown again."""
    db_session().rollback()
    return translated(refused.code, refused.message, refused.params)


def as_typed(names: tuple[str, ...]) -> dict[str, str]:
    """The refused form's fields as the teacher typed them."""
    return {name: request.form.get(name, "") for name in names}


def publish_refusal(path: LearningPath, draft: PathDraft) -> str | None:
    """Why the draft cannot be published now, in the teacher's language; None if it can."""
    if not has_unpublished_changes(path, draft):
        return translated(
            "nothing_to_publish", "The draft has no changes since the last version.", {}
        )
    try:
        check_draft(draft)
    except DomainError as refused:
        return translated(refused.code, refused.message, refused.params)
    return None


@bp.post("/<int:path_id>/details")
def save_details(path_id: int) -> ResponseReturnValue:
    path = course_path(path_id)
    try:
        form = load_form(PathDetailsForm)
        save_draft(
            path,
            replace(
                draft_of(path),
                title=form["title"].strip(),
                description=form["description"].strip(),
                language=form["language"],
            ),
        )
    except DomainError as refused:
        typed = as_typed(("title", "description", "language"))
        return editor_page(path, error=refusal_text(refused), details=typed)
    flash(_("The path's details are saved in the draft."))
    return editor(path)


@bp.post("/<int:path_id>/steps")
def new_step(path_id: int) -> ResponseReturnValue:
    path = course_path(path_id)
    draft = draft_of(path)
    try:
        form = load_form(NewStepForm)
        title = form["title"].strip()
        key = new_key(title, used_keys(db_session(), path.id) | {s.key for s in draft.steps})
        save_draft(path, add_step(draft, StepDraft(key=key, kind=form["kind"], title=title)))
    except DomainError as refused:
        typed = as_typed(("kind", "title"))
        return editor_page(path, error=refusal_text(refused), new_step=typed)
    flash(_("The step is added. Fill in its details."))
    return redirect(url_for("authoring.edit_step", path_id=path.id, key=key), code=303)


@bp.get("/<int:path_id>/steps/<key>")
def edit_step(path_id: int, key: str) -> ResponseReturnValue:
    path = course_path(path_id)
    draft = draft_of(path)
    return step_page(path, draft, find_step(draft, key))


def step_page(
    path: LearningPath,
    draft: PathDraft,
    step: StepDraft,
    error: str | None = None,
    new_question: QuestionDraft | None = None,
) -> ResponseReturnValue:
    """The step's form; with `error`, the reason the last save was refused, above the form
    (status 400). `new_question` is a refused new question as typed, kept in its form."""
    page = render_template(
        "authoring/step.html",
        path=path,
        draft=draft,
        step=step,
        kinds=STEP_KINDS,
        new_question=new_question,
        slots=question_slots(new_question),
        error=error,
    )
    return page, 400 if error else 200


@bp.post("/<int:path_id>/steps/<key>")
def save_step(path_id: int, key: str) -> ResponseReturnValue:
    path = course_path(path_id)
    draft = draft_of(path)
    step = find_step(draft, key)
    try:
        save_draft(path, replace_step(draft, step_from_form(step, load_form(StepForm))))
    except DomainError as refused:
        return step_page(path, draft, step_as_typed(step, request.form), refusal_text(refused))
    flash(_("The step is saved in the draft."))
    return redirect(url_for("authoring.edit_step", path_id=path.id, key=key), code=303)


@bp.post("/<int:path_id>/steps/<key>/move")
def reorder_step(path_id: int, key: str) -> ResponseReturnValue:
    path = course_path(path_id)
    offset = -1 if load_form(MoveStepForm)["direction"] == "up" else 1
    save_draft(path, move_step(draft_of(path), key, offset))
    return editor(path, f"#step-{key}")


@bp.post("/<int:path_id>/steps/<key>/delete")
def delete_step(path_id: int, key: str) -> ResponseReturnValue:
    path = course_path(path_id)
    load_form(EmptyForm)
    draft = draft_of(path)
    title = find_step(draft, key).title
    save_draft(path, remove_step(draft, key))
    flash(
        _(
            "“%(title)s” is removed from the draft, with the links other steps had to it.",
            title=title,
        )
    )
    return editor(path)


# -- checkpoint questions --------------------------------------------------------------


@bp.post("/<int:path_id>/steps/<key>/questions")
def add_question(path_id: int, key: str) -> ResponseReturnValue:
    path = course_path(path_id)
    draft = draft_of(path)
    step = _checkpoint(draft, key)
    try:
        question = question_from_form(load_form(QuestionForm))
        save_draft(path, replace_step(draft, replace(step, questions=(*step.questions, question))))
    except DomainError as refused:
        typed = question_as_typed(request.form)
        return step_page(path, draft, step, refusal_text(refused), new_question=typed)
    flash(_("The question is added."))
    return redirect(
        url_for("authoring.edit_step", path_id=path.id, key=key) + "#questions", code=303
    )


@bp.get("/<int:path_id>/steps/<key>/questions/<int:number>")
def edit_question(path_id: int, key: str, number: int) -> ResponseReturnValue:
    path = course_path(path_id)
    step = _checkpoint(draft_of(path), key)
    return question_page(path, step, number, _question(step, number))


def question_page(
    path: LearningPath,
    step: StepDraft,
    number: int,
    question: QuestionDraft,
    error: str | None = None,
) -> ResponseReturnValue:
    """A question's form; with `error`, the reason the last save was refused, above the
    form (status 400)."""
    page = render_template(
        "authoring/question.html",
        path=path,
        step=step,
        number=number,
        question=question,
        slots=question_slots(question),
        error=error,
    )
    return page, 400 if error else 200


@bp.post("/<int:path_id>/steps/<key>/questions/<int:number>")
def save_question(path_id: int, key: str, number: int) -> ResponseReturnValue:
    path = course_path(path_id)
    draft = draft_of(path)
    step = _checkpoint(draft, key)
    _question(step, number)
    questions = list(step.questions)
    try:
        questions[number - 1] = question_from_form(load_form(QuestionForm))
        save_draft(path, replace_step(draft, replace(step, questions=tuple(questions))))
    except DomainError as refused:
        typed = question_as_typed(request.form)
        return question_page(path, step, number, typed, refusal_text(refused))
    flash(_("The question is saved."))
    return redirect(
        url_for("authoring.edit_step", path_id=path.id, key=key) + "#questions", code=303
    )


@bp.post("/<int:path_id>/steps/<key>/questions/<int:number>/delete")
def delete_question(path_id: int, key: str, number: int) -> ResponseReturnValue:
    path = course_path(path_id)
    load_form(EmptyForm)
    draft = draft_of(path)
    step = _checkpoint(draft, key)
    _question(step, number)
    questions = step.questions[: number - 1] + step.questions[number:]
    save_draft(path, replace_step(draft, replace(step, questions=questions)))
    flash(_("The question is removed."))
    return redirect(
        url_for("authoring.edit_step", path_id=path.id, key=key) + "#questions", code=303
    )


def _checkpoint(draft: PathDraft, key: str) -> StepDraft:
    step = find_step(draft, key)
    if step.kind != "checkpoint":
        raise DomainError("Only a checkpoint step has questions.", code="not_a_checkpoint_step")
    return step


def _question(step: StepDraft, number: int) -> Any:
    if not 1 <= number <= len(step.questions):
        raise NotFound("That question is not in this checkpoint.", code="question_not_found")
    return step.questions[number - 1]


# -- publish and export ----------------------------------------------------------------


@bp.post("/<int:path_id>/publish")
def publish_draft(path_id: int) -> ResponseReturnValue:
    path = course_path(path_id)
    load_form(EmptyForm)
    draft = draft_of(path)
    refusal = publish_refusal(path, draft)
    if refusal is not None:
        return editor_page(path, error=refusal)
    version = publish(db_session(), path, draft, now=now())
    path.draft = dump_path(version)  # the draft now carries the steps' identities
    db_session().commit()
    flash(
        _(
            "Version %(number)d is published. Activities move to it when you choose.",
            number=version.number,
        )
    )
    return editor(path)


@bp.get("/<int:path_id>/export")
def export_draft(path_id: int) -> Response:
    path = course_path(path_id)
    return _download(dump_path(draft_of(path)) | {"uuid": path.uuid}, f"path-{path.id}-draft.json")


@bp.get("/<int:path_id>/versions/<int:number>/export")
def export_version(path_id: int, number: int) -> Response:
    path = course_path(path_id)
    version = path_version(path.id, number)
    return _download(dump_path(version, uuid=path.uuid), f"path-{path.id}-v{version.number}.json")


def _download(document: dict[str, Any], filename: str) -> Response:
    body = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    db_session().commit()
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def path_version(path_id: int, number: int) -> PathVersion:
    version = (
        db_session()
        .scalars(
            select(PathVersion).where(PathVersion.path_id == path_id, PathVersion.number == number)
        )
        .first()
    )
    if version is None:
        raise NotFound("That version of the path does not exist.", code="version_not_found")
    return version


# -- moving an activity to another version ---------------------------------------------


def _activity_assignment() -> Assignment:
    require_teacher()
    assignment = assignment_for_activity(db_session(), current_activity().id)
    if assignment is None:
        raise NotFound("No path is assigned to this activity yet.", code="no_assignment")
    return assignment


@bp.get("/activity/move")
def review_move() -> str:
    assignment = _activity_assignment()
    try:
        number = VersionForm().load(request.args.to_dict(), unknown=RAISE)["version"]
    except ValidationError as error:
        raise DomainError("Choose a version of the path.", code="invalid_form") from error
    target = path_version(assignment.version.path_id, number)
    if target.id == assignment.version.id:
        raise Conflict("This activity already uses that version.", code="same_version")
    learners = learners_started(db_session(), assignment)
    changes = compare_versions(assignment.version, target)
    db_session().commit()
    return render_template(
        "authoring/move.html",
        assignment=assignment,
        target=target,
        changes=changes,
        learners=learners,
    )


@bp.post("/activity/move")
def move_activity() -> ResponseReturnValue:
    assignment = _activity_assignment()
    target = path_version(assignment.version.path_id, load_form(VersionForm)["version"])
    move_assignment(db_session(), assignment, target, moved_by=session["user_id"])
    db_session().commit()
    flash(
        _(
            "The activity now uses version %(number)d. Learners keep the steps they finished.",
            number=target.number,
        )
    )
    return redirect(url_for("teaching.activity"), code=303)
