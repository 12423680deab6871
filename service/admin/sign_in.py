"""Signing in to and out of the admin console; sign-in attempts are rate-limited."""

from __future__ import annotations

import logging

from flask import redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from service.admin.auth import credentials_match, sign_in, sign_out
from service.admin.blueprint import bp
from service.extensions import db_session
from service.rate_limits import rate_limited
from service.settings import current_settings

log = logging.getLogger("selfpath.admin")


@bp.route("/login", methods=["GET", "POST"])
@rate_limited(
    lambda: current_settings().admin_login_rate_limit,
    methods=("POST",),
    message="Too many sign-in attempts from this address. Wait a few minutes before trying again.",
)
def login() -> Response | str | tuple[str, int]:
    if request.method == "GET":
        # A rendered string: Flask sends it as text/html (werkzeug's Response would be
        # text/plain, and the browser would show the page's source).
        return render_template("admin/login.html", failed=False)
    settings = current_settings()
    username = request.form.get("username", "")
    if not credentials_match(settings, username, request.form.get("password", "")):
        log.warning("admin sign-in refused")
        return render_template("admin/login.html", failed=True, username=username), 401
    log.info("admin signed in")
    response = redirect(url_for("admin.platforms"))
    sign_in(response, settings)
    db_session().commit()
    return response


@bp.post("/logout")
def logout() -> Response:
    response = redirect(url_for("admin.login"))
    sign_out(response)
    db_session().commit()
    log.info("admin signed out")
    return response
