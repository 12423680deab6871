"""Registering an LMS by hand from the console: the same values as `flask platforms add`,
checked the same way; a refusal shows the form again with the reason and what was typed."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from marshmallow import Schema, ValidationError, fields, validate
from werkzeug.wrappers import Response

from lti import registrations
from paths.errors import DomainError
from service.admin.blueprint import bp
from service.extensions import db_session
from service.settings import current_settings

MAX_DEPLOYMENTS = 50
FIELDS = (
    "name",
    "issuer",
    "client_id",
    "auth_login_url",
    "auth_token_url",
    "key_set_url",
    "auth_audience",
    "deployment_ids",
)


def _url(**kwargs: object) -> fields.String:
    return fields.String(validate=validate.Length(1, 2048), **kwargs)  # type: ignore[arg-type]


class NewPlatformForm(Schema):
    name = fields.String(load_default="", validate=validate.Length(0, 255))
    issuer = fields.String(required=True, validate=validate.Length(1, 255))
    client_id = fields.String(required=True, validate=validate.Length(1, 255))
    auth_login_url = _url(required=True)
    auth_token_url = _url(required=True)
    key_set_url = _url(required=True)
    auth_audience = _url(load_default=None)
    deployment_ids = fields.String(load_default="", validate=validate.Length(0, 20000))


LABELS = {
    "name": "Name",
    "issuer": "Platform ID (issuer)",
    "client_id": "Client ID",
    "auth_login_url": "Authentication request URL",
    "auth_token_url": "Access token URL",
    "key_set_url": "Public keyset URL",
    "auth_audience": "Token audience",
    "deployment_ids": "Deployment IDs",
}


@bp.route("/platforms/new", methods=["GET", "POST"])
def new_platform() -> Response | str | tuple[str, int]:
    if request.method == "GET":
        return render_template("admin/new_platform.html", values={}, error=None)
    values = {name: request.form.get(name, "") for name in FIELDS}
    try:
        deployments = _deployments(values["deployment_ids"])
        platform = registrations.register_by_hand(
            db_session(), _details(values), deployments, addresses=current_settings().addresses
        )
    except DomainError as refused:
        db_session().rollback()
        return render_template("admin/new_platform.html", values=values, error=refused.message), 400
    db_session().commit()
    flash(
        f"{platform.name} (client {platform.client_id}) is registered with "
        f"{len(deployments)} deployment(s)."
    )
    return redirect(url_for("admin.platforms"))


def _details(values: dict[str, str]) -> registrations.PlatformDetails:
    try:
        form = NewPlatformForm().load({k: v.strip() for k, v in values.items() if v.strip()})
    except ValidationError as error:
        names = ", ".join(LABELS.get(str(k), str(k)) for k in error.messages)
        raise DomainError(
            f"Check {names}: each is required and must fit its field.", code="invalid_form"
        ) from error
    return registrations.PlatformDetails(
        name=form["name"],
        issuer=form["issuer"],
        client_id=form["client_id"],
        auth_login_url=form["auth_login_url"],
        auth_token_url=form["auth_token_url"],
        key_set_url=form["key_set_url"],
        auth_audience=form["auth_audience"],
    )


def _deployments(raw: str) -> list[str]:
    """One deployment ID per line (or separated by commas)."""
    ids = [part.strip() for line in raw.splitlines() for part in line.split(",")]
    ids = list(dict.fromkeys(i for i in ids if i))
    if len(ids) > MAX_DEPLOYMENTS or any(len(i) > 255 for i in ids):
        raise DomainError(
            f"Give at most {MAX_DEPLOYMENTS} deployment IDs of at most 255 characters each.",
            code="invalid_form",
        )
    return ids
