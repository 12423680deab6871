"""Teachers author paths through the editor: create, edit, publish, clone, import, export,
and move an activity to a new version without losing learners' progress."""

from __future__ import annotations

import copy
import io
import json
import re

import pytest
from sqlalchemy import delete, func, select

from paths.catalog import LearningPath, PathVersion
from paths.people import Course, User
from service.path_json import without_identities
from tests.functional.authoring import (
    DEMO,
    OTHER_TEACHER,
    add_step,
    create,
    exported,
    page_of,
    path_id_of,
    post,
    snapshot,
    text_of,
    upload,
)
from tests.functional.conftest import LtiBrowser
from tests.functional.learner_pages import assign_demo_path, statuses, token
from tests.functional.page_text import english_phrases, visible_text
from tests.platform import LEARNER, TEACHER, LaunchContext


def save_step(client, path_id, key, **fields):
    url = f"/teach/paths/{path_id}/steps/{key}"
    data = {"kind": "read", "title": key, "minutes": "10", **fields}
    return post(client, url, data, url)


# -- the editor ------------------------------------------------------------------------


def test_teacher_writes_a_path_and_publishes_it(teacher, session):
    path_id = create(teacher)
    assert "Not published yet" in page_of(teacher, f"/teach/paths/{path_id}")
    read = add_step(teacher, path_id, "Cell parts")
    practice = add_step(teacher, path_id, "Label a cell", kind="practice")
    check = add_step(teacher, path_id, "Check: cells", kind="checkpoint")
    review = add_step(teacher, path_id, "Review: cell parts")
    assert (read, practice, check, review) == (
        "cell-parts",
        "label-a-cell",
        "check-cells",
        "review-cell-parts",
    )
    response = save_step(
        teacher,
        path_id,
        read,
        title="Cell parts",
        instructions="Read and list the parts.",
        resource_url="https://en.wikipedia.org/wiki/Cell_(biology)",
        resource_licence="CC BY-SA 4.0",
        resource_source="Wikipedia",
        minutes="12",
        skills="cells, biology",
    )
    assert response.status_code == 303, text_of(response)
    save_step(
        teacher,
        path_id,
        practice,
        kind="practice",
        title="Label a cell",
        prerequisites=[read],
        optional="true",
    )
    save_step(
        teacher,
        path_id,
        check,
        kind="checkpoint",
        title="Check: cells",
        prerequisites=[practice],
        threshold="60",
    )
    save_step(
        teacher,
        path_id,
        review,
        title="Review: cell parts",
        prerequisites=[read],
        remedial_for=check,
    )
    step_url = f"/teach/paths/{path_id}/steps/{check}"
    assert (
        post(
            teacher,
            f"{step_url}/questions",
            {
                "kind": "choice",
                "prompt": "Where is DNA kept?",
                "choice_1": "Nucleus",
                "choice_2": "",
                "choice_3": "Membrane",
                "correct": "3",
                "skill": "cells",
            },
            step_url,
        ).status_code
        == 303
    )
    assert (
        post(
            teacher,
            f"{step_url}/questions",
            {
                "kind": "short",
                "prompt": "The cell's power plant?",
                "accepted": "mitochondrion\nmitochondria\n",
                "skill": "cells",
            },
            step_url,
        ).status_code
        == 303
    )
    # Editing a question: the right choice is now the first one.
    response = post(
        teacher,
        f"{step_url}/questions/1",
        {
            "kind": "choice",
            "prompt": "Where is DNA kept?",
            "choice_1": "Nucleus",
            "choice_2": "Membrane",
            "correct": "1",
            "skill": "cells",
        },
        f"{step_url}/questions/1",
    )
    assert response.status_code == 303

    response = post(teacher, f"/teach/paths/{path_id}/publish", {}, f"/teach/paths/{path_id}")
    assert response.status_code == 303
    page = page_of(teacher, f"/teach/paths/{path_id}")
    assert "Version 1 is published" in page and "the same as version 1" in page

    document = exported(teacher, f"/teach/paths/{path_id}/versions/1/export")
    assert document["title"] == "Cells" and document["language"] == "en"
    steps = {s["key"]: s for s in document["steps"]}
    assert list(steps) == [read, practice, check, review]
    assert steps[read]["resource"] == {
        "url": "https://en.wikipedia.org/wiki/Cell_(biology)",
        "licence": "CC BY-SA 4.0",
        "source": "Wikipedia",
        "framable": False,
    }
    assert steps[read]["minutes"] == 12 and steps[read]["skills"] == ["cells", "biology"]
    assert steps[practice]["optional"] is True and steps[practice]["prerequisites"] == [read]
    assert steps[review]["remedial_for"] == check
    assert steps[check]["checkpoint"] == {
        "threshold": 0.6,
        "questions": [
            {
                "kind": "choice",
                "prompt": "Where is DNA kept?",
                "skill": "cells",
                "explanation": "",
                "choices": ["Nucleus", "Membrane"],
                "answer": 0,
            },
            {
                "kind": "short",
                "prompt": "The cell's power plant?",
                "skill": "cells",
                "explanation": "",
                "accepted": ["mitochondrion", "mitochondria"],
            },
        ],
    }
    assert exported(teacher, f"/teach/paths/{path_id}/export") == document


def test_details_steps_order_and_removal_edit_only_the_draft(teacher, session):
    path_id = create(teacher)
    first, second = add_step(teacher, path_id, "One"), add_step(teacher, path_id, "Two")
    save_step(teacher, path_id, second, title="Two", prerequisites=[first])
    post(teacher, f"/teach/paths/{path_id}/publish", {}, f"/teach/paths/{path_id}")
    post(
        teacher,
        f"/teach/paths/{path_id}/details",
        {"title": "Cells, again", "description": "New", "language": "vi"},
        f"/teach/paths/{path_id}",
    )
    post(
        teacher,
        f"/teach/paths/{path_id}/steps/{second}/move",
        {"direction": "up"},
        f"/teach/paths/{path_id}",
    )
    draft = exported(teacher, f"/teach/paths/{path_id}/export")
    assert (draft["title"], draft["language"]) == ("Cells, again", "vi")
    assert [s["key"] for s in draft["steps"]] == [second, first]
    post(teacher, f"/teach/paths/{path_id}/steps/{first}/delete", {}, f"/teach/paths/{path_id}")
    draft = exported(teacher, f"/teach/paths/{path_id}/export")
    assert [(s["key"], s["prerequisites"]) for s in draft["steps"]] == [(second, [])]
    # The published version is untouched until the next publish.
    version = exported(teacher, f"/teach/paths/{path_id}/versions/1/export")
    assert version["title"] == "Cells" and len(version["steps"]) == 2
    assert "changes that are not published" in page_of(teacher, f"/teach/paths/{path_id}")


def test_a_new_step_never_reuses_a_key_of_an_earlier_version(teacher):
    path_id = create(teacher)
    key = add_step(teacher, path_id, "Intro")
    add_step(teacher, path_id, "Body")
    post(teacher, f"/teach/paths/{path_id}/publish", {}, f"/teach/paths/{path_id}")
    post(teacher, f"/teach/paths/{path_id}/steps/{key}/delete", {}, f"/teach/paths/{path_id}")
    assert add_step(teacher, path_id, "Intro") == "intro-2"


def test_a_cycle_is_refused_and_named(teacher, session):
    path_id = create(teacher)
    a, b, c = (add_step(teacher, path_id, name) for name in ("a", "b", "c"))
    assert save_step(teacher, path_id, c, title="c", prerequisites=[a]).status_code == 303
    before = snapshot(session)
    response = save_step(teacher, path_id, a, title="a", prerequisites=[c])
    assert response.status_code == 400
    assert "prerequisites form a cycle: a → c → a" in text_of(response)
    assert snapshot(session) == before


def test_publishing_checks_the_whole_draft(teacher, session):
    path_id = create(teacher)
    add_step(teacher, path_id, "Check", kind="checkpoint")
    response = post(teacher, f"/teach/paths/{path_id}/publish", {}, f"/teach/paths/{path_id}")
    assert response.status_code == 400
    assert "steps[0].checkpoint.questions: a checkpoint needs questions" in text_of(response)
    assert session.scalar(select(func.count()).select_from(PathVersion)) == 0


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"prerequisites": ["nowhere"]}, "unknown step 'nowhere'"),
        ({"remedial_for": "b"}, "'b' is not a checkpoint"),
        ({"resource_url": "ftp://files.example.org/x"}, "resource.url"),
        ({"minutes": "601"}, "minutes"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_step_input_changes_nothing(teacher, session, fields, words):
    path_id = create(teacher)
    a = add_step(teacher, path_id, "a")
    add_step(teacher, path_id, "b")
    before = snapshot(session)
    response = save_step(teacher, path_id, a, **fields)
    assert response.status_code == 400 and words in text_of(response)
    assert snapshot(session) == before


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        (
            {"kind": "choice", "prompt": "?", "choice_1": "only one", "correct": "1"},
            "at least two choices",
        ),
        (
            {"kind": "choice", "prompt": "?", "choice_1": "x", "choice_2": "y", "correct": "4"},
            "mark the right one",
        ),
        ({"kind": "short", "prompt": "?", "accepted": "  \n "}, "accepted answer"),
    ],
)
def test_bad_question_input_changes_nothing(teacher, session, fields, words):
    path_id = create(teacher)
    key = add_step(teacher, path_id, "Check", kind="checkpoint")
    before = snapshot(session)
    url = f"/teach/paths/{path_id}/steps/{key}"
    response = post(teacher, f"{url}/questions", fields, url)
    assert response.status_code == 400 and words in text_of(response)
    assert snapshot(session) == before


def test_questions_are_removed_and_steps_moved_down(teacher):
    path_id = create(teacher)
    check = add_step(teacher, path_id, "Check", kind="checkpoint")
    add_step(teacher, path_id, "Last")
    url = f"/teach/paths/{path_id}/steps/{check}"
    for prompt in ("First?", "Second?"):
        post(teacher, f"{url}/questions", {"kind": "short", "prompt": prompt, "accepted": "x"}, url)
    assert post(teacher, f"{url}/questions/1/delete", {}, url).status_code == 303
    post(teacher, f"{url}/move", {"direction": "down"}, f"/teach/paths/{path_id}")
    draft = exported(teacher, f"/teach/paths/{path_id}/export")
    assert [s["key"] for s in draft["steps"]] == ["last", check]
    assert [q["prompt"] for q in draft["steps"][1]["checkpoint"]["questions"]] == ["Second?"]


def test_publishing_an_unchanged_draft_is_refused(teacher, session):
    path_id = path_id_of(upload(teacher, DEMO))
    before = snapshot(session)
    response = post(teacher, f"/teach/paths/{path_id}/publish", {}, f"/teach/paths/{path_id}")
    assert response.status_code == 400 and "no changes since the last version" in text_of(response)
    assert snapshot(session) == before


@pytest.mark.parametrize(
    ("url", "status", "words"),
    [
        ("/teach/paths/{id}/steps/nowhere", 404, "not in this path's draft"),
        ("/teach/paths/{id}/steps/check-search/questions/9", 404, "not in this checkpoint"),
        ("/teach/paths/{id}/steps/search-basics/questions/1", 400, "Only a checkpoint step"),
        ("/teach/paths/{id}/versions/4/export", 404, "version of the path does not exist"),
    ],
)
def test_missing_parts_of_a_path_are_named(teacher, url, status, words):
    path_id = path_id_of(upload(teacher, DEMO))
    response = teacher.get(url.format(id=path_id))
    assert response.status_code == status and words in text_of(response)


def test_a_question_for_a_step_that_is_not_a_checkpoint_is_refused(teacher, session):
    path_id = path_id_of(upload(teacher, DEMO))
    before = snapshot(session)
    url = f"/teach/paths/{path_id}/steps/search-basics"
    response = post(
        teacher, f"{url}/questions", {"kind": "short", "prompt": "?", "accepted": "x"}, url
    )
    assert response.status_code == 400 and "Only a checkpoint step" in text_of(response)
    assert snapshot(session) == before


# -- import, export, clone -------------------------------------------------------------


def test_export_then_import_gives_an_equal_path(teacher, session):
    response = upload(teacher, DEMO)
    assert response.status_code == 303, text_of(response)
    first = path_id_of(response)
    exported_once = exported(teacher, f"/teach/paths/{first}/versions/1/export")
    second = path_id_of(upload(teacher, exported_once))
    assert second != first
    same = without_identities(exported_once)
    assert without_identities(exported(teacher, f"/teach/paths/{second}/versions/1/export")) == same
    assert without_identities(exported(teacher, f"/teach/paths/{second}/export")) == same
    course = session.scalars(select(Course).where(Course.context_id == "course-1")).one()
    assert session.get(LearningPath, second).course_id == course.id


def test_imported_file_equals_its_source(teacher):
    from service.path_json import dump_path, load_path, without_identities

    path_id = path_id_of(upload(teacher, DEMO))
    assert without_identities(
        exported(teacher, f"/teach/paths/{path_id}/versions/1/export")
    ) == dump_path(load_path(DEMO))


def test_exports_carry_the_identities_of_the_path_and_its_steps(teacher, session):
    first = path_id_of(upload(teacher, DEMO))
    document = exported(teacher, f"/teach/paths/{first}/versions/1/export")
    path = session.get(LearningPath, first)
    assert document["uuid"] == path.uuid
    assert [s["uuid"] for s in document["steps"]] == [s.uuid for s in path.versions[0].steps]
    assert len({s["uuid"] for s in document["steps"]}) == len(document["steps"])
    # The same file again is a second path: it cannot share the first one's identity.
    second = session.get(LearningPath, path_id_of(upload(teacher, document)))
    assert second.uuid != path.uuid
    # On another site (here: once the first path is gone) the path keeps its identity.
    session.execute(delete(LearningPath).where(LearningPath.id == first))
    session.commit()
    third = session.get(LearningPath, path_id_of(upload(teacher, document)))
    assert third.uuid == document["uuid"]


def _without_title(doc):
    del doc["title"]


def _unknown_kind(doc):
    doc["steps"][0]["kind"] = "lecture"


def _unknown_field(doc):
    doc["steps"][1]["colour"] = "red"


def _unknown_prerequisite(doc):
    doc["steps"][3]["prerequisites"] = ["s9"]


def _remedial_for_a_read_step(doc):
    doc["steps"][3]["remedial_for"] = "search-basics"


def _answer_out_of_range(doc):
    doc["steps"][2]["checkpoint"]["questions"][0]["answer"] = 3


def _cycle(doc):
    doc["steps"][0]["prerequisites"] = ["check-search"]


@pytest.mark.parametrize(
    ("breaks", "words"),
    [
        (_without_title, "title: Missing data for required field."),
        (_unknown_kind, "steps[0].kind: Must be one of"),
        (_unknown_field, "steps[1].colour: Unknown field."),
        (_unknown_prerequisite, "steps[3].prerequisites[0]: unknown step 's9'"),
        (
            _remedial_for_a_read_step,
            "steps[3].remedial_for: 'search-basics' is not a checkpoint of this path",
        ),
        (_answer_out_of_range, "steps[2].checkpoint.questions[0].answer: the answer must be"),
        (
            _cycle,
            "prerequisites form a cycle: search-basics → check-search → search-queries → "
            "search-basics",
        ),
    ],
)
def test_import_refuses_a_broken_file_and_names_the_field(teacher, session, breaks, words):
    document = copy.deepcopy(DEMO)
    breaks(document)
    before = snapshot(session)
    response = upload(teacher, document)
    assert response.status_code == 400 and words in text_of(response)
    assert snapshot(session) == before


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b'{"title": "x", "steps": [', "not valid JSON"),
        (b"\xff\xfe", "not UTF-8"),
        (b'["a list"]', "must be a JSON object"),
    ],
)
def test_import_refuses_a_file_that_is_not_a_path(teacher, session, body, words):
    before = snapshot(session)
    response = upload(teacher, body)
    assert response.status_code == 400 and words in text_of(response)
    assert snapshot(session) == before


@pytest.mark.parametrize(
    ("files", "words"),
    [
        ({}, "Choose a JSON file"),
        ({"file": (io.BytesIO(b""), "")}, "Choose a JSON file"),
        ({"other": (io.BytesIO(b"{}"), "x.json")}, "Unexpected file field"),
    ],
)
def test_import_needs_one_file(teacher, session, files, words):
    before = snapshot(session)
    response = teacher.post(
        "/teach/paths/import",
        data={"csrf_token": token(page_of(teacher, "/teach/paths")), **files},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400 and words in text_of(response)
    assert snapshot(session) == before


def test_copying_an_unpublished_path_copies_its_draft(teacher, session):
    path_id = create(teacher)
    add_step(teacher, path_id, "Only step")
    response = post(teacher, f"/teach/paths/{path_id}/clone", {}, f"/teach/paths/{path_id}")
    copy_id = path_id_of(response)
    assert exported(teacher, f"/teach/paths/{copy_id}/export")["title"] == "Cells (copy)"
    assert session.get(LearningPath, copy_id).versions == []
    assert "Not published yet" in page_of(teacher, f"/teach/paths/{copy_id}")


def test_clone_a_template_into_the_course(teacher, platform, session):
    template = assign_demo_path(session, platform, link="other-link")
    page = page_of(teacher, "/teach/paths")
    assert "Digital skills for lifelong learners" in page
    response = post(teacher, f"/teach/paths/{template.path_id}/clone", {}, "/teach/paths")
    assert response.status_code == 303
    copy_id = path_id_of(response)
    document = exported(teacher, f"/teach/paths/{copy_id}/versions/1/export")
    assert document["title"] == "Digital skills for lifelong learners (copy)"
    original = exported_version(session, template)
    assert without_identities(document)["steps"] == without_identities(original)["steps"]
    # A copy is a path of its own: its steps have identities of their own.
    assert not {s["uuid"] for s in document["steps"]} & {s["uuid"] for s in original["steps"]}
    copied = session.get(LearningPath, copy_id)
    assert copied.course_id is not None and not copied.is_template
    assert (
        copied.owner_id
        == session.scalars(select(User).where(User.subject == TEACHER.subject)).one().id
    )
    # The copy is the course's own; the template itself stays read-only.
    assert teacher.get(f"/teach/paths/{template.path_id}").status_code == 404
    response = post(teacher, f"/teach/paths/{copy_id}/clone", {}, f"/teach/paths/{copy_id}")
    assert (
        "(copy) (copy)" in exported(teacher, f"/teach/paths/{path_id_of(response)}/export")["title"]
    )


def exported_version(session, version):
    from service.path_json import dump_path

    return dump_path(session.get(PathVersion, version.id))


# -- versions: learners keep their progress --------------------------------------------


def test_moving_an_activity_to_a_new_version_keeps_learners_progress(app, platform, session):
    teacher = LtiBrowser(app.test_client())
    learner = LtiBrowser(app.test_client())
    teacher.launch(platform, TEACHER)
    path_id = path_id_of(upload(teacher.client, DEMO))
    post(teacher.client, "/teach/assign", {"path_id": str(path_id)}, "/teach")

    learner.launch(platform, LEARNER)
    for key in ("search-basics", "search-queries"):
        assert (
            post(learner.client, f"/path/steps/{key}/done", {}, f"/path/steps/{key}").status_code
            == 303
        )

    editor = f"/teach/paths/{path_id}"
    post(teacher.client, f"{editor}/steps/passwords/delete", {}, editor)
    new = add_step(teacher.client, path_id, "Search in another language")
    post(teacher.client, f"{editor}/publish", {}, editor)
    # Publishing moves nobody: the learner is still on version 1.
    assert new not in statuses(page_of(learner.client, "/path"))

    activity = page_of(teacher.client, "/teach")
    assert 'action="/teach/paths/activity/move"' in activity
    review = page_of(teacher.client, "/teach/paths/activity/move?version=2")
    added = review.split('data-testid="added"')[1].split("</ul>")[0]
    removed = review.split('data-testid="removed"')[1].split("</ul>")[0]
    assert "Search in another language" in added and "Strong passwords" in removed
    assert "1 learner has started this activity" in review
    response = teacher.client.post(
        "/teach/paths/activity/move", data={"csrf_token": token(review), "version": "2"}
    )
    assert response.status_code == 303
    assert "(version 2)" in page_of(teacher.client, "/teach")

    state = statuses(page_of(learner.client, "/path"))
    assert state["search-basics"] == "done" and state["search-queries"] == "done"
    assert state[new] == "available" and "passwords" not in state


def test_moving_needs_another_version_of_the_same_path(teacher, session):
    path_id = path_id_of(upload(teacher, DEMO))
    post(teacher, "/teach/assign", {"path_id": str(path_id)}, "/teach")
    assert teacher.get("/teach/paths/activity/move?version=1").status_code == 409
    assert teacher.get("/teach/paths/activity/move?version=7").status_code == 404
    assert teacher.get("/teach/paths/activity/move?version=two").status_code == 400
    before = snapshot(session)
    for version in ("1", "3"):
        response = post(teacher, "/teach/paths/activity/move", {"version": version}, "/teach")
        assert response.status_code in (404, 409) and snapshot(session) == before


# -- who may author --------------------------------------------------------------------

AUTHORING_GETS = [
    "/teach/paths",
    "/teach/paths/{id}",
    "/teach/paths/{id}/steps/search-basics",
    "/teach/paths/{id}/steps/check-search/questions/1",
    "/teach/paths/{id}/export",
    "/teach/paths/{id}/versions/1/export",
    "/teach/paths/activity/move?version=2",
]
AUTHORING_POSTS = [
    ("/teach/paths", {"title": "Mine", "language": "en"}),
    ("/teach/paths/{id}/details", {"title": "Mine", "language": "en"}),
    ("/teach/paths/{id}/steps", {"kind": "read", "title": "Mine"}),
    ("/teach/paths/{id}/steps/search-basics", {"kind": "read", "title": "Mine"}),
    ("/teach/paths/{id}/steps/search-basics/move", {"direction": "down"}),
    ("/teach/paths/{id}/steps/search-basics/delete", {}),
    (
        "/teach/paths/{id}/steps/check-search/questions",
        {"kind": "short", "prompt": "?", "accepted": "x"},
    ),
    (
        "/teach/paths/{id}/steps/check-search/questions/1",
        {"kind": "short", "prompt": "?", "accepted": "x"},
    ),
    ("/teach/paths/{id}/steps/check-search/questions/1/delete", {}),
    ("/teach/paths/{id}/publish", {}),
    ("/teach/paths/{id}/clone", {}),
    ("/teach/paths/activity/move", {"version": "1"}),
]


@pytest.fixture
def course_a_path(app, platform, session):
    author = LtiBrowser(app.test_client())
    author.launch(platform, TEACHER)
    path_id = path_id_of(upload(author.client, DEMO))
    post(
        author.client,
        f"/teach/paths/{path_id}/details",
        {"title": "Draft edit", "language": "en"},
        f"/teach/paths/{path_id}",
    )
    post(author.client, "/teach/assign", {"path_id": str(path_id)}, "/teach")
    return path_id


@pytest.mark.parametrize("url", AUTHORING_GETS)
def test_learners_cannot_open_authoring_pages(browser, platform, course_a_path, url):
    browser.launch(platform, LEARNER)
    response = browser.client.get(url.format(id=course_a_path))
    assert response.status_code == 403
    assert "Only the course's teachers" in text_of(response)


@pytest.mark.parametrize(("url", "data"), AUTHORING_POSTS)
def test_learners_cannot_author(browser, platform, session, course_a_path, url, data):
    browser.launch(platform, LEARNER)
    before = snapshot(session)
    response = post(browser.client, url.format(id=course_a_path), data)
    assert response.status_code == 403
    assert snapshot(session) == before


@pytest.mark.parametrize("url", [u for u in AUTHORING_GETS if "{id}" in u])
def test_another_course_cannot_see_the_path(browser, platform, course_a_path, url):
    browser.launch(platform, OTHER_TEACHER)
    response = browser.client.get(url.format(id=course_a_path))
    assert response.status_code == 404
    assert "not one of this course's paths" in text_of(response)
    assert "Digital skills" not in page_of(browser.client, "/teach/paths")


@pytest.mark.parametrize(("url", "data"), [(u, d) for u, d in AUTHORING_POSTS if "{id}" in u])
def test_another_course_cannot_edit_the_path(browser, platform, session, course_a_path, url, data):
    browser.launch(platform, OTHER_TEACHER)
    before = snapshot(session)
    response = post(browser.client, url.format(id=course_a_path), data, "/teach/paths")
    assert response.status_code == 404
    assert snapshot(session) == before


def test_a_form_without_its_csrf_token_changes_nothing(teacher, session):
    path_id = create(teacher)
    before = snapshot(session)
    for url, data in [
        ("/teach/paths", {"title": "X", "language": "en"}),
        (f"/teach/paths/{path_id}/steps", {"kind": "read", "title": "X"}),
        (f"/teach/paths/{path_id}/publish", {}),
    ]:
        response = teacher.post(url, data=data)
        assert response.status_code == 400 and "form expired" in text_of(response)
    response = teacher.post(
        "/teach/paths/import",
        data={"file": (io.BytesIO(json.dumps(DEMO).encode()), "p.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert snapshot(session) == before


# -- reach: light, labelled, Vietnamese ------------------------------------------------


def authoring_pages(client, path_id):
    return [
        "/teach/paths",
        f"/teach/paths/{path_id}",
        f"/teach/paths/{path_id}/steps/check-search",
        f"/teach/paths/{path_id}/steps/check-search/questions/1",
        "/teach/paths/activity/move?version=2",
    ]


def test_authoring_pages_are_light_and_labelled(app, platform, session):
    teacher = LtiBrowser(app.test_client())
    teacher.launch(platform, TEACHER)
    path_id = path_id_of(upload(teacher.client, DEMO))
    post(teacher.client, "/teach/assign", {"path_id": str(path_id)}, "/teach")
    add_step(teacher.client, path_id, "More")
    post(teacher.client, f"/teach/paths/{path_id}/publish", {}, f"/teach/paths/{path_id}")
    for url in authoring_pages(teacher.client, path_id):
        page = page_of(teacher.client, url)
        assert '<html lang="en">' in page and len(page.encode()) < 60 * 1024
        for field_id in re.findall(r'<(?:input|textarea|select)[^>]*\sid="([^"]+)"', page):
            assert f'for="{field_id}"' in page, (url, field_id)
        assert "<script" not in page


def test_authoring_pages_render_in_vietnamese(app, platform, session):
    teacher = LtiBrowser(app.test_client())
    teacher.launch(platform, LaunchContext(**{**TEACHER.__dict__, "locale": "vi-VN"}))
    path_id = path_id_of(upload(teacher.client, DEMO))
    post(teacher.client, "/teach/assign", {"path_id": str(path_id)}, "/teach")
    add_step(teacher.client, path_id, "Thêm")
    post(teacher.client, f"/teach/paths/{path_id}/publish", {}, f"/teach/paths/{path_id}")
    for url in authoring_pages(teacher.client, path_id):
        page = page_of(teacher.client, url)
        assert '<html lang="vi">' in page
        assert [p for p in english_phrases() if p in visible_text(page)] == [], url
    response = save_step(teacher.client, path_id, "search-basics", prerequisites=["check-search"])
    assert "Các điều kiện tiên quyết tạo thành vòng" in text_of(response)


def test_publishing_an_empty_draft_shows_the_editor_with_the_reason(teacher, session):
    path_id = create(teacher)
    before = snapshot(session)
    response = post(teacher, f"/teach/paths/{path_id}/publish", {}, f"/teach/paths/{path_id}")
    page = text_of(response)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert 'role="alert" data-testid="form-error">This path has problems to fix: ' in page
    assert "a path needs at least one step" in page
    assert (
        'data-testid="draft-status"' in page and "Add a step" in page
    )  # the editor, not a dead end
    assert snapshot(session) == before


def test_publish_is_offered_only_once_the_draft_can_be_published(teacher):
    path_id = create(teacher)
    page = text_of(teacher.get(f"/teach/paths/{path_id}"))
    assert 'disabled aria-describedby="publish-refusal"' in page
    assert "Not ready to publish: This path has problems to fix:" in page
    add_step(teacher, path_id, "Read the guide")
    page = text_of(teacher.get(f"/teach/paths/{path_id}"))
    assert "publish-refusal" not in page
    post(teacher, f"/teach/paths/{path_id}/publish", {}, f"/teach/paths/{path_id}")
    page = text_of(teacher.get(f"/teach/paths/{path_id}"))
    assert "Not ready to publish: The draft has no changes since the last version." in page


def test_the_reason_publish_is_refused_is_in_vietnamese_for_a_vietnamese_teacher(browser, platform):
    vietnamese = LaunchContext(**{**TEACHER.__dict__, "locale": "vi"})
    browser.launch(platform, vietnamese)
    path_id = create(browser.client)
    page = text_of(browser.client.get(f"/teach/paths/{path_id}"))
    assert "Chưa thể xuất bản:" in page


# -- changing an activity's path once learners have started -------------------------------

WRONG = {"q0": "0", "q1": "1", "q2": "x"}


def _stuck_learner_on_the_demo_path(app, platform):
    teacher = LtiBrowser(app.test_client())
    learner = LtiBrowser(app.test_client())
    teacher.launch(platform, TEACHER)
    demo_id = path_id_of(upload(teacher.client, DEMO))
    post(teacher.client, "/teach/assign", {"path_id": str(demo_id)}, "/teach")
    learner.launch(platform, LEARNER)
    for key in ("search-basics", "search-queries"):
        post(learner.client, f"/path/steps/{key}/done", {}, f"/path/steps/{key}")
    for _ in range(2):
        url = "/path/steps/check-search"
        assert post(learner.client, f"{url}/checkpoint", WRONG, url).status_code == 200
    other_id = create(teacher.client, title="Cells")
    add_step(teacher.client, other_id, "Read the guide")
    post(teacher.client, f"/teach/paths/{other_id}/publish", {}, f"/teach/paths/{other_id}")
    return teacher, other_id


def test_changing_the_path_with_learners_started_asks_first_with_what_changes(
    app, platform, session
):
    teacher, other_id = _stuck_learner_on_the_demo_path(app, platform)
    assert "Stuck: <strong>1</strong>" in page_of(teacher.client, "/teach")
    before = snapshot(session)
    response = post(teacher.client, "/teach/assign", {"path_id": str(other_id)}, "/teach")
    review = text_of(response)
    assert response.status_code == 200 and snapshot(session) == before
    assert "Change this activity’s path to “Cells”?" in review
    assert "1 learner has started this activity" in review
    removed = review.split('data-testid="removed"')[1].split("</ul>")[0]
    added = review.split('data-testid="added"')[1].split("</ul>")[0]
    assert "Check: finding information" in removed and "Read the guide" in added
    assert '<input type="hidden" name="confirmed" value="1">' in review
    assert "Assigned path: Digital skills" in page_of(teacher.client, "/teach")  # not yet

    confirm = {"path_id": str(other_id), "confirmed": "1"}
    assert post(teacher.client, "/teach/assign", confirm, "/teach").status_code == 303
    dashboard = page_of(teacher.client, "/teach")
    assert "Assigned path: Cells (version 1)" in dashboard
    assert "Stuck: <strong>0</strong>" in dashboard  # the old path's checkpoint says nothing now


def test_assigning_without_learners_needs_no_confirmation(teacher):
    first, second = create(teacher, title="First"), create(teacher, title="Second")
    for path_id in (first, second):
        add_step(teacher, path_id, "Read")
        post(teacher, f"/teach/paths/{path_id}/publish", {}, f"/teach/paths/{path_id}")
        assert (
            post(teacher, "/teach/assign", {"path_id": str(path_id)}, "/teach").status_code == 303
        )


def test_a_bad_confirmation_changes_nothing(app, platform, session):
    teacher, other_id = _stuck_learner_on_the_demo_path(app, platform)
    before = snapshot(session)
    bad = {"path_id": str(other_id), "confirmed": "perhaps"}
    response = post(teacher.client, "/teach/assign", bad, "/teach")
    assert response.status_code == 400 and "confirmed" in text_of(response)
    assert snapshot(session) == before


def test_a_refused_step_shows_its_form_again_with_the_input_kept(teacher, session):
    path_id = create(teacher)
    key = add_step(teacher, path_id, "Read the guide")
    before = snapshot(session)
    response = save_step(
        teacher,
        path_id,
        key,
        title="Read the whole guide",
        instructions="Chapters 1 to 3",
        minutes="601",
        skills="reading, notes",
    )
    page = text_of(response)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert 'role="alert" data-testid="form-error">' in page and "minutes" in page
    assert 'name="title" value="Read the whole guide"' in page
    assert ">Chapters 1 to 3</textarea>" in page
    assert 'name="minutes" type="number" min="0" max="600" value="601"' in page
    assert 'value="reading, notes"' in page
    assert snapshot(session) == before


def test_refused_details_show_the_editor_again_with_the_input_kept(teacher, session):
    path_id = create(teacher)
    before = snapshot(session)
    url = f"/teach/paths/{path_id}"
    typed = {"title": "Searching well", "description": "For year 10", "language": "fr"}
    response = post(teacher, f"{url}/details", typed, url)
    page = text_of(response)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert 'role="alert" data-testid="form-error">' in page and "language" in page
    assert 'name="title" value="Searching well"' in page
    assert ">For year 10</textarea>" in page
    assert snapshot(session) == before


def test_a_refused_new_step_shows_the_editor_again_with_the_input_kept(teacher, session):
    path_id = create(teacher)
    before = snapshot(session)
    url = f"/teach/paths/{path_id}"
    response = post(teacher, f"{url}/steps", {"kind": "practice", "title": "x" * 201}, url)
    page = text_of(response)
    assert response.status_code == 400 and 'data-testid="form-error">' in page
    assert "title" in page
    assert f'name="title" value="{"x" * 201}"' in page
    assert '<option value="practice" selected>' in page
    assert snapshot(session) == before


def test_a_refused_new_question_shows_the_step_again_with_the_input_kept(teacher, session):
    path_id = create(teacher)
    key = add_step(teacher, path_id, "Check", kind="checkpoint")
    before = snapshot(session)
    url = f"/teach/paths/{path_id}/steps/{key}"
    typed = {"kind": "choice", "prompt": "Which is a search operator?", "choice_2": "AND"}
    typed |= {"correct": "2", "skill": "search", "explanation": "AND narrows."}
    response = post(teacher, f"{url}/questions", typed, url)
    page = text_of(response)
    assert response.status_code == 400 and 'data-testid="form-error">' in page
    assert "at least two choices" in page
    assert ">Which is a search operator?</textarea>" in page
    assert 'name="choice_2" value="AND"' in page
    assert 'id="q-correct-2" type="radio" name="correct" value="2" checked' in page
    assert 'name="skill" value="search"' in page and ">AND narrows.</textarea>" in page
    assert snapshot(session) == before


def test_a_refused_question_edit_shows_its_form_again_with_the_input_kept(teacher, session):
    path_id = path_id_of(upload(teacher, DEMO))
    before = snapshot(session)
    url = f"/teach/paths/{path_id}/steps/check-search/questions/1"
    typed = {"kind": "short", "prompt": "Name one search operator.", "accepted": " \n "}
    response = post(teacher, url, typed, url)
    page = text_of(response)
    assert response.status_code == 400 and 'data-testid="form-error">' in page
    assert "accepted answer" in page
    assert ">Name one search operator.</textarea>" in page
    assert '<option value="short" selected>' in page
    assert snapshot(session) == before
