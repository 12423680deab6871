"""Paths as JSON (format `selfpath-path/1`): loading with an allow-list schema into a
draft the domain can publish, and dumping a published version back."""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from paths.authoring import PathDraft, QuestionDraft, StepDraft
from paths.catalog import QUESTION_KINDS, STEP_KINDS, PathVersion
from paths.errors import DomainError

FORMAT = "selfpath-path/1"
KEY = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$",
                      error="use letters, digits, '-', '_' or '.', at most 40")


class QuestionSchema(Schema):
    class Meta:
        unknown = RAISE

    kind = fields.String(required=True, validate=validate.OneOf(QUESTION_KINDS))
    prompt = fields.String(required=True, validate=validate.Length(1, 2000))
    choices = fields.List(fields.String(validate=validate.Length(1, 500)), load_default=list)
    answer = fields.Integer(load_default=None, allow_none=True)
    accepted = fields.List(fields.String(validate=validate.Length(1, 500)), load_default=list)
    skill = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 64))
    explanation = fields.String(load_default="", validate=validate.Length(0, 2000))


class CheckpointSchema(Schema):
    class Meta:
        unknown = RAISE

    threshold = fields.Float(load_default=None, allow_none=True,
                             validate=validate.Range(0, 1, min_inclusive=False))
    questions = fields.List(fields.Nested(QuestionSchema), required=True,
                            validate=validate.Length(1, 100))


class ResourceSchema(Schema):
    class Meta:
        unknown = RAISE

    url = fields.Url(required=True, schemes={"http", "https"})
    licence = fields.String(load_default=None, allow_none=True, validate=validate.Length(0, 120))
    source = fields.String(load_default=None, allow_none=True, validate=validate.Length(0, 200))
    framable = fields.Boolean(load_default=False)


class StepSchema(Schema):
    class Meta:
        unknown = RAISE

    key = fields.String(required=True, validate=KEY)
    kind = fields.String(required=True, validate=validate.OneOf(STEP_KINDS))
    title = fields.String(required=True, validate=validate.Length(1, 200))
    instructions = fields.String(load_default="", validate=validate.Length(0, 10000))
    resource = fields.Nested(ResourceSchema, load_default=None, allow_none=True)
    minutes = fields.Integer(load_default=10, validate=validate.Range(0, 600))
    skills = fields.List(fields.String(validate=validate.Length(1, 64)), load_default=list)
    optional = fields.Boolean(load_default=False)
    prerequisites = fields.List(fields.String(validate=KEY), load_default=list)
    remedial_for = fields.String(load_default=None, allow_none=True, validate=KEY)
    checkpoint = fields.Nested(CheckpointSchema, load_default=None, allow_none=True)


class PathSchema(Schema):
    class Meta:
        unknown = RAISE

    format = fields.String(load_default=FORMAT, validate=validate.Equal(FORMAT))
    title = fields.String(required=True, validate=validate.Length(1, 200))
    description = fields.String(load_default="", validate=validate.Length(0, 5000))
    language = fields.String(load_default="en", validate=validate.OneOf(("en", "vi")))
    steps = fields.List(fields.Nested(StepSchema), required=True,
                        validate=validate.Length(1, 1000))


def load_path(document: Any) -> PathDraft:
    """A draft from a JSON document; errors name the field (`steps[3].kind: ...`)."""
    try:
        data = PathSchema().load(document)
    except ValidationError as error:
        raise DomainError("; ".join(_flatten(error.messages)), code="invalid_path") from error
    return PathDraft(title=data["title"], description=data["description"],
                     language=data["language"],
                     steps=tuple(_step(s) for s in data["steps"]))


def _step(data: dict[str, Any]) -> StepDraft:
    resource = data["resource"] or {}
    checkpoint = data["checkpoint"] or {}
    return StepDraft(
        key=data["key"], kind=data["kind"], title=data["title"],
        instructions=data["instructions"], resource_url=resource.get("url"),
        resource_licence=resource.get("licence"), resource_source=resource.get("source"),
        resource_framable=resource.get("framable", False), minutes=data["minutes"],
        skills=tuple(data["skills"]), optional=data["optional"],
        prerequisites=tuple(data["prerequisites"]), remedial_for=data["remedial_for"],
        mastery_threshold=checkpoint.get("threshold"),
        questions=tuple(_question(q) for q in checkpoint.get("questions", [])))


def _question(data: dict[str, Any]) -> QuestionDraft:
    answer: Any = data["answer"] if data["kind"] == "choice" else list(data["accepted"])
    return QuestionDraft(kind=data["kind"], prompt=data["prompt"], answer=answer,
                         choices=tuple(data["choices"]), skill=data["skill"],
                         explanation=data["explanation"])


def _flatten(messages: Any, prefix: str = "") -> list[str]:
    if isinstance(messages, list):
        return [f"{prefix}: {m}" if prefix else str(m) for m in messages if isinstance(m, str)]
    out: list[str] = []
    for name, value in messages.items():
        if isinstance(name, int):
            label = f"{prefix}[{name}]"
        else:
            label = f"{prefix}.{name}" if prefix else str(name)
        out.extend(_flatten(value, label))
    return out


def dump_path(version: PathVersion) -> dict[str, Any]:
    """A published version as a `selfpath-path/1` document."""
    return {"format": FORMAT, "title": version.title, "description": version.description,
            "language": version.language, "steps": [_dump_step(s) for s in version.steps]}


def _dump_step(step: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"key": step.key, "kind": step.kind, "title": step.title,
                           "instructions": step.instructions, "minutes": step.minutes,
                           "skills": list(step.skills), "optional": step.optional,
                           "prerequisites": list(step.prerequisites)}
    if step.resource_url:
        out["resource"] = {"url": step.resource_url, "licence": step.resource_licence,
                           "source": step.resource_source, "framable": step.resource_framable}
    if step.remedial_for:
        out["remedial_for"] = step.remedial_for
    if step.is_checkpoint:
        out["checkpoint"] = {"threshold": step.mastery_threshold,
                             "questions": [_dump_question(q) for q in step.questions]}
    return out


def _dump_question(question: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"kind": question.kind, "prompt": question.prompt,
                           "skill": question.skill, "explanation": question.explanation}
    if question.kind == "choice":
        out.update(choices=list(question.choices), answer=question.answer)
    else:
        out["accepted"] = list(question.answer)
    return out

