"""Recent launches, accepted and refused, with the reason for each refusal."""

from __future__ import annotations

from flask import render_template, request
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from lti.launch_log import ACCEPTED, REFUSED, recent_launches
from lti.registrations import list_platforms
from paths.errors import DomainError
from service.admin.blueprint import bp
from service.extensions import db_session
from service.input_limits import id_field

SHOWN = 200


class LaunchFilter(Schema):
    class Meta:
        unknown = EXCLUDE

    platform = id_field(load_default=None)
    outcome = fields.String(load_default=None, validate=validate.OneOf([ACCEPTED, REFUSED]))


@bp.get("/launches")
def launches() -> str:
    raw = {k: v for k, v in request.args.items() if v != ""}
    try:
        chosen = LaunchFilter().load(raw)
    except ValidationError as error:
        fields_wrong = ", ".join(sorted(error.messages))
        raise DomainError(f"The launch filter is not valid ({fields_wrong}).") from error
    rows = recent_launches(
        db_session(), platform_id=chosen["platform"], outcome=chosen["outcome"], limit=SHOWN
    )
    platforms = list_platforms(db_session())
    return render_template(
        "admin/launches.html",
        launches=rows,
        chosen=chosen,
        platforms=platforms,
        names={p.id: p.name for p in platforms},
        shown=SHOWN,
    )
