"""The authoring forms: allow-list schemas, and turning what they hold into draft steps
and questions."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from marshmallow import Schema, fields, validate
from werkzeug.datastructures import MultiDict

from paths.authoring import QuestionDraft, StepDraft
from paths.catalog import QUESTION_KINDS, STEP_KINDS
from paths.errors import DomainError

CHOICE_SLOTS = 6
LANGUAGES = ("en", "vi")


class PathDetailsForm(Schema):
    title = fields.String(required=True, validate=validate.Length(1, 200))
    description = fields.String(load_default="", validate=validate.Length(0, 5000))
    language = fields.String(required=True, validate=validate.OneOf(LANGUAGES))


class NewStepForm(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(STEP_KINDS))
    title = fields.String(required=True, validate=validate.Length(1, 200))


class StepForm(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(STEP_KINDS))
    title = fields.String(required=True, validate=validate.Length(1, 200))
    instructions = fields.String(load_default="", validate=validate.Length(0, 10000))
    resource_url = fields.String(load_default=None, validate=validate.Length(1, 2048))
    resource_licence = fields.String(load_default=None, validate=validate.Length(1, 120))
    resource_source = fields.String(load_default=None, validate=validate.Length(1, 200))
    resource_framable = fields.Boolean(load_default=False)
    minutes = fields.Integer(load_default=10, validate=validate.Range(0, 600))
    skills = fields.String(load_default="", validate=validate.Length(0, 1000))
    optional = fields.Boolean(load_default=False)
    prerequisites = fields.List(fields.String(validate=validate.Length(1, 40)), load_default=list)
    remedial_for = fields.String(load_default=None, validate=validate.Length(1, 40))
    threshold = fields.Integer(load_default=None, validate=validate.Range(1, 100))


class MoveStepForm(Schema):
    direction = fields.String(required=True, validate=validate.OneOf(("up", "down")))


QuestionForm = Schema.from_dict(
    {
        "kind": fields.String(required=True, validate=validate.OneOf(QUESTION_KINDS)),
        "prompt": fields.String(required=True, validate=validate.Length(1, 2000)),
        **{
            f"choice_{n}": fields.String(load_default=None, validate=validate.Length(1, 500))
            for n in range(1, CHOICE_SLOTS + 1)
        },
        "correct": fields.Integer(load_default=None, validate=validate.Range(1, CHOICE_SLOTS)),
        "accepted": fields.String(load_default="", validate=validate.Length(0, 5000)),
        "skill": fields.String(load_default=None, validate=validate.Length(1, 64)),
        "explanation": fields.String(load_default="", validate=validate.Length(0, 2000)),
    },
    name="QuestionForm",
)


class EmptyForm(Schema):
    """A button: nothing but the CSRF token."""


class VersionForm(Schema):
    version = fields.Integer(required=True, validate=validate.Range(1, 100000))


def step_from_form(step: StepDraft, form: dict[str, Any]) -> StepDraft:
    """The step with the form's fields; its key and questions stay."""
    checkpoint = form["kind"] == "checkpoint"
    threshold = form["threshold"] / 100 if checkpoint and form["threshold"] else None
    url = form["resource_url"]
    return replace(
        step,
        kind=form["kind"],
        title=form["title"].strip(),
        instructions=form["instructions"].strip(),
        resource_url=url,
        resource_licence=form["resource_licence"] if url else None,
        resource_source=form["resource_source"] if url else None,
        resource_framable=bool(url) and form["resource_framable"],
        minutes=form["minutes"],
        skills=split_skills(form["skills"]),
        optional=form["optional"],
        prerequisites=tuple(dict.fromkeys(form["prerequisites"])),
        remedial_for=form["remedial_for"],
        mastery_threshold=threshold,
        questions=step.questions if checkpoint else (),
    )


def step_as_typed(step: StepDraft, typed: MultiDict[str, str]) -> StepDraft:
    """The step as the teacher typed it in a refused form, to show the form again with
    their input kept (values that did not parse are shown as typed)."""
    kind = typed.get("kind", step.kind)
    threshold = typed.get("threshold", "")
    shown: dict[str, Any] = {
        "kind": kind if kind in STEP_KINDS else step.kind,
        "minutes": typed.get("minutes", ""),
        "skills": split_skills(typed.get("skills", "")),
        "resource_framable": "resource_framable" in typed,
        "optional": "optional" in typed,
        "prerequisites": tuple(typed.getlist("prerequisites")),
        "remedial_for": typed.get("remedial_for") or None,
        "mastery_threshold": int(threshold) / 100 if threshold.isdigit() else None,
    }
    for name in ("title", "instructions", "resource_url", "resource_licence", "resource_source"):
        shown[name] = typed.get(name, "")
    return replace(step, **shown)


def split_skills(raw: str) -> tuple[str, ...]:
    names = (name.strip() for name in raw.split(","))
    return tuple(dict.fromkeys(name for name in names if name))


def question_from_form(form: dict[str, Any]) -> QuestionDraft:
    common = {
        "prompt": form["prompt"].strip(),
        "skill": form["skill"],
        "explanation": form["explanation"].strip(),
    }
    if form["kind"] == "short":
        accepted = [line.strip() for line in form["accepted"].splitlines() if line.strip()]
        if not accepted:
            raise DomainError(
                "Give at least one accepted answer, one per line.", code="no_accepted_answer"
            )
        return QuestionDraft(kind="short", answer=accepted, **common)
    slots = [(n, form.get(f"choice_{n}")) for n in range(1, CHOICE_SLOTS + 1)]
    filled = [(n, text.strip()) for n, text in slots if text and text.strip()]
    numbers = [n for n, _text in filled]
    if len(filled) < 2 or form["correct"] not in numbers:
        raise DomainError(
            "Write at least two choices and mark the right one.", code="no_right_choice"
        )
    return QuestionDraft(
        kind="choice",
        choices=tuple(text for _n, text in filled),
        answer=numbers.index(form["correct"]),
        **common,
    )


def question_as_typed(typed: MultiDict[str, str]) -> QuestionDraft:
    """The question as the teacher typed it in a refused form, every choice slot kept in
    its place, to show the form again with their input kept."""
    kind = "short" if typed.get("kind") == "short" else "choice"
    correct = typed.get("correct", "")
    right = int(correct) - 1 if correct.isdigit() else None
    return QuestionDraft(
        kind=kind,
        prompt=typed.get("prompt", ""),
        answer=typed.get("accepted", "").splitlines() if kind == "short" else right,
        choices=tuple(typed.get(f"choice_{n}", "") for n in range(1, CHOICE_SLOTS + 1)),
        skill=typed.get("skill", ""),
        explanation=typed.get("explanation", ""),
    )


def question_slots(question: QuestionDraft | None) -> list[tuple[int, str, bool]]:
    """The choice inputs of the question form: (number, text, is the right one)."""
    choices = list(question.choices) if question and question.kind == "choice" else []
    right = question.answer if question and question.kind == "choice" else None
    return [
        (n, choices[n - 1] if n <= len(choices) else "", right == n - 1)
        for n in range(1, CHOICE_SLOTS + 1)
    ]
