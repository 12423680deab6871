"""Thin views: parse input, call one domain service, commit, render or redirect."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from marshmallow import Schema, fields, validate

from paths import placement, studying
from paths.errors import DomainError
from paths.path_view import path_view
from paths.personal_data import personal_data
from service.clock import now
from service.extensions import db_session
from service.forms import load_form, load_indexed
from service.i18n import reason_sentence
from service.learner.context import current_studying

bp = Blueprint("learner", __name__, url_prefix="/path")


class StepForm(Schema):
    confidence = fields.Integer(validate=validate.Range(1, 5))
    reflection = fields.String()


class GoalForm(Schema):
    minutes_per_week = fields.Integer()
    target_date = fields.Date()


@bp.get("")
def my_path() -> str:
    here = current_studying()
    view = path_view(db_session(), here.enrollment, now())
    offer = placement.offers_placement(db_session(), here.enrollment, view.progress)
    db_session().commit()
    return render_template("learner/my_path.html", view=view, offer_placement=offer,
                           reason=reason_sentence(view.up_next.reason, view.up_next.params),
                           user=here.user)


@bp.get("/steps/<key>")
def step(key: str) -> str:
    here = current_studying()
    found = studying.find_step(here.enrollment, key)
    state = studying.progress_of(db_session(), here.enrollment)
    db_session().commit()
    template = "learner/checkpoint.html" if found.is_checkpoint else "learner/step.html"
    return render_template(template, step=found, state=state,
                           locked_by=studying.missing_prerequisites_titles(
                               found, state, here.enrollment))


@bp.post("/steps/<key>/done")
def complete(key: str) -> ResponseReturnValue:
    here = current_studying()
    form = load_form(StepForm())
    studying.complete_step(db_session(), here.enrollment, key, now=now(), **form)
    db_session().commit()
    flash(_("Step done. Well done!"))
    return redirect(url_for("learner.my_path"), code=303)


@bp.post("/steps/<key>/reflection")
def reflect(key: str) -> ResponseReturnValue:
    here = current_studying()
    form = load_form(StepForm())
    studying.reflect(db_session(), here.enrollment, key, now=now(),
                     confidence=form.get("confidence"), reflection=form.get("reflection"))
    db_session().commit()
    flash(_("Saved."))
    return redirect(url_for("learner.step", key=key), code=303)


@bp.post("/steps/<key>/checkpoint")
def checkpoint(key: str) -> str:
    here = current_studying()
    answers, extra = load_indexed("q", {"predicted"})
    predicted = _percent(extra.get("predicted"))
    by_index = {_index(i): a for i, a in answers.items()}
    result = studying.submit_checkpoint(db_session(), here.enrollment, key, by_index,
                                        now=now(), predicted=predicted)
    found = studying.find_step(here.enrollment, key)
    remedial = [s for s in studying.steps_of(here.enrollment) if s.remedial_for == key]
    db_session().commit()
    return render_template("learner/checkpoint_result.html", step=found, result=result,
                           remedial=remedial, predicted=predicted)


@bp.route("/placement", methods=["GET", "POST"])
def placement_check() -> str | Response:
    here = current_studying()
    from flask import request

    if request.method == "GET":
        questions = placement.placement_questions(studying.steps_of(here.enrollment))
        return render_template("learner/placement.html", questions=questions)
    answers, _extra = load_indexed("a:", set())
    result = placement.take_placement(db_session(), here.enrollment, answers, now=now())
    db_session().commit()
    return render_template("learner/placement_result.html", result=result,
                           steps={s.key: s for s in studying.steps_of(here.enrollment)})


@bp.post("/placement/skip")
def skip_placement() -> ResponseReturnValue:
    here = current_studying()
    load_form(Schema())
    placement.skip_placement(db_session(), here.enrollment, now=now())
    db_session().commit()
    return redirect(url_for("learner.my_path"), code=303)


@bp.post("/goal")
def goal() -> ResponseReturnValue:
    here = current_studying()
    form = load_form(GoalForm())
    studying.set_goal(db_session(), here.enrollment, now=now(),
                      minutes_per_week=form.get("minutes_per_week"),
                      target_date=form.get("target_date"))
    db_session().commit()
    flash(_("Your goal is saved."))
    return redirect(url_for("learner.my_path"), code=303)


@bp.get("/my-data")
def download_my_data() -> Response:
    here = current_studying()
    document = personal_data(db_session(), here.user.id)
    db_session().commit()
    return Response(json.dumps(document, ensure_ascii=False, indent=2, default=str),
                    mimetype="application/json",
                    headers={"Content-Disposition": "attachment; filename=my-selfpath-data.json"})


def _index(raw: str) -> int:
    if not raw.isdigit():
        raise DomainError("An answer does not belong to this checkpoint.", code="bad_answer")
    return int(raw)


def _percent(raw: str | None) -> float | None:
    if raw is None or raw.strip() == "":
        return None
    try:
        value = float(raw)
    except ValueError as error:
        raise DomainError("Your prediction is a number from 0 to 100.",
                          code="invalid_form") from error
    if not 0 <= value <= 100:
        raise DomainError("Your prediction is a number from 0 to 100.", code="invalid_form")
    return value / 100
