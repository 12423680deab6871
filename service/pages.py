"""Public pages of the tool itself."""

from flask import Blueprint

from service.settings import current_settings

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> str:
    from flask import render_template

    return render_template("index.html", demo_lms=current_settings().demo_lms)
