"""The admin console's blueprint: reachable only with the admin's own credentials."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from werkzeug.wrappers import Response

from service.admin.auth import is_signed_in
from service.security import content_security_policy
from service.settings import current_settings

bp = Blueprint("admin", __name__, url_prefix="/admin")
PUBLIC_ENDPOINTS = {"admin.login"}


@bp.before_request
def require_admin() -> Response | None:
    settings = current_settings()
    if not settings.admin_enabled:
        abort(
            404,
            "The admin console is off: set ADMIN_USERNAME and ADMIN_PASSWORD "
            "(or ADMIN_PASSWORD_HASH) to turn it on.",
        )
    if request.endpoint in PUBLIC_ENDPOINTS or is_signed_in(settings):
        return None
    if request.method != "GET":
        abort(401, "Sign in to the admin console first.")
    return redirect(url_for("admin.login"))


@bp.after_request
def admin_headers(response: Response) -> Response:
    # Never framed (not even by a registered LMS) and never cached.
    response.headers["Content-Security-Policy"] = content_security_policy("'none'")
    response.headers["Cache-Control"] = "no-store"
    return response
