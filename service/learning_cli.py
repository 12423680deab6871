"""`flask skills evaluate` and `flask skills fit`: the mastery models on response logs."""

from __future__ import annotations

import json
from collections import Counter
from functools import partial
from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from paths.enrollment import Enrollment
from paths.errors import DomainError
from paths.learning.evaluation import (
    CrossValidation,
    Scores,
    cross_validate,
    model_predictions,
    score,
    skill_mean_predictions,
    timed_fit,
)
from paths.learning.families import DEFAULT_MODEL, MODEL_NAMES, make_model
from paths.learning.mastery import MasteryModel
from paths.learning.responses import (
    MAX_ANSWERS,
    ResponseLog,
    drop_single_answer_learners,
    drop_unknown_skills,
    read_responses,
)
from paths.published import published_steps
from paths.study import review_cards, skills, state
from service.clock import now
from service.extensions import db_session
from service.learner.estimates import fitted_models
from service.settings import current_settings

skills_cli = AppGroup("skills", help="Mastery models: evaluate and fit them on answer logs.")


def register(app: Flask) -> None:
    app.cli.add_command(skills_cli)


def _skill_list(raw: str | None) -> set[str] | None:
    if raw is None:
        return None
    names = {name.strip() for name in raw.split(",") if name.strip()}
    if not names:
        raise click.ClickException("--skills names no skill: give them separated by commas.")
    return names


def _load(
    path: str, label: str, skills: set[str] | None = None, max_answers: int = MAX_ANSWERS
) -> ResponseLog:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            log = read_responses(
                handle, name=f"{label} {path}", skills=skills, max_answers=max_answers
            )
    except OSError as error:
        raise click.ClickException(f"Cannot read {path}: {error.strerror}.") from error
    except UnicodeDecodeError as error:
        raise click.ClickException(f"{path} is not UTF-8 text.") from error
    except DomainError as error:
        raise click.ClickException(error.message) from error
    log = drop_single_answer_learners(log)
    if not log.responses:
        raise click.ClickException(f"{label} {path} has no learner with two or more answers.")
    return log


def _report_skipped(label: str, log: ResponseLog) -> None:
    for note in log.notes():
        click.echo(f"{label}: {note}", err=True)


_SKILLS_HELP = "Only these skills (comma-separated): answers on others are skipped and counted."
_MAX_HELP = f"Refuse a log with more answers than this (default {MAX_ANSWERS:,})."


@skills_cli.command("evaluate")
@click.option("--train", "train_path", required=True, help="CSV log to fit the models on.")
@click.option("--test", "test_path", required=True, help="CSV log to predict.")
@click.option(
    "--folds",
    default=5,
    show_default=True,
    type=click.IntRange(min=0),
    help="Also cross-validate on TRAIN with this many folds of learners (0: do not).",
)
@click.option("--skills", "skill_list", default=None, help=_SKILLS_HELP)
@click.option("--max-answers", default=MAX_ANSWERS, type=click.IntRange(min=1), help=_MAX_HELP)
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def evaluate(
    train_path: str,
    test_path: str,
    folds: int,
    skill_list: str | None,
    max_answers: int,
    as_json: bool,
) -> None:
    """Fit every model on TRAIN; report next-answer AUC, RMSE and log loss on TEST, each
    model's fit time, and a learner-level cross-validation on TRAIN."""
    if folds == 1:
        raise click.ClickException("--folds must be 0 (no cross-validation) or at least 2.")
    wanted = _skill_list(skill_list)
    train = _load(train_path, "training log", wanted, max_answers)
    test = _load(test_path, "test log", wanted, max_answers)
    test = drop_unknown_skills(test, {r.skill for r in train.responses})
    _report_skipped("training log", train)
    _report_skipped("test log", test)
    if not test.responses:
        raise click.ClickException("No answer in the test log is on a skill of the training log.")
    labels = [r.correct for r in test.responses]
    results = {"skill_mean": score(labels, skill_mean_predictions(train.responses, test.responses))}
    seconds: dict[str, float] = {}
    for name in MODEL_NAMES:
        fitted, seconds[name] = timed_fit(make_model(name), train.responses)
        results[name] = score(labels, model_predictions(fitted, test.responses))
    crossed = _cross_validate(train, folds)
    if as_json:
        data: dict[str, object] = {
            name: {**_as_dict(s), **_fit_time(seconds, name)} for name, s in results.items()
        }
        if crossed:
            data["cross_validation"] = {"folds": folds, **_cv_dict(crossed)}
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"Fitted on {train_path}, predicting {test_path}:")
    click.echo(f"{'model':<12}{'answers':>9}{'AUC':>8}{'RMSE':>8}{'log loss':>10}{'fit s':>9}")
    for name, s in results.items():
        marker = " (default)" if name == DEFAULT_MODEL else ""
        took = f"{seconds[name]:>9.2f}" if name in seconds else f"{'':>9}"
        click.echo(
            f"{name:<12}{s.count:>9}{s.auc:>8.4f}{s.rmse:>8.4f}{s.log_loss:>10.4f}{took}{marker}"
        )
    if crossed:
        _print_cross_validation(crossed, folds, train_path)


def _cross_validate(train: ResponseLog, folds: int) -> dict[str, CrossValidation]:
    if not folds:
        return {}
    try:
        return {
            name: cross_validate(partial(make_model, name), train.responses, folds)
            for name in MODEL_NAMES
        }
    except DomainError as error:
        raise click.ClickException(error.message) from error


def _print_cross_validation(crossed: dict[str, CrossValidation], folds: int, path: str) -> None:
    click.echo(f"\nLearner-level {folds}-fold cross-validation on {path}:")
    click.echo(
        f"{'model':<12}{'answers':>9}{'AUC':>8}{'± sd':>8}{'RMSE':>8}{'log loss':>10}{'fit s':>9}"
    )
    for name, cv in crossed.items():
        s = cv.pooled
        marker = " (default)" if name == DEFAULT_MODEL else ""
        click.echo(
            f"{name:<12}{s.count:>9}{s.auc:>8.4f}{cv.fold_auc_sd:>8.4f}{s.rmse:>8.4f}"
            f"{s.log_loss:>10.4f}{cv.fit_seconds:>9.2f}{marker}"
        )


def _as_dict(s: Scores) -> dict[str, float]:
    return {"answers": s.count, "auc": s.auc, "rmse": s.rmse, "log_loss": s.log_loss}


def _fit_time(seconds: dict[str, float], name: str) -> dict[str, float]:
    return {"fit_seconds": seconds[name]} if name in seconds else {}


def _cv_dict(crossed: dict[str, CrossValidation]) -> dict[str, dict[str, float]]:
    return {
        name: {
            **_as_dict(cv.pooled),
            "fold_auc_mean": cv.fold_auc_mean,
            "fold_auc_sd": cv.fold_auc_sd,
            "fit_seconds": cv.fit_seconds,
        }
        for name, cv in crossed.items()
    }


@skills_cli.command("fit")
@click.option(
    "--from-csv",
    "csv_path",
    default=None,
    help="CSV log to fit on. Without it: the answers logged in Selfpath's database, "
    "and the fitted parameters are saved for the learner model to use.",
)
@click.option(
    "--model",
    "model_name",
    default=None,
    type=click.Choice(MODEL_NAMES, case_sensitive=False),
    help="Model family (default: MASTERY_MODEL).",
)
@click.option("--out", "out_path", default=None, help="Write the JSON here instead of printing.")
@click.option("--skills", "skill_list", default=None, help=_SKILLS_HELP)
@click.option("--max-answers", default=MAX_ANSWERS, type=click.IntRange(min=1), help=_MAX_HELP)
def fit(
    csv_path: str | None,
    model_name: str | None,
    out_path: str | None,
    skill_list: str | None,
    max_answers: int,
) -> None:
    """Fit per-skill parameters of a model; print or write them as JSON (from a CSV log), or
    save them in the database (from the logged answers) and rebuild every mastery estimate."""
    model_name = (model_name or current_settings().mastery_model).lower()
    if csv_path is None:
        _fit_from_database(model_name, out_path)
        return
    log = _load(csv_path, "log", _skill_list(skill_list), max_answers)
    _report_skipped("log", log)
    fitted, seconds = timed_fit(make_model(model_name), log.responses)
    click.echo(f"Fitted {model_name} on {_summary(log)} in {seconds:.1f} s.", err=True)
    _write_json(fitted, out_path)


def _summary(log: ResponseLog) -> str:
    learners = len({r.user for r in log.responses})
    skill_count = len({r.skill for r in log.responses})
    return f"{len(log.responses)} answers of {learners} learner(s) on {skill_count} skill(s)"


def _write_json(fitted: MasteryModel, out_path: str | None) -> None:
    text = json.dumps(fitted.params_json(), indent=2, sort_keys=True)
    if out_path is None:
        click.echo(text)
        return
    try:
        Path(out_path).write_text(text + "\n", encoding="utf-8")
    except OSError as error:
        raise click.ClickException(f"Cannot write {out_path}: {error.strerror}.") from error
    fitted_skills = len(fitted.params_json()["skills"])
    click.echo(f"Wrote {fitted.name} parameters for {fitted_skills} skill(s) to {out_path}.")


def _fit_from_database(model_name: str, out_path: str | None) -> None:
    session = db_session()
    log = drop_single_answer_learners(ResponseLog(skills.logged_responses(session)))
    if not log.responses:
        click.echo(
            "No learner has answered two or more questions yet: there is nothing to fit, so "
            "nothing was saved and the model keeps its default parameters."
        )
        return
    _report_skipped("database", log)
    fitted, seconds = timed_fit(make_model(model_name), log.responses)
    counts = Counter(r.skill for r in log.responses)
    saved = skills.save_parameters(session, fitted, counts, now(), cache=fitted_models())
    learners = len({r.user for r in log.responses})
    click.echo(
        f"Fitted {model_name} parameters for {saved} skill(s) from "
        f"{len(log.responses)} answers of {learners} learner(s) in {seconds:.1f} s, "
        "and saved them."
    )
    if model_name == current_settings().mastery_model:
        rebuilt = skills.rebuild_all(session, skills.fitted_model(session, model_name))
        click.echo(f"Rebuilt the mastery estimates of {rebuilt} enrollment(s).")
    session.commit()
    if out_path is not None:
        _write_json(fitted, out_path)


@skills_cli.command("rebuild")
def rebuild() -> None:
    """Recompute every mastery estimate and review schedule from the logged events."""
    session = db_session()
    model = skills.fitted_model(session, current_settings().mastery_model)
    count = skills.rebuild_all(session, model)
    for enrollment in session.scalars(select(Enrollment)):
        thresholds = {
            s.key: s.mastery_threshold
            for s in published_steps(session, enrollment.assignment.version)
        }
        review_cards.rebuild_cards(session, enrollment.id, thresholds)
    learner_states = state.rebuild_all(session)
    session.commit()
    click.echo(f"Rebuilt the mastery estimates and review schedules of {count} enrollment(s).")
    click.echo(f"Rebuilt the learner states of {learner_states} enrollment(s).")
