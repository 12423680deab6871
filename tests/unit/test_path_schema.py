"""The published JSON Schema (`docs/path.schema.json`) and the importer agree: the demo
content and every dumped path follow the schema, and what the schema rejects the
importer rejects too, naming the field."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from paths.errors import DomainError
from service.path_json import dump_path, load_draft, load_path

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs/path.schema.json").read_text())
CONTENT = sorted(
    [
        *(ROOT / "service/demo/content").glob("*.json"),
        *(ROOT / "service/library/starter").glob("*.json"),
    ]
)
DEMO = json.loads((ROOT / "service/demo/content/digital_skills.en.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker())


def test_the_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("path", CONTENT, ids=lambda p: p.name)
def test_demo_and_starter_content_follow_the_schema(path):
    document = json.loads(path.read_text(encoding="utf-8"))
    VALIDATOR.validate(document)
    dumped = dump_path(load_path(document))
    VALIDATOR.validate(dumped)
    assert dump_path(load_path(dumped)) == dumped
    # What the file says of the path, its steps and skills survives loading.
    assert {k: v for k, v in dumped.items() if k != "uuid"} == {
        k: v for k, v in dump_path(load_path(document)).items() if k != "uuid"
    }
    assert [s.get("uuid") for s in dumped["steps"]] == [s.get("uuid") for s in document["steps"]]


def test_files_without_the_library_fields_still_import():
    old = {"title": "Old file", "steps": [{"key": "a", "kind": "read", "title": "A"}]}
    draft = load_path(old)
    assert (draft.uuid, draft.subject, draft.level, draft.skills) == (None, None, None, ())
    assert draft.steps[0].uuid is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"uuid": "not-a-uuid"}, "uuid"),
        ({"subject": "astrology"}, "subject"),
        ({"level": "university"}, "level"),
        ({"skills": [{"key": "a", "label": "A"}, {"key": "a", "label": "Again"}]}, "skills"),
        ({"skills": [{"key": "a"}]}, "skills"),
    ],
)
def test_bad_library_fields_are_refused_by_name(change, field):
    document = {"title": "T", "steps": [{"key": "a", "kind": "read", "title": "A"}], **change}
    with pytest.raises(DomainError) as refused:
        load_path(document)
    assert field in refused.value.message


def _set(pointer, value):
    def change(doc):
        *parents, last = pointer
        target = doc
        for part in parents:
            target = target[part]
        target[last] = value

    return change


def _drop(pointer):
    def change(doc):
        *parents, last = pointer
        target = doc
        for part in parents:
            target = target[part]
        del target[last]

    return change


STEP0, CHECK = ("steps", 0), ("steps", 2, "checkpoint")
QUESTION0 = (*CHECK, "questions", 0)
SHORT = (*CHECK, "questions", 2)

# (what breaks the document, the field the importer names)
SCHEMA_VIOLATIONS = {
    "missing title": (_drop(("title",)), "title: Missing data for required field."),
    "empty title": (_set(("title",), ""), "title: Length must be between 1 and 200."),
    "wrong format": (_set(("format",), "selfpath-path/2"), "format: Must be equal to"),
    "language": (_set(("language",), "fr"), "language: Must be one of: en, vi."),
    "unknown top-level field": (_set(("author",), "me"), "author: Unknown field."),
    "no steps": (_set(("steps",), []), "steps: a path needs at least one step"),
    "unknown step kind": (_set((*STEP0, "kind"), "lecture"), "steps[0].kind: Must be one of"),
    "unknown step field": (_set((*STEP0, "colour"), "red"), "steps[0].colour: Unknown field."),
    "bad key": (_set((*STEP0, "key"), "-bad key"), "steps[0].key: use letters"),
    "minutes too many": (_set((*STEP0, "minutes"), 601), "steps[0].minutes: Must be"),
    "minutes as text": (_set((*STEP0, "minutes"), "10"), "steps[0].minutes: Not a valid"),
    "optional as text": (_set((*STEP0, "optional"), "yes"), "steps[0].optional: Not a valid"),
    "resource without url": (
        _set((*STEP0, "resource"), {"licence": "CC BY"}),
        "steps[0].resource.url: Missing data",
    ),
    "resource not http": (
        _set((*STEP0, "resource"), {"url": "ftp://example.org/a"}),
        "steps[0].resource.url: Not a valid URL.",
    ),
    "checkpoint without checkpoint": (
        _drop(CHECK),
        "steps[2].checkpoint.questions: a checkpoint needs questions",
    ),
    "checkpoint on a read step": (
        _set((*STEP0, "checkpoint"), {"questions": []}),
        "steps[0].checkpoint: only a step of kind checkpoint",
    ),
    "no questions": (
        _set((*CHECK, "questions"), []),
        "steps[2].checkpoint.questions: a checkpoint needs questions",
    ),
    "threshold above 1": (
        _set((*CHECK, "threshold"), 1.5),
        "steps[2].checkpoint.threshold: Must be greater than 0",
    ),
    "unknown question kind": (
        _set((*QUESTION0, "kind"), "essay"),
        "steps[2].checkpoint.questions[0].kind: Must be one of",
    ),
    "choice answer out of range": (
        _set((*QUESTION0, "answer"), 3),
        "steps[2].checkpoint.questions[0].answer: the answer must "
        "be the index of one of its choices (0 to 2)",
    ),
    "negative choice answer": (
        _set((*QUESTION0, "answer"), -1),
        "steps[2].checkpoint.questions[0].answer: the answer must",
    ),
    "choice without answer": (
        _drop((*QUESTION0, "answer")),
        "steps[2].checkpoint.questions[0].answer: the answer must",
    ),
    "one choice only": (
        _set((*QUESTION0, "choices"), ["x"]),
        "steps[2].checkpoint.questions[0].choices: give at least two",
    ),
    "short answer with choices": (
        _set((*SHORT, "choices"), ["a", "b"]),
        "steps[2].checkpoint.questions[2].choices: a short-answer",
    ),
    "short answer without accepted": (
        _set((*SHORT, "accepted"), []),
        "steps[2].checkpoint.questions[2].accepted: give at least one accepted answer",
    ),
    "unknown question field": (
        _set((*QUESTION0, "points"), 2),
        "steps[2].checkpoint.questions[0].points: Unknown field.",
    ),
}

# Rules about references between steps, which a JSON Schema cannot state: the importer
# checks them and names the field.
REFERENCE_VIOLATIONS = {
    "unknown prerequisite": (
        _set(("steps", 3, "prerequisites"), ["s9"]),
        "steps[3].prerequisites[0]: unknown step 's9'",
    ),
    "remedial for a read step": (
        _set(("steps", 3, "remedial_for"), "search-basics"),
        "steps[3].remedial_for: 'search-basics' is not a checkpoint",
    ),
    "remedial for an unknown step": (
        _set(("steps", 3, "remedial_for"), "s9"),
        "steps[3].remedial_for: 's9' is not a checkpoint",
    ),
    "duplicate key": (
        _set(("steps", 1, "key"), "search-basics"),
        "steps[1].key: two steps share the key 'search-basics'",
    ),
    "cycle": (
        _set((*STEP0, "prerequisites"), ["search-queries"]),
        "the prerequisites form a cycle: search-basics → search-queries → search-basics",
    ),
}


def broken(change) -> dict:
    document = copy.deepcopy(DEMO)
    change(document)
    return document


@pytest.mark.parametrize("case", SCHEMA_VIOLATIONS)
def test_what_the_schema_rejects_the_importer_rejects_naming_the_field(case):
    change, message = SCHEMA_VIOLATIONS[case]
    document = broken(change)
    assert not VALIDATOR.is_valid(document)
    with pytest.raises(DomainError) as error:
        load_path(document)
    assert message in error.value.message


@pytest.mark.parametrize("case", REFERENCE_VIOLATIONS)
def test_references_between_steps_are_checked_on_import(case):
    change, message = REFERENCE_VIOLATIONS[case]
    document = broken(change)
    assert VALIDATOR.is_valid(document)  # beyond what a JSON Schema can say
    with pytest.raises(DomainError) as error:
        load_path(document)
    assert message in error.value.message


def test_a_draft_may_be_unfinished_but_its_fields_are_still_checked():
    unfinished = {
        "title": "Cells",
        "steps": [
            {"key": "c", "kind": "checkpoint", "title": "Check", "checkpoint": {"questions": []}}
        ],
    }
    assert load_draft(unfinished).steps[0].questions == ()
    with pytest.raises(DomainError, match="steps: a path needs at least one step"):
        load_path({"title": "Cells", "steps": []})
    with pytest.raises(DomainError, match=r"steps\[0\].colour: Unknown field."):
        load_draft(
            {
                "title": "Cells",
                "steps": [{"key": "a", "kind": "read", "title": "A", "colour": "red"}],
            }
        )
    with pytest.raises(DomainError, match="must be a JSON object"):
        load_draft(["not", "a", "path"])
