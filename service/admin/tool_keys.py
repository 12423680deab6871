"""The tool's signing keys: which one signs, which stay published, and rotation."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from werkzeug.wrappers import Response

from lti import keys
from paths.db import utcnow
from service.admin.blueprint import bp
from service.extensions import db_session
from service.settings import current_settings


@bp.get("/keys")
def tool_keys() -> str:
    now = utcnow()
    keys.ensure_key(db_session(), now)
    published = keys.published_keys(db_session(), now)
    db_session().commit()
    return render_template(
        "admin/keys.html",
        active=published[0],
        previous=published[1:],
        grace=current_settings().key_grace_seconds,
    )


@bp.post("/keys/rotate")
def rotate_keys() -> Response:
    grace = current_settings().key_grace_seconds
    row = keys.rotate(db_session(), utcnow(), grace)
    db_session().commit()
    flash(
        f"Selfpath now signs with key {row.kid}. The previous key stays in the key set "
        f"for {grace // 3600} hours, so messages it signed still verify."
    )
    return redirect(url_for("admin.tool_keys"))
