"""Competency frameworks (CASE 1.1): importing a package by command and by the teachers'
form, refusals that name the identifiers, aligning skills in the editor, and mastery per
competency on the class dashboard, in its CSV and on the library's entry page."""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import uuid

import pytest
from sqlalchemy import func, select

from lti.models import Deployment
from paths.authoring import create_path
from paths.competencies.models import Competency, CompetencyAlignment, CompetencyLink, Framework
from paths.db import utcnow
from paths.enrollment import Assignment, assign
from paths.people import Activity, Course
from paths.study.checkpoints import submit_checkpoint
from paths.study.completion import complete_step
from service.path_json import load_path
from tests.functional.authoring import DEMO, page_of, path_id_of
from tests.functional.classroom import add_learner
from tests.functional.learner_pages import token
from tests.platform import TEACHER

BASE = "https://case.example.edu/uri/"


def ident(name: str) -> str:
    """A stable UUID per node name, as a CASE publisher gives them."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, BASE + name))


def node(name: str) -> dict:
    return {"title": name, "identifier": ident(name), "uri": BASE + ident(name)}


def association(origin: str, destination: str, kind: str = "isChildOf") -> dict:
    return {
        "identifier": ident(f"{kind}:{origin}->{destination}"),
        "uri": BASE + ident(f"{kind}:{origin}->{destination}"),
        "associationType": kind,
        "originNodeURI": node(origin),
        "destinationNodeURI": node(destination),
        "lastChangeDateTime": "2025-05-01T10:00:00+00:00",
    }


ITEMS = {  # two strands of a digital literacy framework, three competencies each
    "DL.1": ("Information literacy", None),
    "DL.1.1": ("Search for information with precise keywords and filters.", "DL.1"),
    "DL.1.2": ("Judge whether a source is reliable before using it.", "DL.1"),
    "DL.1.3": ("Cite the sources of the information used.", "DL.1"),
    "DL.2": ("Safety online", None),
    "DL.2.1": ("Protect accounts with strong passwords and two-factor sign-in.", "DL.2"),
    "DL.2.2": ("Recognise phishing messages and report them.", "DL.2"),
    "DL.2.3": ("Protect personal data when using online services.", "DL.2"),
}


def case_package() -> dict:
    document = {
        "identifier": ident("doc"),
        "uri": BASE + ident("doc"),
        "title": "Digital literacy for lower secondary",
        "creator": "Ministry of Education",
        "language": "en",
        "version": "1.0",
        "lastChangeDateTime": "2025-05-01T10:00:00+00:00",
        "CFPackageURI": node("doc"),
    }
    items = [
        {
            "identifier": ident(code),
            "uri": BASE + ident(code),
            "fullStatement": text,
            "humanCodingScheme": code,
            "CFItemType": "Strand" if parent is None else "Competency",
            "language": "en",
            "lastChangeDateTime": "2025-05-01T10:00:00+00:00",
        }
        for code, (text, parent) in ITEMS.items()
    ]
    associations = [association(code, parent or "doc") for code, (_, parent) in ITEMS.items()]
    associations.append(association("DL.1.1", "DL.1.2", "precedes"))
    return {
        "CFDocument": document,
        "CFItems": items,
        "CFAssociations": associations,
        "CFDefinitions": {"CFItemTypes": []},
    }


def counts(session) -> tuple[int, int, int]:
    session.expire_all()
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (Framework, Competency, CompetencyLink)
    )


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def import_file(runner, tmp_path, package, *extra):
    file = tmp_path / "framework.json"
    file.write_text(json.dumps(package), encoding="utf-8")
    return runner.invoke(args=["competencies", "import", str(file), *extra])


# -- importing ---------------------------------------------------------------------------


def test_the_command_imports_a_framework_for_every_school_and_again_idempotently(
    runner, tmp_path, session
):
    result = import_file(runner, tmp_path, case_package())
    assert result.exit_code == 0, result.output
    assert "imported for every school: 8 competencies, 9 associations" in result.output
    assert counts(session) == (1, 8, 9)
    framework = session.scalars(select(Framework)).one()
    assert framework.scope is None and framework.title.startswith("Digital literacy")
    first_ids = {c.identifier: c.id for c in framework.competencies}

    changed = case_package()
    changed["CFItems"][1]["fullStatement"] = "Search with precise keywords."
    again = import_file(runner, tmp_path, changed)
    assert again.exit_code == 0 and "brought up to date" in again.output
    assert counts(session) == (1, 8, 9)
    session.expire_all()
    rows = {c.identifier: c for c in session.scalars(select(Competency))}
    assert {k: r.id for k, r in rows.items()} == first_ids  # same rows: alignments survive
    assert rows[ident("DL.1.1")].statement == "Search with precise keywords."


def test_the_command_imports_for_one_school(runner, tmp_path, session, platform):
    result = import_file(runner, tmp_path, case_package(), "--school", "deploy-1")
    assert result.exit_code == 0, result.output
    tenant = session.scalars(select(Deployment.tenant_id)).first()
    assert session.scalars(select(Framework.scope)).one() == tenant
    unknown = import_file(runner, tmp_path, case_package(), "--school", "nowhere")
    assert unknown.exit_code != 0 and "No deployment 'nowhere'" in unknown.output


def _unknown_target(package):
    package["CFAssociations"][3]["destinationNodeURI"] = node("DL.9")
    return [package["CFAssociations"][3]["identifier"], ident("DL.9")]


def _cycle(package):
    package["CFAssociations"].append(association("DL.1", "DL.1.1"))
    return [ident("DL.1"), ident("DL.1.1")]


def _precedes_cycle(package):
    package["CFAssociations"].append(association("DL.1.2", "DL.1.1", "precedes"))
    return ["precedes", ident("DL.1.1"), ident("DL.1.2")]


def _wrong_type(package):
    package["CFAssociations"][0]["associationType"] = "isFriendOf"
    return ["CFAssociations[0].associationType"]


def _not_a_uuid(package):
    package["CFItems"][2]["identifier"] = "DL-1-2"
    return ["CFItems[2].identifier"]


def _statement_too_long(package):
    package["CFItems"][0]["fullStatement"] = "x" * 5001
    return ["CFItems[0].fullStatement"]


def _too_many_items(package):
    package["CFItems"] = [
        dict(package["CFItems"][1], identifier=str(uuid.uuid4())) for _ in range(5001)
    ]
    package["CFAssociations"] = []
    return ["CFItems"]


def _no_document(package):
    del package["CFDocument"]
    return ["CFDocument"]


def _duplicate_identifier(package):
    package["CFItems"][1]["identifier"] = package["CFItems"][0]["identifier"]
    return [ident("DL.1")]


REFUSALS = [
    _unknown_target,
    _cycle,
    _precedes_cycle,
    _wrong_type,
    _not_a_uuid,
    _statement_too_long,
    _too_many_items,
    _no_document,
    _duplicate_identifier,
]


@pytest.mark.parametrize("spoil", REFUSALS, ids=lambda f: f.__name__.strip("_"))
def test_the_command_refuses_a_bad_package_naming_what_is_wrong(runner, tmp_path, session, spoil):
    package = case_package()
    named = spoil(package)
    result = import_file(runner, tmp_path, package)
    assert result.exit_code == 1
    for name in named:
        assert name in result.output
    assert counts(session) == (0, 0, 0)


def test_a_cycle_is_named_as_walked(runner, tmp_path):
    package = case_package()
    _cycle(package)
    result = import_file(runner, tmp_path, package)
    assert re.search(r"isChildOf associations form a cycle: (\S+) → (\S+) → \1", result.output)


def upload(client, package, from_url="/teach/competencies"):
    body = package if isinstance(package, bytes) else json.dumps(package).encode()
    return client.post(
        "/teach/competencies",
        data={
            "csrf_token": token(page_of(client, from_url)),
            "file": (io.BytesIO(body), "framework.json"),
        },
        content_type="multipart/form-data",
    )


def test_a_teacher_imports_a_framework_for_their_school(teacher, session):  # noqa: F811
    page = page_of(teacher, "/teach/paths")
    assert 'href="/teach/competencies"' in page
    response = upload(teacher, case_package())
    assert response.status_code == 303
    listing = page_of(teacher, "/teach/competencies")
    assert "Digital literacy for lower secondary" in listing and "your school" in listing
    framework = session.scalars(select(Framework)).one()
    assert framework.scope == session.scalars(select(Deployment.tenant_id)).first()
    assert upload(teacher, case_package()).status_code == 303  # again: brought up to date
    assert counts(session) == (1, 8, 9)


@pytest.mark.parametrize(
    "spoil", [_unknown_target, _cycle, _wrong_type], ids=lambda f: f.__name__.strip("_")
)
def test_the_form_refuses_a_bad_package_and_stores_nothing(teacher, session, spoil):  # noqa: F811
    package = case_package()
    named = spoil(package)
    response = upload(teacher, package)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert 'role="alert" data-testid="form-error">' in text  # the import form, not a dead end
    assert 'id="case-file" type="file" name="file"' in text
    for name in named:
        assert name in text
    assert counts(session) == (0, 0, 0)


def test_the_form_refuses_what_is_not_a_package(teacher, session):  # noqa: F811
    assert upload(teacher, b"\xff\xfe").status_code == 400
    assert upload(teacher, b"[1, 2]").status_code == 400
    assert upload(teacher, b'{"CFDocument": ').status_code == 400
    assert counts(session) == (0, 0, 0)


def test_a_school_cannot_take_over_the_librarys_framework(
    teacher,  # noqa: F811
    runner,
    tmp_path,
    session,
):
    assert import_file(runner, tmp_path, case_package()).exit_code == 0
    response = upload(teacher, case_package())
    assert response.status_code == 409
    assert 'data-testid="form-error">' in response.get_data(as_text=True)
    session.expire_all()
    assert session.scalars(select(Framework.scope)).one() is None


def test_learners_cannot_reach_the_frameworks_page(learner):
    assert learner.get("/teach/competencies").status_code == 403


# -- aligning skills in the editor -------------------------------------------------------


def course_path(session, teacher_client):  # a path of the teacher's course, published
    response = teacher_client.post(
        "/teach/paths/import",
        data={
            "csrf_token": token(page_of(teacher_client, "/teach/paths")),
            "file": (io.BytesIO(json.dumps(DEMO).encode()), "path.json"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return path_id_of(response)


def competency(session, code: str) -> Competency:
    return session.scalars(select(Competency).where(Competency.code == code)).one()


def test_a_teacher_aligns_a_skill_and_publishing_keeps_it(
    teacher,  # noqa: F811
    runner,
    tmp_path,
    session,
):
    assert import_file(runner, tmp_path, case_package()).exit_code == 0
    path_id = course_path(session, teacher)
    editor = f"/teach/paths/{path_id}"
    found = page_of(teacher, editor + "?find=phishing")
    choices = found.split('id="align-competency"')[1].split("</select>")[0]
    assert "DL.2.2" in choices and "DL.1.1" not in choices
    target = competency(session, "DL.1.1")
    response = teacher.post(
        f"{editor}/alignments",
        data={"csrf_token": token(found), "skill": "search", "competency_id": str(target.id)},
    )
    assert response.status_code == 303
    assert "DL.1.1 — Search for information" in page_of(teacher, editor)
    draft = teacher.get(f"{editor}/export").get_json()
    assert draft["alignments"] == [
        {"skill": "search", "framework": BASE + ident("doc"), "item": ident("DL.1.1")}
    ]
    assert (
        teacher.post(
            f"{editor}/publish", data={"csrf_token": token(page_of(teacher, editor))}
        ).status_code
        == 303
    )
    session.expire_all()
    rows = session.scalars(select(CompetencyAlignment)).all()
    assert [(r.skill, r.competency_id) for r in rows] == [("search", target.id)]
    version = teacher.get(f"{editor}/versions/2/export").get_json()
    assert version["alignments"] == draft["alignments"]
    # the exported file imports again, with its alignment
    response = teacher.post(
        "/teach/paths/import",
        data={
            "csrf_token": token(page_of(teacher, "/teach/paths")),
            "file": (io.BytesIO(json.dumps(version).encode()), "path.json"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    assert session.scalar(select(func.count()).select_from(CompetencyAlignment)) == 2


def test_bad_alignments_are_refused_and_change_nothing(
    teacher,  # noqa: F811
    runner,
    tmp_path,
    session,
):
    assert import_file(runner, tmp_path, case_package()).exit_code == 0
    path_id = course_path(session, teacher)
    editor = f"/teach/paths/{path_id}"
    before = teacher.get(f"{editor}/export").get_json()
    target = competency(session, "DL.1.1")
    for data, status in [
        ({"skill": "cooking", "competency_id": str(target.id)}, 400),
        ({"skill": "search", "competency_id": "999999"}, 404),
        ({"skill": "search", "competency_id": "x"}, 400),
        ({"skill": "search"}, 400),
    ]:
        response = teacher.post(
            f"{editor}/alignments", data={"csrf_token": token(page_of(teacher, editor)), **data}
        )
        assert response.status_code == status, data
    assert (
        teacher.post(
            f"{editor}/alignments/1/delete", data={"csrf_token": token(page_of(teacher, editor))}
        ).status_code
        == 404
    )
    assert teacher.get(f"{editor}/export").get_json() == before


def test_a_path_file_aligned_to_an_unknown_competency_is_refused(teacher, session):  # noqa: F811
    document = copy.deepcopy(DEMO)
    document["alignments"] = [
        {"skill": "search", "framework": BASE + "none", "item": ident("DL.1.1")}
    ]
    response = teacher.post(
        "/teach/paths/import",
        data={
            "csrf_token": token(page_of(teacher, "/teach/paths")),
            "file": (io.BytesIO(json.dumps(document).encode()), "path.json"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "alignments[0].item" in response.get_data(as_text=True)
    document["alignments"][0]["skill"] = "cooking"
    response = teacher.post(
        "/teach/paths/import",
        data={
            "csrf_token": token(page_of(teacher, "/teach/paths")),
            "file": (io.BytesIO(json.dumps(document).encode()), "path.json"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "alignments[0].skill" in response.get_data(as_text=True)


# -- the dashboard, its CSV and the library ----------------------------------------------


@pytest.fixture
def aligned_class(runner, tmp_path, browser, platform, session):
    """The demo path with `search` aligned to DL.1.1 and `evaluate` to DL.1.2, assigned to
    an activity; Anh answers two of three search questions right, Chi all three."""
    assert import_file(runner, tmp_path, case_package()).exit_code == 0
    document = copy.deepcopy(DEMO)
    document["alignments"] = [
        {"skill": "search", "framework": BASE + ident("doc"), "item": ident("DL.1.1")},
        {"skill": "evaluate", "framework": BASE + ident("doc"), "item": BASE + ident("DL.1.2")},
    ]  # by URI this time
    tenant_id = session.scalars(select(Deployment.tenant_id)).first()
    course = Course(tenant_id=tenant_id, context_id="course-1", title="Biology 10A")
    session.add(course)
    session.flush()
    activity = Activity(tenant_id=tenant_id, course_id=course.id, resource_link_id="link-1")
    session.add(activity)
    session.flush()
    version = create_path(session, load_path(document), now=utcnow(), tenant_id=tenant_id)
    assignment = assign(session, activity.id, version, assigned_by=None, now=utcnow())
    now = utcnow()
    for name, answers in (("Anh", {0: "1", 1: "0", 2: "x"}), ("Chi", {0: "1", 1: "0", 2: "serp"})):
        enrollment = add_learner(session, platform, assignment, name, now)
        for key in ("search-basics", "search-queries"):
            complete_step(session, enrollment, key, now=now)
        submit_checkpoint(session, enrollment, "check-search", answers, now=now)
    add_learner(session, platform, assignment, "Dũng", now)
    session.commit()
    assert browser.launch(platform, TEACHER).status_code == 303
    return session.get(Assignment, assignment.id)


def cells_of(page: str, name: str, competency_id: int) -> str:
    row = next(r for r in page.split("<tr ") if f">{name}</th>" in r)
    return re.search(rf'<td data-competency="{competency_id}">([^<]*)</td>', row).group(1)


def test_the_dashboard_shows_mastery_per_aligned_competency(browser, aligned_class, session):
    page = browser.client.get("/teach").get_data(as_text=True)
    search, judge = competency(session, "DL.1.1"), competency(session, "DL.1.2")
    assert "Competency DL.1.1" in page and "Competency DL.1.2" in page
    assert cells_of(page, "Anh", search.id) == "67%"
    assert cells_of(page, "Chi", search.id) == "100%"
    assert cells_of(page, "Anh", judge.id) == "—"  # no evaluate question answered yet
    assert cells_of(page, "Dũng", search.id) == "—"
    assert "Digital literacy for lower secondary" in page.split('id="by-competency"')[1]


def test_the_csv_has_the_competency_columns(browser, aligned_class):
    raw = browser.client.get("/teach/class.csv").get_data()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header = rows[0]
    assert "competency:DL.1.1" in header and "competency:DL.1.2" in header
    by_name = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert by_name["Anh"]["competency:DL.1.1"] == "0.67"
    assert by_name["Chi"]["competency:DL.1.1"] == "1.0"
    assert by_name["Anh"]["competency:DL.1.2"] == ""
    assert by_name["Anh"]["skill:Finding information"] == "0.67"


def test_the_dashboard_statements_do_not_grow_with_the_competencies(
    browser, aligned_class, session
):
    from tests.functional.classroom import count_queries

    aligned = count_queries(browser.client, "/teach")
    assert aligned <= 15  # as many as a dashboard without alignments (test_dashboard)
    version_id = aligned_class.path_version_id
    for code in ("DL.2.1", "DL.2.2", "DL.2.3"):
        session.add(
            CompetencyAlignment(
                version_id=version_id,
                skill="safety",
                competency_id=competency(session, code).id,
                position=9,
            )
        )
    session.commit()
    assert count_queries(browser.client, "/teach") == aligned


def test_a_library_entry_lists_its_alignments(client, aligned_class, session):
    from paths.catalog import PathVersion
    from paths.competencies.alignments import educational_alignment, version_alignments
    from paths.library.publishing import LibraryChoice, publish_to_library

    version = session.get(PathVersion, aligned_class.path_version_id)
    publish_to_library(
        session, version, LibraryChoice(licence="CC BY 4.0", credit="A teacher"), now=utcnow()
    )
    session.commit()
    page = client.get(f"/library/{version.path.uuid}?hl=en").get_data(as_text=True)
    listed = page.split('data-testid="alignments"')[1].split("</ul>")[0]
    assert "DL.1.1" in listed and "Judge whether a source is reliable" in listed
    assert f'href="{BASE + ident("DL.1.1")}"' in listed
    assert educational_alignment(version_alignments(session, version.id))[0] == {
        "@type": "AlignmentObject",
        "alignmentType": "teaches",
        "targetName": "DL.1.1 — " + ITEMS["DL.1.1"][0],
        "targetUrl": BASE + ident("DL.1.1"),
        "educationalFramework": "Digital literacy for lower secondary",
    }
    # The page's JSON-LD carries them as LRMI educationalAlignment.
    from tests.functional.library_pages import SCHEMA, expanded, linked_data

    node = expanded(linked_data(page))
    [first, *_] = node[SCHEMA + "educationalAlignment"]
    assert first["@type"] == [SCHEMA + "AlignmentObject"]
    assert first[SCHEMA + "alignmentType"] == [{"@value": "teaches"}]
    assert first[SCHEMA + "targetUrl"] == [{"@id": BASE + ident("DL.1.1")}]
