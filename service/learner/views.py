"""Thin views: parse input, call one domain service, commit, render or redirect."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from marshmallow import Schema, fields, validate

from paths.enrollment import EnrollmentFacts
from paths.errors import DomainError, NotFound
from paths.learning.selfreg import Calibration, calibration, explain
from paths.library.attribution import attribution_of
from paths.personal_data import personal_data
from paths.progress import LearnerProgress
from paths.skill_names import skill_names
from paths.study import checkpoints, completion, diagnostics, goals, learner_path, skills
from paths.study.feedback import checkpoint_feedback
from paths.study.path_view import PathView, path_view
from paths.study.up_next import remedial_to_do, to_go_over_again
from service import clock
from service.extensions import db_session
from service.forms import load_form, load_indexed
from service.i18n import reason_sentence, translated
from service.learner.context import Studying, current_studying
from service.learner.estimates import learner_model, path_skills
from service.learner.my_path import my_path_page
from service.wording import gettext as _

bp = Blueprint("learner", __name__, url_prefix="/path")
JUST_DONE = "done"  # My path's query parameter (`done=`): the step just finished


class StepForm(Schema):
    confidence = fields.Integer(validate=validate.Range(1, 5))
    reflection = fields.String()


class GoalForm(Schema):
    minutes_per_week = fields.Integer()
    target_date = fields.Date()


class AnswerForm(Schema):
    question = fields.String(required=True, validate=validate.Length(max=80))
    answer = fields.String(validate=validate.Length(max=500))


@bp.get("")
def my_path() -> ResponseReturnValue:
    return my_path_page_for(current_studying())


def my_path_page_for(
    here: Studying, error: str | None = None, goal: dict[str, str] | None = None
) -> ResponseReturnValue:
    """My path; with `error`, why the goal was refused, above the goal form filled with
    what the learner typed (`goal`, status 400), and nothing of the request kept."""
    now = clock.now()
    view = path_view(db_session(), here.enrollment, now, learner_model(here.enrollment))
    offer = diagnostics.offers_placement(db_session(), here.enrollment, view.progress)
    names = skill_names(db_session(), here.assignment.version)
    shown = my_path_page(view, names, now, just_done=request.args.get(JUST_DONE))
    page = render_template(
        "learner/my_path.html",
        view=view,
        page=shown,
        offer_placement=offer,
        attribution=attribution_of(db_session(), here.assignment.version),
        error=error,
        goal=goal or goal_shown(view),
        notice=shown.notice,
    )
    if error:
        db_session().rollback()
        return page, 400
    db_session().commit()
    return page, 200


def goal_shown(view: PathView) -> dict[str, str]:
    """The goal form's values: the learner's current goal."""
    target = view.goal_target_date
    return {
        "minutes_per_week": str(view.goal_minutes_per_week or ""),
        "target_date": target.isoformat() if target else "",
    }


@bp.get("/steps/<key>")
def step(key: str) -> str:
    here = current_studying()
    found = learner_path.find_step(db_session(), here.enrollment, key)
    state = learner_path.progress_of(db_session(), here.enrollment)
    model = learner_model(here.enrollment)
    tried_first = learner_path.open_to_try_first(
        db_session(), here.enrollment, found, state, model, clock.now()
    )
    locked_by = (
        []
        if tried_first
        else learner_path.missing_prerequisites_titles(db_session(), found, state, here.enrollment)
    )
    db_session().commit()
    template = "learner/checkpoint.html" if found.is_checkpoint else "learner/step.html"
    return render_template(
        template,
        step=found,
        state=state,
        again=bool(to_go_over_again([found], state)),
        remedial=remedial_to_do(learner_path.steps_of(db_session(), here.enrollment), state, key),
        names=skill_names(db_session(), here.assignment.version),
        locked_by=locked_by,
        tried_first=tried_first,
    )


@bp.post("/steps/<key>/done")
def complete(key: str) -> ResponseReturnValue:
    here = current_studying()
    form = load_form(StepForm)
    completion.complete_step(
        db_session(),
        here.enrollment,
        key,
        now=clock.now(),
        model=learner_model(here.enrollment),
        **form,
    )
    db_session().commit()
    # The page says "Step done" from its address rather than from a flashed message, so
    # neither this answer nor the page signs the session cookie again.
    return redirect(url_for("learner.my_path", done=key), code=303)


@bp.post("/steps/<key>/reflection")
def reflect(key: str) -> ResponseReturnValue:
    here = current_studying()
    form = load_form(StepForm)
    completion.reflect(
        db_session(),
        here.enrollment,
        key,
        now=clock.now(),
        confidence=form.get("confidence"),
        reflection=form.get("reflection"),
    )
    db_session().commit()
    flash(_("Saved."))
    return redirect(url_for("learner.step", key=key), code=303)


@bp.post("/steps/<key>/checkpoint")
def checkpoint(key: str) -> str:
    here = current_studying()
    answers, extra = load_indexed("q", {"predicted"})
    predicted = _percent(extra.get("predicted"))
    by_index = {_index(i): a for i, a in answers.items()}
    model = learner_model(here.enrollment)
    result = checkpoints.submit_checkpoint(
        db_session(),
        here.enrollment,
        key,
        by_index,
        now=clock.now(),
        predicted=predicted,
        model=model,
    )
    found = learner_path.find_step(db_session(), here.enrollment, key)
    state = learner_path.progress_of(db_session(), here.enrollment)
    feedback = checkpoint_feedback(
        db_session(), here.enrollment, found, result, model, progress=state, now=clock.now()
    )
    db_session().commit()
    return render_template(
        "learner/checkpoint_result.html",
        step=found,
        result=result,
        feedback=feedback,
        predicted=predicted,
        calibration=_calibration(here.enrollment, state),
        names=skill_names(db_session(), here.assignment.version),
        reason=reason_sentence(feedback.up_next.reason, feedback.up_next.params),
    )


def _calibration(enrollment: EnrollmentFacts, state: LearnerProgress | None = None) -> Calibration:
    state = state or learner_path.progress_of(db_session(), enrollment)
    return calibration(
        (t.predicted, t.score)
        for tries in state.attempts.values()
        for t in tries
        if t.predicted is not None
    )


@bp.get("/placement")
def placement_check() -> ResponseReturnValue:
    here = current_studying()
    result = diagnostics.placement_result(db_session(), here.enrollment)
    if result is not None:
        db_session().commit()
        if result.skipped:
            return redirect(url_for("learner.my_path"), code=303)
        return render_template(
            "learner/placement_result.html",
            result=result,
            steps={s.key: s for s in learner_path.steps_of(db_session(), here.enrollment)},
            names=skill_names(db_session(), here.assignment.version),
        )
    state = diagnostics.current(db_session(), here.enrollment, learner_model(here.enrollment))
    db_session().commit()
    return render_template(
        "learner/placement.html",
        state=state,
        skill=None,
        names=skill_names(db_session(), here.assignment.version),
        answer_url=url_for("learner.placement_answer"),
        finish_url=url_for("learner.placement_finish"),
    )


@bp.post("/placement")
def placement_answer() -> ResponseReturnValue:
    here = current_studying()
    form = load_form(AnswerForm)
    diagnostics.answer(
        db_session(),
        here.enrollment,
        learner_model(here.enrollment),
        None,
        form["question"],
        form.get("answer") or "",
        now=clock.now(),
    )
    db_session().commit()
    return redirect(url_for("learner.placement_check"), code=303)


@bp.post("/placement/finish")
def placement_finish() -> ResponseReturnValue:
    here = current_studying()
    load_form(Schema)
    diagnostics.finish(
        db_session(), here.enrollment, learner_model(here.enrollment), now=clock.now()
    )
    db_session().commit()
    return redirect(url_for("learner.placement_check"), code=303)


@bp.post("/placement/skip")
def skip_placement() -> ResponseReturnValue:
    here = current_studying()
    load_form(Schema)
    diagnostics.skip_placement(db_session(), here.enrollment, now=clock.now())
    db_session().commit()
    return redirect(url_for("learner.my_path"), code=303)


@bp.get("/skills")
def what_i_know() -> str:
    """What Selfpath thinks the learner knows, and why, per skill of the path."""
    here = current_studying()
    model = learner_model(here.enrollment)
    states = skills.states_of(db_session(), here.enrollment, model)
    named = sorted(path_skills(here.enrollment))
    summary = _calibration(here.enrollment)
    checkable = diagnostics.checkable_skills(db_session(), here.enrollment)
    db_session().commit()
    return render_template(
        "learner/skills.html",
        evidence=explain(states, named),
        checkable=checkable,
        calibration=summary,
        names=skill_names(db_session(), here.assignment.version),
    )


def _checkable(skill: str) -> EnrollmentFacts:
    here = current_studying()
    if skill not in diagnostics.checkable_skills(db_session(), here.enrollment):
        raise NotFound("This path has no question on that skill.", code="no_such_skill")
    return here.enrollment


@bp.get("/skills/<skill>/check")
def skill_check(skill: str) -> str:
    enrollment = _checkable(skill)
    state = diagnostics.current(db_session(), enrollment, learner_model(enrollment), skill)
    db_session().commit()
    return render_template(
        "learner/placement.html",
        state=state,
        skill=skill,
        names=skill_names(db_session(), enrollment.assignment.version),
        answer_url=url_for("learner.skill_check_answer", skill=skill),
        finish_url=url_for("learner.skill_check_finish", skill=skill),
    )


@bp.post("/skills/<skill>/check")
def skill_check_answer(skill: str) -> ResponseReturnValue:
    enrollment = _checkable(skill)
    form = load_form(AnswerForm)
    model = learner_model(enrollment)
    recorded = diagnostics.answer(
        db_session(),
        enrollment,
        model,
        skill,
        form["question"],
        form.get("answer") or "",
        now=clock.now(),
    )
    state = diagnostics.current(db_session(), enrollment, model, skill)
    db_session().commit()
    if recorded and state.asked == 0:  # that answer finished the check
        _flash_check(enrollment, skill)
        return redirect(url_for("learner.what_i_know"), code=303)
    return redirect(url_for("learner.skill_check", skill=skill), code=303)


@bp.post("/skills/<skill>/check/finish")
def skill_check_finish(skill: str) -> ResponseReturnValue:
    enrollment = _checkable(skill)
    load_form(Schema)
    diagnostics.finish(db_session(), enrollment, learner_model(enrollment), skill, now=clock.now())
    db_session().commit()
    _flash_check(enrollment, skill)
    return redirect(url_for("learner.what_i_know"), code=303)


def _flash_check(enrollment: EnrollmentFacts, key: str) -> None:
    result = diagnostics.last_skill_check(db_session(), enrollment, key)
    skill = skill_names(db_session(), enrollment.assignment.version)[key]
    if result is not None and result.mastered:
        flash(
            _("Check done: Selfpath now thinks you master “%(skill)s”.", skill=skill)
            + " "
            + _("Steps marked as tested out: %(count)d.", count=len(result.tested_out))
        )
    else:
        flash(
            _(
                "Check done: “%(skill)s” is not shown as mastered yet. Its steps will help.",
                skill=skill,
            )
        )


@bp.post("/goal")
def goal() -> ResponseReturnValue:
    here = current_studying()
    try:
        form = load_form(GoalForm)
        goals.set_goal(
            db_session(),
            here.enrollment,
            now=clock.now(),
            minutes_per_week=form.get("minutes_per_week"),
            target_date=form.get("target_date"),
        )
    except DomainError as refused:
        db_session().rollback()  # a first visit's enrollment too: the page is drawn afresh
        reason = translated(refused.code, refused.message, refused.params)
        typed = {name: request.form.get(name, "") for name in ("minutes_per_week", "target_date")}
        return my_path_page_for(current_studying(), reason, typed)
    db_session().commit()
    flash(_("Your goal is saved."))
    return redirect(url_for("learner.my_path"), code=303)


@bp.get("/my-data")
def download_my_data() -> Response:
    here = current_studying()
    document = personal_data(db_session(), here.user_id)
    db_session().commit()
    return Response(
        json.dumps(document, ensure_ascii=False, indent=2, default=str),
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=my-selfpath-data.json"},
    )


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
        raise DomainError(
            "Your prediction is a number from 0 to 100.", code="invalid_form"
        ) from error
    if not 0 <= value <= 100:
        raise DomainError("Your prediction is a number from 0 to 100.", code="invalid_form")
    return value / 100
