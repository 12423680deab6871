"""Aligning a path's skills to competencies in the editor: each change goes to the draft,
and publishing freezes the alignments with the version."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, flash, session
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from paths.authoring import skills_of
from paths.competencies.alignments import draft_alignment, visible_competency
from paths.errors import DomainError, NotFound
from service.extensions import db_session
from service.forms import load_form
from service.input_limits import id_field
from service.teaching.authoring import course_path, draft_of, editor, save_draft
from service.teaching.authoring_forms import EmptyForm

bp = Blueprint("alignments", __name__, url_prefix="/teach/paths")
MAX_ALIGNMENTS = 200


class AlignForm(Schema):
    skill = fields.String(required=True, validate=validate.Length(1, 64))
    competency_id = id_field(required=True)


@bp.post("/<int:path_id>/alignments")
def align(path_id: int) -> ResponseReturnValue:
    path = course_path(path_id)
    form = load_form(AlignForm)
    draft = draft_of(path)
    if form["skill"] not in skills_of(draft):
        raise DomainError(
            "No step or question of this path has that skill.", code="skill_not_in_path"
        )
    competency = visible_competency(db_session(), session["tenant_id"], form["competency_id"])
    if competency is None:
        raise NotFound(
            "That competency is not available to this school.", code="competency_not_found"
        )
    wanted = draft_alignment(competency, form["skill"])
    if wanted not in draft.alignments:
        if len(draft.alignments) >= MAX_ALIGNMENTS:
            raise DomainError(
                f"A path has at most {MAX_ALIGNMENTS} alignments.", code="invalid_form"
            )
        save_draft(path, replace(draft, alignments=(*draft.alignments, wanted)))
    flash(_("The skill is aligned to %(competency)s in the draft.", competency=competency.label))
    return editor(path, "#alignments")


@bp.post("/<int:path_id>/alignments/<int:number>/delete")
def unalign(path_id: int, number: int) -> ResponseReturnValue:
    path = course_path(path_id)
    load_form(EmptyForm)
    draft = draft_of(path)
    if not 1 <= number <= len(draft.alignments):
        raise NotFound("That alignment is not in this path's draft.", code="alignment_not_found")
    kept = draft.alignments[: number - 1] + draft.alignments[number:]
    save_draft(path, replace(draft, alignments=kept))
    flash(_("The alignment is removed from the draft."))
    return editor(path, "#alignments")
