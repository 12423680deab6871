"""Paths as JSON (format `selfpath-path/1`, published as `docs/path.schema.json`): loading
with an allow-list schema into a draft the domain can publish, and dumping a published
version or a draft back. A path's editable draft is stored in the same format."""

from __future__ import annotations

import json
import re
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from paths.authoring import PathDraft, QuestionDraft, SkillLabel, StepDraft, check_draft
from paths.catalog import LEVELS, QUESTION_KINDS, STEP_KINDS, SUBJECTS, PathVersion
from paths.competencies.alignments import AlignmentDraft
from paths.errors import DomainError

FORMAT = "selfpath-path/1"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
KEY = validate.Regexp(KEY_PATTERN, error="use letters, digits, '-', '_' or '.', at most 40")
MAX_CHOICES = 10
# A path nests five levels (path, steps, step, checkpoint, questions...): deeper files are
# not paths, and Python's JSON parser overflows its stack near a thousand levels.
MAX_DEPTH = 20
_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_BRACKET = re.compile(r"[\[\]{}]")


def _flag(**kwargs: Any) -> fields.Boolean:
    """A JSON boolean: true or false, not "yes" or 1."""
    return fields.Boolean(truthy={True}, falsy={False}, **kwargs)


class QuestionSchema(Schema):
    class Meta:
        unknown = RAISE

    kind = fields.String(required=True, validate=validate.OneOf(QUESTION_KINDS))
    prompt = fields.String(required=True, validate=validate.Length(1, 2000))
    choices = fields.List(
        fields.String(validate=validate.Length(1, 500)),
        load_default=list,
        validate=validate.Length(0, MAX_CHOICES),
    )
    answer = fields.Integer(load_default=None, allow_none=True, strict=True)
    accepted = fields.List(fields.String(validate=validate.Length(1, 500)), load_default=list)
    skill = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 64))
    explanation = fields.String(load_default="", validate=validate.Length(0, 2000))

    @validates_schema
    def _fields_of_its_kind(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("kind") == "short" and data.get("choices"):
            raise ValidationError("a short-answer question has no choices", "choices")
        if data.get("kind") == "short" and data.get("answer") is not None:
            raise ValidationError("a short-answer question lists `accepted` answers", "answer")
        if data.get("kind") == "choice" and data.get("accepted"):
            raise ValidationError("a multiple-choice question has an `answer` index", "accepted")


class CheckpointSchema(Schema):
    class Meta:
        unknown = RAISE

    threshold = fields.Float(
        load_default=None, allow_none=True, validate=validate.Range(0, 1, min_inclusive=False)
    )
    questions = fields.List(
        fields.Nested(QuestionSchema), required=True, validate=validate.Length(0, 100)
    )


class ResourceSchema(Schema):
    class Meta:
        unknown = RAISE

    url = fields.Url(required=True, schemes={"http", "https"})
    licence = fields.String(load_default=None, allow_none=True, validate=validate.Length(0, 120))
    source = fields.String(load_default=None, allow_none=True, validate=validate.Length(0, 200))
    framable = _flag(load_default=False)


class StepSchema(Schema):
    class Meta:
        unknown = RAISE

    key = fields.String(required=True, validate=KEY)
    uuid = fields.UUID(load_default=None, allow_none=True)
    kind = fields.String(required=True, validate=validate.OneOf(STEP_KINDS))
    title = fields.String(required=True, validate=validate.Length(1, 200))
    instructions = fields.String(load_default="", validate=validate.Length(0, 10000))
    resource = fields.Nested(ResourceSchema, load_default=None, allow_none=True)
    minutes = fields.Integer(load_default=10, strict=True, validate=validate.Range(0, 600))
    skills = fields.List(fields.String(validate=validate.Length(1, 64)), load_default=list)
    optional = _flag(load_default=False)
    prerequisites = fields.List(fields.String(validate=KEY), load_default=list)
    remedial_for = fields.String(load_default=None, allow_none=True, validate=KEY)
    checkpoint = fields.Nested(CheckpointSchema, load_default=None, allow_none=True)

    @validates_schema
    def _checkpoint_of_a_checkpoint(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("checkpoint") is not None and data.get("kind") != "checkpoint":
            raise ValidationError("only a step of kind checkpoint has a checkpoint", "checkpoint")


class SkillSchema(Schema):
    class Meta:
        unknown = RAISE

    key = fields.String(required=True, validate=validate.Length(1, 64))
    label = fields.String(required=True, validate=validate.Length(1, 120))


class AlignmentSchema(Schema):
    """A skill aligned to a competency of a CASE framework (its CFDocument's URI and the
    CFItem's identifier or URI); `step` narrows it to one step of the path."""

    class Meta:
        unknown = RAISE

    skill = fields.String(required=True, validate=validate.Length(1, 64))
    framework = fields.String(required=True, validate=validate.Length(1, 2048))
    item = fields.String(required=True, validate=validate.Length(1, 2048))
    step = fields.String(load_default=None, allow_none=True, validate=KEY)


class PathSchema(Schema):
    class Meta:
        unknown = RAISE

    format = fields.String(load_default=FORMAT, validate=validate.Equal(FORMAT))
    uuid = fields.UUID(load_default=None, allow_none=True)
    title = fields.String(required=True, validate=validate.Length(1, 200))
    description = fields.String(load_default="", validate=validate.Length(0, 5000))
    language = fields.String(load_default="en", validate=validate.OneOf(("en", "vi")))
    subject = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(SUBJECTS))
    level = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(LEVELS))
    skills = fields.List(
        fields.Nested(SkillSchema), load_default=list, validate=validate.Length(0, 200)
    )

    @validates_schema
    def _one_label_per_skill(self, data: dict[str, Any], **kwargs: Any) -> None:
        keys = [s["key"] for s in data.get("skills", [])]
        if len(keys) != len(set(keys)):
            raise ValidationError("each skill is named once", "skills")

    steps = fields.List(fields.Nested(StepSchema), required=True, validate=validate.Length(0, 1000))
    alignments = fields.List(
        fields.Nested(AlignmentSchema), load_default=list, validate=validate.Length(0, 200)
    )


def parse_document(raw: bytes) -> Any:
    """The JSON value of an uploaded file, or a DomainError naming what is wrong with it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise DomainError("The file is not UTF-8 text.", code="not_utf8") from error
    if _nesting_depth(text) > MAX_DEPTH:
        raise DomainError(
            f"The file nests lists or objects more than {MAX_DEPTH} levels "
            "deep: it is not a Selfpath path.",
            code="json_too_deep",
        )
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise DomainError(
            f"line {error.lineno}, column {error.colno}: {error.msg}", code="invalid_json"
        ) from error
    except ValueError as error:  # a number of thousands of digits, which int() refuses
        raise DomainError(
            "The file holds a number too long to read.", code="invalid_json"
        ) from error
    if _holds_nul(document):
        raise DomainError(
            "The file holds a NUL character (\\u0000), which no field of a path accepts.",
            code="nul_character",
        )
    return document


def _holds_nul(value: Any) -> bool:
    """Whether a NUL is in any string or key (the database cannot store one)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def _nesting_depth(text: str) -> int:
    """How deep brackets nest outside strings, counted before parsing (which recurses)."""
    depth = deepest = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def load_path(document: Any) -> PathDraft:
    """A publishable draft from a JSON document; every error names its field
    (`steps[3].kind: ...`, `steps[3].prerequisites[0]: unknown step 's9'`)."""
    draft = load_draft(document)
    check_draft(draft)
    return draft


def load_draft(document: Any) -> PathDraft:
    """A draft that may still be unfinished (no steps yet, a checkpoint without questions):
    the fields are checked, not whether learners could follow it."""
    if not isinstance(document, dict):
        raise DomainError("the document must be a JSON object", code="invalid_path")
    try:
        data = PathSchema().load(document)
    except ValidationError as error:
        raise DomainError("; ".join(flatten_errors(error.messages)), code="invalid_path") from error
    return PathDraft(
        title=data["title"],
        description=data["description"],
        language=data["language"],
        subject=data["subject"],
        level=data["level"],
        skills=tuple(SkillLabel(s["key"], s["label"]) for s in data["skills"]),
        uuid=_text(data["uuid"]),
        steps=tuple(_step(s) for s in data["steps"]),
        alignments=tuple(AlignmentDraft(**a) for a in data["alignments"]),
    )


def _text(value: Any) -> str | None:
    return str(value) if value is not None else None


def _step(data: dict[str, Any]) -> StepDraft:
    resource = data["resource"] or {}
    checkpoint = data["checkpoint"] or {}
    return StepDraft(
        key=data["key"],
        uuid=_text(data["uuid"]),
        kind=data["kind"],
        title=data["title"],
        instructions=data["instructions"],
        resource_url=resource.get("url"),
        resource_licence=resource.get("licence"),
        resource_source=resource.get("source"),
        resource_framable=resource.get("framable", False),
        minutes=data["minutes"],
        skills=tuple(data["skills"]),
        optional=data["optional"],
        prerequisites=tuple(data["prerequisites"]),
        remedial_for=data["remedial_for"],
        mastery_threshold=checkpoint.get("threshold"),
        questions=tuple(_question(q) for q in checkpoint.get("questions", [])),
    )


def _question(data: dict[str, Any]) -> QuestionDraft:
    answer: Any = data["answer"] if data["kind"] == "choice" else list(data["accepted"])
    return QuestionDraft(
        kind=data["kind"],
        prompt=data["prompt"],
        answer=answer,
        choices=tuple(data["choices"]),
        skill=data["skill"],
        explanation=data["explanation"],
    )


def step_problems(document: Any) -> list[str]:
    """The field problems of one step in this format (`resource.url: Not a valid URL.`),
    for formats that build a path step by step and name their own part."""
    try:
        StepSchema().load(document)
    except ValidationError as error:
        return flatten_errors(error.messages)
    return []


def flatten_errors(messages: Any, prefix: str = "") -> list[str]:
    if isinstance(messages, list):
        return [f"{prefix}: {m}" if prefix else str(m) for m in messages if isinstance(m, str)]
    out: list[str] = []
    for name, value in messages.items():
        if isinstance(name, int):
            label = f"{prefix}[{name}]"
        else:
            label = f"{prefix}.{name}" if prefix else str(name)
        out.extend(flatten_errors(value, label))
    return out


def dump_path(version: PathVersion | PathDraft, *, uuid: str | None = None) -> dict[str, Any]:
    """A published version, or a draft, as a `selfpath-path/1` document. A version's path
    identity is given by the caller (`uuid`); a draft carries its own."""
    out: dict[str, Any] = {"format": FORMAT}
    identity = uuid if isinstance(version, PathVersion) else version.uuid
    if identity:
        out["uuid"] = identity
    out.update(title=version.title, description=version.description, language=version.language)
    out.update(_dump_library_fields(version))
    out["steps"] = [_dump_step(s) for s in version.steps]
    alignments = _dump_alignments(version)
    if alignments:  # files of paths without alignments stay as they were
        out["alignments"] = alignments
    return out


def _dump_alignments(version: PathVersion | PathDraft) -> list[dict[str, Any]]:
    drafts = (
        version.alignments
        if isinstance(version, PathDraft)
        else [
            AlignmentDraft(
                skill=a.skill,
                framework=a.competency.framework.uri,
                item=a.competency.identifier,
                step=a.step_key,
            )
            for a in version.alignments
        ]
    )
    return [
        {"skill": a.skill, "framework": a.framework, "item": a.item}
        | ({"step": a.step} if a.step else {})
        for a in drafts
    ]


def without_identities(document: dict[str, Any]) -> dict[str, Any]:
    """The document without its path and step identities: a copy is a new path."""
    out = {k: v for k, v in document.items() if k != "uuid"}
    out["steps"] = [
        {k: v for k, v in step.items() if k != "uuid"} for step in document.get("steps", [])
    ]
    return out


def _dump_library_fields(version: PathVersion | PathDraft) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if version.subject:
        out["subject"] = version.subject
    if version.level:
        out["level"] = version.level
    skills = (
        list(version.skill_labels or [])
        if isinstance(version, PathVersion)
        else [{"key": s.key, "label": s.label} for s in version.skills]
    )
    if skills:
        out["skills"] = skills
    return out


def _dump_step(step: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"key": step.key} | ({"uuid": step.uuid} if step.uuid else {})
    out |= {
        "kind": step.kind,
        "title": step.title,
        "instructions": step.instructions,
        "minutes": step.minutes,
        "skills": list(step.skills),
        "optional": step.optional,
        "prerequisites": list(step.prerequisites),
    }
    if step.resource_url:
        out["resource"] = {
            "url": step.resource_url,
            "licence": step.resource_licence,
            "source": step.resource_source,
            "framable": step.resource_framable,
        }
    if step.remedial_for:
        out["remedial_for"] = step.remedial_for
    if step.kind == "checkpoint":
        out["checkpoint"] = {
            "threshold": step.mastery_threshold,
            "questions": [_dump_question(q) for q in step.questions],
        }
    return out


def _dump_question(question: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": question.kind,
        "prompt": question.prompt,
        "skill": question.skill,
        "explanation": question.explanation,
    }
    if question.kind == "choice":
        out.update(choices=list(question.choices), answer=question.answer)
    else:
        out["accepted"] = list(question.answer)
    return out
