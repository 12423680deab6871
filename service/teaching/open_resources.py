"""Finding an open resource for a step: authors search the resource catalogue (what
`flask library harvest` brought in from other repositories) from the step form, and one
button puts the resource's address, licence and source into the draft step."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from paths.drafts import find_step, replace_step
from paths.errors import NotFound
from paths.library.normalise import MAX_QUERY_CHARS
from paths.library.resources import LibraryResource, find_resources
from service.extensions import db_session
from service.forms import load_form
from service.teaching.authoring import course_path, draft_of, save_draft
from service.teaching.authoring_forms import EmptyForm

bp = Blueprint("open_resources", __name__, url_prefix="/teach/paths")


@bp.get("/<int:path_id>/steps/<key>/resources")
def find(path_id: int, key: str) -> str:
    path = course_path(path_id)
    draft = draft_of(path)
    step = find_step(draft, key)
    words = str(request.args.get("q", ""))[:MAX_QUERY_CHARS]
    found = find_resources(db_session(), words)
    db_session().commit()
    return render_template(
        "authoring/resources.html", path=path, step=step, words=words, resources=found
    )


@bp.post("/<int:path_id>/steps/<key>/resources/<int:resource_id>")
def use(path_id: int, key: str, resource_id: int) -> ResponseReturnValue:
    path = course_path(path_id)
    load_form(EmptyForm)
    draft = draft_of(path)
    step = find_step(draft, key)
    chosen = _resource(resource_id)
    save_draft(
        path,
        replace_step(
            draft,
            replace(
                step,
                resource_url=chosen.url,
                resource_licence=chosen.licence_name,
                resource_source=chosen.credit,
                resource_framable=False,
            ),
        ),
    )
    flash(
        _(
            "“%(title)s” is now this step's resource, with its licence and source.",
            title=chosen.title,
        )
    )
    return redirect(
        url_for("authoring.edit_step", path_id=path.id, key=key) + "#resource", code=303
    )


def _resource(resource_id: int) -> LibraryResource:
    chosen = db_session().get(LibraryResource, resource_id)
    if chosen is None or chosen.deleted:
        raise NotFound("That resource is not in the catalogue.", code="resource_not_found")
    return chosen
