"""Editing drafts under stable keys, checking them field by field, and moving an
assignment to a new version without losing progress."""

from dataclasses import replace

import pytest

from paths.authoring import PathDraft, QuestionDraft, StepDraft, check_draft, publish
from paths.db import utcnow
from paths.drafts import (
    add_step,
    compare_versions,
    copy_title,
    move_assignment,
    move_step,
    new_key,
    remove_step,
    replace_step,
    used_keys,
)
from paths.errors import Conflict, DomainError, NotFound
from paths.graph import InvalidPath
from paths.study import completion
from paths.study.path_view import path_view

QUESTION = QuestionDraft(kind="choice", prompt="?", choices=("a", "b"), answer=1)


def draft(*steps: StepDraft) -> PathDraft:
    return PathDraft(title="Cells", steps=steps)


def test_new_keys_are_readable_and_never_taken():
    assert new_key("Judge a source!", []) == "judge-a-source"
    assert new_key("Đánh giá nguồn tin", []) == "danh-gia-nguon-tin"
    assert new_key("？！", []) == "step"
    assert new_key("Intro", ["intro", "intro-2"]) == "intro-3"
    assert len(new_key("x" * 300, [])) <= 40


def test_removing_a_step_removes_the_links_to_it():
    edited = remove_step(
        draft(
            StepDraft("c", "checkpoint", "C", questions=(QUESTION,)),
            StepDraft("r", "read", "R", prerequisites=("c",), remedial_for="c"),
            StepDraft("s", "read", "S", prerequisites=("r", "c")),
        ),
        "c",
    )
    assert [(s.key, s.prerequisites, s.remedial_for) for s in edited.steps] == [
        ("r", (), None),
        ("s", ("r",), None),
    ]
    with pytest.raises(NotFound):
        remove_step(edited, "c")


def test_moving_a_step_stays_inside_the_path():
    steps = draft(StepDraft("a", "read", "A"), StepDraft("b", "read", "B"))
    assert [s.key for s in move_step(steps, "b", -1).steps] == ["b", "a"]
    assert [s.key for s in move_step(steps, "b", 1).steps] == ["a", "b"]


def test_links_are_checked_when_a_step_changes():
    steps = draft(StepDraft("a", "read", "A"), StepDraft("c", "read", "C", prerequisites=("a",)))
    with pytest.raises(InvalidPath) as error:
        replace_step(steps, StepDraft("a", "read", "A", prerequisites=("c",)))
    assert error.value.message == "the prerequisites form a cycle: a → c → a"
    assert error.value.params == {"cycle": "a → c → a"}
    with pytest.raises(InvalidPath, match="unknown step 'zz'"):
        replace_step(steps, StepDraft("a", "read", "A", prerequisites=("zz",)))
    with pytest.raises(InvalidPath, match="not a checkpoint"):
        replace_step(steps, StepDraft("a", "read", "A", remedial_for="c"))
    with pytest.raises(Conflict):
        add_step(steps, StepDraft("a", "read", "Again"))


def test_check_draft_names_each_field_like_the_json_format():
    broken = draft(
        StepDraft("a", "lecture", "A", minutes=700),
        StepDraft("a", "read", "", prerequisites=("a", "s9"), remedial_for="a"),
        StepDraft(
            "c",
            "checkpoint",
            "C",
            mastery_threshold=1.5,
            questions=(
                replace(QUESTION, answer=2),
                QuestionDraft("short", "?", answer=[]),
                replace(QUESTION, choices=("only",), answer=0),
            ),
        ),
        StepDraft("d", "checkpoint", "D"),
        StepDraft("e", "read", "E", questions=(QUESTION,)),
    )
    with pytest.raises(InvalidPath) as error:
        check_draft(replace(broken, title=" "))
    assert error.value.message.split("; ") == [
        "title: a path needs a title",
        "steps[1].key: two steps share the key 'a'",
        "steps[0].kind: must be one of read, watch, practice, checkpoint, reflect, external",
        "steps[0].minutes: must be between 0 and 600",
        "steps[1].title: a step needs a title",
        "steps[1].prerequisites[1]: unknown step 's9'",
        "steps[1].remedial_for: 'a' is not a checkpoint of this path",
        "steps[2].checkpoint.threshold: the mastery threshold is a fraction in (0, 1]",
        "steps[2].checkpoint.questions[0].answer: the answer must be the index of one of its "
        "choices (0 to 1)",
        "steps[2].checkpoint.questions[1].accepted: give at least one accepted answer",
        "steps[2].checkpoint.questions[2].choices: give at least two choices",
        "steps[3].checkpoint.questions: a checkpoint needs questions",
        "steps[4].checkpoint: only a checkpoint step has questions",
    ]
    with pytest.raises(InvalidPath, match="steps: a path needs at least one step"):
        check_draft(draft())


def test_check_draft_names_a_cycle():
    with pytest.raises(DomainError) as error:
        check_draft(
            draft(
                StepDraft("a", "read", "A", prerequisites=("c",)),
                StepDraft("c", "read", "C", prerequisites=("a",)),
            )
        )
    assert error.value.code == "prerequisite_cycle"
    assert error.value.message == "the prerequisites form a cycle: a → c → a"


def test_copy_title_fits_the_column():
    assert copy_title("Cells") == "Cells (copy)"
    assert len(copy_title("x" * 200)) == 200


def test_moving_an_assignment_keeps_progress_by_key(session, enrollment, demo_draft):
    v1 = enrollment.assignment.version
    now = utcnow()
    for key in ("search-basics", "search-queries", "search-review"):
        completion.complete_step(session, enrollment, key, now=now)
    extra = StepDraft("search-more", "read", "Search more", prerequisites=("search-basics",))
    without = remove_step(demo_draft, "search-review")
    v2_draft = replace(without, steps=(*without.steps, extra))
    v2_draft = replace_step(v2_draft, replace(v2_draft.steps[0], title="Search engines"))
    v2 = publish(session, v1.path, v2_draft, now=now)
    assert used_keys(session, v1.path_id) >= {"search-review", "search-more"}

    changes = compare_versions(v1, v2)
    assert [c.key for c in changes.added] == ["search-more"]
    assert [c.key for c in changes.removed] == ["search-review"]
    assert [c.key for c in changes.changed] == ["search-basics"]

    assert move_assignment(session, enrollment.assignment, v2, moved_by=None) == changes
    session.commit()
    session.expire_all()
    statuses = {s.step.key: s.status for s in path_view(session, enrollment, now).steps}
    assert statuses["search-basics"] == "done" and statuses["search-queries"] == "done"
    assert statuses["search-more"] == "available" and "search-review" not in statuses
    with pytest.raises(Conflict):
        move_assignment(session, enrollment.assignment, v2, moved_by=None)
