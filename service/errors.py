"""One place that turns errors into a page or a JSON body, never a stack trace."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request, session, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from paths.errors import DomainError
from service.extensions import db
from service.i18n import translated
from service.rate_limits import LimitReached
from service.wording import N_, gettext

log = logging.getLogger("selfpath.errors")


def install(app: Flask) -> None:
    app.register_error_handler(DomainError, _domain_error)
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(LimitReached, _too_many_requests)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)


def error_response(status: int, code: str, message: str, title: str | None = None) -> Response:
    """Render the error as JSON for JSON clients and as a page for browsers."""
    db.session.rollback()
    if _wants_json():
        response = jsonify(error={"code": code, "message": message})
    else:
        html = render_template(
            "error.html",
            title=title or _title(status),
            message=message,
            code=code,
            status=status,
            way_back=_way_back(),
        )
        response = Response(html, mimetype="text/html")
    response.status_code = status
    return response


def _way_back() -> tuple[str, str]:
    """Where the person can go from the error page: the page they work from."""
    if request.path.startswith("/admin"):
        return "/admin/", gettext("Back to the admin console")
    if session.get("user_id") and session.get("activity_id"):
        if session.get("role") == "teacher":
            return url_for("teaching.activity"), gettext("Back to my class")
        if session.get("role") == "learner":
            return url_for("learner.my_path"), gettext("Back to my path")
    return url_for("pages.index"), gettext("Selfpath’s home page")


def _wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" or request.path.startswith("/api/")


TITLES = {
    400: N_("Something in the request was wrong"),
    401: N_("Please sign in"),
    403: N_("Not allowed"),
    404: N_("Not found"),
    405: N_("Not allowed here"),
    409: N_("Already done"),
    413: N_("Too large"),
    429: N_("Too many requests"),
}


def _title(status: int) -> str:
    """The page's title for `status`, worded alone (a refused request costs little)."""
    return gettext(TITLES.get(status, N_("Something went wrong")))


def _domain_error(error: DomainError) -> Response:
    return error_response(
        error.status, error.code, translated(error.code, error.message, error.params)
    )


def _csrf_error(error: CSRFError) -> Response:
    return error_response(400, "csrf", translated("csrf", "The form expired.", {}))


def _http_error(error: HTTPException) -> Response:
    status = error.code or 500
    return error_response(
        status, (error.name or "error").lower().replace(" ", "_"), error.description or ""
    )


def _too_many_requests(error: LimitReached) -> Response:
    """The refusal, with when the limit's window ends."""
    response = _http_error(error)
    response.headers["Retry-After"] = str(error.retry_after)
    return response


def _unexpected_error(error: Exception) -> Response:
    log.exception("unhandled error")
    return error_response(
        500,
        "internal_error",
        "Selfpath hit an unexpected problem. It has been logged; please try again in a moment.",
    )
