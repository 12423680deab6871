"""The open library end to end: the starter catalogue, public pages, finding and adding a
library path from any school, copying with attribution, publishing, and moderation."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from sqlalchemy import func, select

from lti import claims
from paths.catalog import LearningPath
from paths.db import utcnow
from paths.library.models import LibraryEntry, LibraryRelease, LibraryReport
from paths.scores import Score
from service.library.starter import seed_library, starter_documents
from tests.conftest import ADMIN
from tests.functional.deep_links import deep_link_launch, returned_jwt, verify_with_published_keys
from tests.functional.learner_pages import page_of, token
from tests.functional.library_pages import PHOTOSYNTHESIS, publish_form
from tests.grades import drain
from tests.platform import LEARNER, TEACHER, LaunchContext, RegisteringLms, TestPlatform

ONLINE_SAFETY = "Staying safe online"


def entry_titles(page: str) -> list[str]:
    return [
        re.sub(r"<[^>]+>", "", t)
        for t in re.findall(r'<h3><a href="[^"]+"[^>]*>(.*?)</a></h3>', page)
    ]


def counts(session) -> tuple[int, ...]:
    return tuple(
        session.scalar(select(func.count()).select_from(model))
        for model in (LibraryEntry, LibraryRelease, LibraryReport, LearningPath)
    )


# -- the starter catalogue and the public pages --------------------------------------------


def test_the_starter_catalogue_has_complete_paths_in_both_languages(starter):
    documents = starter_documents()
    languages = [d["language"] for d in documents]
    assert languages.count("vi") >= 3 and languages.count("en") >= 3
    for document in documents:
        steps = document["steps"]
        checkpoints = [s for s in steps if s["kind"] == "checkpoint"]
        assert len(steps) >= 8 and len(checkpoints) >= 2, document["title"]
        assert all(q["explanation"] for c in checkpoints for q in c["checkpoint"]["questions"])
        assert {s.get("remedial_for") for s in steps} >= {c["key"] for c in checkpoints}
        labelled = {s["key"] for s in document["skills"]}
        assert {k for s in steps for k in s.get("skills", [])} <= labelled
        assert all(
            s["resource"]["licence"] and s["resource"]["source"] for s in steps if s.get("resource")
        ), document["title"]
    assert len(starter) == len(documents)
    assert {"digital-skills", "study-skills"} <= {e.subject for e in starter.values()}
    assert len({e.subject for e in starter.values()} - {"digital-skills", "study-skills"}) >= 2


def test_seeding_again_changes_nothing(session, starter):
    before = counts(session)
    again = seed_library(session, utcnow())
    session.commit()
    assert (again.added, again.updated) == (0, 0) and counts(session) == before


def test_anyone_can_see_what_is_in_the_library(client, starter):
    response = client.get("/library")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert sorted(entry_titles(page)) == sorted(starter)
    assert "CC BY 4.0" in page and "Thư viện khởi đầu Selfpath" in page
    vietnamese = client.get("/library?hl=vi").get_data(as_text=True)
    assert "Thư viện mở" in vietnamese


@pytest.mark.parametrize("words", ["quang hop", "QUANG HỢP", "Quang hợp", "lục lạp"])
def test_search_finds_vietnamese_without_diacritics_or_case(client, starter, words):
    page = client.get("/library", query_string={"q": words}).get_data(as_text=True)
    assert entry_titles(page) == [PHOTOSYNTHESIS]


def test_filters_narrow_the_public_list(client, starter):
    page = client.get("/library", query_string={"language": "en", "subject": "mathematics"})
    assert entry_titles(page.get_data(as_text=True)) == ["Fractions, decimals and percentages"]


@pytest.mark.parametrize(
    "query",
    [
        {"q": "x" * 100_000},
        {"q": "‮🙂\u200b"},
        {"page": "99999999999999999999"},
        {"language": "klingon", "subject": "<script>", "length": "forever", "page": "-3"},
    ],
)
def test_any_search_input_is_safe(client, starter, query):
    response = client.get("/library", query_string=query)
    assert response.status_code == 200


def test_an_entry_page_shows_every_step_source_and_licence_but_no_answers(client, starter):
    entry = starter[PHOTOSYNTHESIS]
    response = client.get(f"/library/{entry.uuid}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    document = next(d for d in starter_documents() if d["uuid"] == entry.uuid)
    for step in document["steps"]:
        assert step["title"].replace("“", "&#34;")[:20] in page or step["title"][:20] in page
        if step.get("resource"):
            assert step["resource"]["url"] in page
    assert page.count("CC BY-SA 4.0") >= 1 and "5 questions" in page
    questions = [
        q
        for s in document["steps"]
        if s["kind"] == "checkpoint"
        for q in s["checkpoint"]["questions"]
    ]
    assert not any(q["explanation"][:40] in page for q in questions)
    assert not any(q["prompt"][:40] in page for q in questions)


@pytest.mark.parametrize(
    "address", ["/library/not-a-uuid", f"/library/{uuid.uuid4()}", "/library/" + "a" * 5000]
)
def test_library_ids_that_do_not_exist_are_not_found(client, starter, address):
    assert client.get(address).status_code == 404


# -- a new school finds, adds and copies library paths -------------------------------------


@pytest.fixture(params=["moodle", "canvas"])
def new_school(request, app, platform_server, client, session, starter):
    """A Moodle or a Canvas that registered Selfpath by dynamic registration just now."""
    from lti.models import Platform

    lms = RegisteringLms(
        TestPlatform(platform_server, name=f"new-{request.param}", client_id="-"),
        style=request.param,
    )
    assert client.get("/lti/register", query_string=lms.invite()).status_code == 200
    row = session.scalars(select(Platform).where(Platform.issuer == lms.platform.issuer)).one()
    lms.platform.client_id, lms.platform.platform_id = row.client_id, row.id
    if request.param == "moodle":
        lms.platform.deployment_ids = ("1",)
    return lms.platform


def test_a_new_schools_first_deep_linking_page_offers_the_starter_paths(
    browser, new_school, starter
):
    response = deep_link_launch(browser, new_school)
    assert response.status_code == 303
    page = page_of(browser.client, "/teach/deep-link")
    for title in starter:
        assert title in page
    searched = page_of(browser.client, "/teach/deep-link?q=ky+nang+so")
    assert "Kỹ năng số và an toàn thông tin" in searched and ONLINE_SAFETY not in searched


def test_adding_a_library_path_assigns_it_and_scores_reach_the_gradebook(
    browser, platform, session, starter, gradebook, worker
):
    entry = starter[ONLINE_SAFETY]
    release = entry.releases[-1]
    deep_link_launch(browser, platform)
    page = page_of(browser.client, "/teach/deep-link")
    answer = browser.client.post(
        "/teach/deep-link",
        data={"csrf_token": token(page), f"path-library-{release.id}": f"library:{release.id}"},
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body = verify_with_published_keys(
        browser.client, returned_jwt(answer.get_data(as_text=True)), platform
    )
    [item] = body["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert item["custom"] == {"library_entry": entry.uuid, "library_version": "1"}
    assert item["lineItem"]["resourceId"] == f"selfpath-library-{entry.uuid}"

    with browser.client.session_transaction() as web_session:
        web_session.clear()
    link = LaunchContext(**{**LEARNER.__dict__, "resource_link_id": "library-link"})
    line_item = gradebook.add_line_item(resource_link_id="library-link")
    launched = browser.launch(
        platform,
        link,
        **{claims.CUSTOM: item["custom"], claims.AGS_ENDPOINT: gradebook.claim(line_item)},
    )
    assert launched.headers["Location"] == "/path"
    my_path = page_of(browser.client, "/path")
    first = next(d for d in starter_documents() if d["uuid"] == entry.uuid)["steps"][0]
    assert first["title"] in my_path
    assert "by Selfpath starter library" in my_path and "CC BY 4.0" in my_path
    step = page_of(browser.client, f"/path/steps/{first['key']}")
    browser.client.post(f"/path/steps/{first['key']}/done", data={"csrf_token": token(step)})
    assert session.scalar(select(func.count(Score.id))) == 1
    drain(worker, session)
    assert [r.user_id for r in gradebook.received] == [LEARNER.subject]


def test_copying_keeps_the_credit_and_the_entry_counts_its_adaptations(
    browser, platform, session, starter
):
    entry = starter[PHOTOSYNTHESIS]
    browser.launch(platform, TEACHER)
    assert f"Copy into this course: {PHOTOSYNTHESIS}" in page_of(
        browser.client, "/teach/library?q=quang"
    )
    preview = page_of(browser.client, f"/teach/library/{entry.uuid}")
    assert "Copy into this course" in preview and "Report a problem" in preview
    # A teacher's pages are not kept by caches; the public page may be.
    assert browser.client.get(f"/teach/library/{entry.uuid}").headers["Cache-Control"] == "no-store"
    assert "no-store" not in browser.client.get(f"/library/{entry.uuid}").headers.get(
        "Cache-Control", ""
    )
    copied = browser.client.post(
        f"/teach/library/{entry.uuid}/copy", data={"csrf_token": token(preview)}
    )
    assert copied.status_code == 303
    path = session.scalars(
        select(LearningPath).where(LearningPath.derived_from_id.is_not(None))
    ).one()
    assert path.derived_from_id == entry.releases[-1].id and path.course_id is not None
    editor = page_of(browser.client, copied.headers["Location"])
    assert "Adapted from" in editor and "Thư viện khởi đầu Selfpath" in editor
    public = page_of(browser.client, f"/library/{entry.uuid}")
    assert "Adapted by 1 course" in public


# -- publishing, withdrawing and moderating -------------------------------------------------


def teacher_with_path(browser, platform):
    from tests.functional.authoring import DEMO, path_id_of, upload

    browser.launch(platform, TEACHER)
    return path_id_of(upload(browser.client, DEMO))


def test_publishing_offers_the_path_to_every_school(browser, platform, second_platform, session):
    path_id = teacher_with_path(browser, platform)
    form = page_of(browser.client, f"/teach/library/publish/{path_id}")
    assert "CC BY 4.0" in form and "CC0" in form and "a teacher at" in form.lower()
    published = publish_form(
        browser,
        path_id,
        licence="CC BY-SA 4.0",
        credit="teacher_at",
        school="Trường THCS Lê Lợi",
        subject="digital-skills",
        level="adult",
    )
    assert published.status_code == 303, published.get_data(as_text=True)
    entry = session.scalars(select(LibraryEntry)).one()
    assert (entry.credit, entry.licence, entry.status) == (
        "A teacher at Trường THCS Lê Lợi",
        "CC BY-SA 4.0",
        "listed",
    )
    assert entry.uuid == session.get(LearningPath, path_id).uuid
    # A teacher of another school finds it.
    with browser.client.session_transaction() as web_session:
        web_session.clear()
    deep_link_launch(browser, second_platform)
    assert "Digital skills for lifelong learners" in page_of(
        browser.client, "/teach/deep-link?q=digital"
    )


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"credit": "name", "name": "Hoa"}, "licence"),
        ({"licence": "CC BY-NC 4.0", "credit": "name", "name": "Hoa"}, "licence"),
        ({"licence": "CC BY 4.0", "credit": "school"}, "credited"),
        ({"licence": "CC BY 4.0"}, "credit"),
    ],
)
def test_publishing_refusals_keep_the_form_and_change_nothing(
    browser, platform, session, fields, reason
):
    path_id = teacher_with_path(browser, platform)
    before = counts(session)
    response = publish_form(browser, path_id, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and 'role="alert"' in page and reason in page.lower()
    assert 'name="licence"' in page  # the same form, not a dead end
    assert counts(session) == before


def test_a_refused_report_shows_the_preview_again_with_the_reason_kept(
    browser, platform, session, starter
):
    entry = starter[ONLINE_SAFETY]
    browser.launch(platform, TEACHER)
    preview = page_of(browser.client, f"/teach/library/{entry.uuid}")
    typed = "The second link is broken. " * 40
    response = browser.client.post(
        f"/teach/library/{entry.uuid}/report", data={"csrf_token": token(preview), "reason": typed}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert '<details id="report" open>' in page
    assert 'role="alert" data-testid="form-error">' in page and "reason" in page
    assert f"required>{typed}</textarea>" in page
    assert session.scalar(select(func.count(LibraryReport.id))) == 0


def test_another_schools_teacher_cannot_withdraw_an_entry(
    browser, platform, second_platform, session, starter
):
    path_id = teacher_with_path(browser, platform)
    publish_form(browser, path_id, licence="CC BY 4.0", credit="name", name="Hoa Le")
    entry = session.scalars(select(LibraryEntry).where(LibraryEntry.path_id == path_id)).one()
    with browser.client.session_transaction() as web_session:
        web_session.clear()
    browser.launch(second_platform, TEACHER)
    page = page_of(browser.client, "/teach/library")
    refused = browser.client.post(
        f"/teach/library/{entry.uuid}/withdraw", data={"csrf_token": token(page)}
    )
    assert refused.status_code == 404
    session.refresh(entry)
    assert entry.status == "listed"
    starter_entry = starter[ONLINE_SAFETY]  # nor a starter path, which no school owns
    assert (
        browser.client.post(
            f"/teach/library/{starter_entry.uuid}/withdraw", data={"csrf_token": token(page)}
        ).status_code
        == 404
    )


def test_an_author_withdraws_and_activities_keep_their_version(browser, platform, session):
    path_id = teacher_with_path(browser, platform)
    publish_form(browser, path_id, licence="CC0 1.0", credit="name", name="Hoa Le")
    entry = session.scalars(select(LibraryEntry)).one()
    editor = page_of(browser.client, f"/teach/paths/{path_id}")
    assert "Withdraw it from the library" in editor
    withdrawn = browser.client.post(
        f"/teach/library/{entry.uuid}/withdraw", data={"csrf_token": token(editor)}
    )
    assert withdrawn.status_code == 303
    assert browser.client.get(f"/library/{entry.uuid}").status_code == 404
    assert "Digital skills for lifelong learners" not in entry_titles(
        page_of(browser.client, "/library")
    )


def test_reports_reach_the_admin_who_can_unlist_and_restore(browser, platform, session, starter):
    from tests.functional.admin_browser import AdminBrowser

    entry = starter[ONLINE_SAFETY]
    browser.launch(platform, TEACHER)
    preview = page_of(browser.client, f"/teach/library/{entry.uuid}")
    empty = browser.client.post(
        f"/teach/library/{entry.uuid}/report", data={"csrf_token": token(preview), "reason": "   "}
    )
    assert empty.status_code == 400
    browser.client.post(
        f"/teach/library/{entry.uuid}/report",
        data={"csrf_token": token(preview), "reason": "A link is broken."},
    )
    assert session.scalar(select(func.count(LibraryReport.id))) == 1
    admin = AdminBrowser(browser.client)
    assert admin.sign_in(*ADMIN).status_code == 302
    console = page_of(browser.client, "/admin/library")
    assert "A link is broken." in console and ONLINE_SAFETY in console
    assert admin.post(f"/admin/library/{entry.id}/unlist").status_code == 302
    assert browser.client.get(f"/library/{entry.uuid}").status_code == 404
    assert ONLINE_SAFETY not in entry_titles(page_of(browser.client, "/library"))
    assert admin.post(f"/admin/library/{entry.id}/restore").status_code == 302
    assert browser.client.get(f"/library/{entry.uuid}").status_code == 200


def test_no_learner_data_enters_the_library(browser, platform, session, starter):
    from paths.db import Base

    entry = starter[PHOTOSYNTHESIS]
    browser.launch(platform, TEACHER)
    preview = page_of(browser.client, f"/teach/library/{entry.uuid}")
    browser.client.post(f"/teach/library/{entry.uuid}/copy", data={"csrf_token": token(preview)})
    learner = browser.launch(platform, LEARNER)
    assert learner.status_code in (200, 303)
    identifiers = {LEARNER.subject, LEARNER.name, LEARNER.email}
    for table in ("library_entries", "library_releases", "library_reports"):
        rows = session.execute(Base.metadata.tables[table].select()).all()
        text = json.dumps([list(map(str, r)) for r in rows], ensure_ascii=False)
        assert not any(i in text for i in identifiers), table
    exported = page_of(browser.client, f"/library/{entry.uuid}")
    assert not any(i in exported for i in identifiers)
