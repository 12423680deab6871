"""The teacher's class dashboard: statuses, heat map, CSV, pacing, and bounded queries."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from paths.db import utcnow
from paths.enrollment import Assignment
from tests.functional.classroom import add_learner, count_queries, progress
from tests.functional.learner_pages import assign_demo_path, token
from tests.platform import TEACHER


def test_dashboard_shows_status_attention_and_heat_map(browser, classroom):
    page = browser.client.get("/teach").get_data(as_text=True)
    assert "Stuck: <strong>1</strong>" in page and "Behind: <strong>1</strong>" in page
    assert "Not started: <strong>1</strong>" in page and "On track: <strong>1</strong>" in page
    attention = page.split('data-testid="attention"')[1].split("</ul>")[0]
    assert attention.index("Anh") < attention.index("Bảo")
    assert "not passed: Check: finding information" in attention
    rows = page.split("<tbody>")[1]
    assert rows.index("Anh") < rows.index("Bảo") < rows.index("Dũng") < rows.index("Chi")
    anh = page.split('class="heat"')[1].split("</tr>")[1]  # Anh's row of the heat map
    assert '<td class="c-done" colspan="2"><span class="vh">Done: steps 1–2</span>' in anh
    assert '<td class="c-failed"><span class="vh">Checkpoint not passed: step 3' in anh
    assert "How the status is decided" in page and "twice in a row" in page


def test_attention_list_speaks_the_teachers_language(browser, classroom, platform):
    from service.demo.platform import LaunchContext

    browser.launch(platform, LaunchContext(**{**TEACHER.__dict__, "locale": "vi-VN"}))
    page = browser.client.get("/teach").get_data(as_text=True)
    attention = page.split('data-testid="attention"')[1].split("</ul>")[0]
    assert "(chưa đạt: Check: finding information)" in attention


def test_csv_export_has_a_bom_and_every_learner(browser, classroom):
    response = browser.client.get("/teach/class.csv")
    raw = response.get_data()
    assert (
        raw.startswith("\ufeff".encode())
        and "attachment" in response.headers["Content-Disposition"]
    )
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["name", "lms_user_id", "status"]
    assert {r[0] for r in rows[1:]} == {"Anh", "Bảo", "Chi", "Dũng"}
    chi = next(r for r in rows if r[0] == "Chi")
    assert chi[2] == "on_track" and chi[3] == "20"


FORMULAS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]


def test_csv_export_keeps_formula_like_names_as_text(browser, classroom, platform, session):
    for name in FORMULAS:
        add_learner(session, platform, classroom, name, utcnow())
    session.commit()
    raw = browser.client.get("/teach/class.csv").get_data()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    names = {r[0] for r in rows[1:]}
    assert {"'" + name for name in FORMULAS} <= names
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row
    )
    assert {len(row) for row in rows} == {len(rows[0])}
    chi = next(r for r in rows if r[0] == "Chi")
    assert chi[3] == "20"  # numbers and ordinary names are unchanged


def test_pacing_form_sets_the_due_date(browser, classroom, session):
    classroom.created_at = utcnow() - timedelta(days=10)  # assigned ten days ago
    session.commit()
    page = browser.client.get("/teach").get_data(as_text=True)
    due = (utcnow() + timedelta(days=1)).date().isoformat()
    response = browser.client.post(
        "/teach/class/pacing",
        data={"csrf_token": token(page), "due_date": due, "pacing_minutes_per_week": "90"},
    )
    assert response.status_code == 303
    session.expire_all()
    assignment = session.get(Assignment, classroom.id)
    assert assignment.due_at.date().isoformat() == due
    assert assignment.pacing_minutes_per_week == 90
    page = browser.client.get("/teach").get_data(as_text=True)
    assert "On track: <strong>0</strong>" in page  # 20% done, 90% of the time gone


def test_dashboard_queries_do_not_grow_with_the_class(browser, classroom, session, platform):
    small = count_queries(browser.client, "/teach")
    now = utcnow()
    for n in range(30):
        enrollment = add_learner(session, platform, classroom, f"Extra {n}", now)
        progress(session, enrollment, steps=("search-basics",))
    session.commit()
    assert count_queries(browser.client, "/teach") == small
    assert small <= 15, small


def test_learners_cannot_see_the_dashboard(learner):
    assert learner.get("/teach").status_code == 403
    assert learner.get("/teach/class.csv").status_code == 403


def test_dashboard_needs_an_assigned_path(browser, platform):
    browser.launch(platform, TEACHER)
    assert browser.client.get("/teach/class.csv").status_code == 404


def test_bad_pacing_changes_nothing(browser, classroom, session):
    page = browser.client.get("/teach").get_data(as_text=True)
    response = browser.client.post(
        "/teach/class/pacing", data={"csrf_token": token(page), "pacing_minutes_per_week": "99999"}
    )
    assert response.status_code == 400
    session.expire_all()
    assert session.get(Assignment, classroom.id).pacing_minutes_per_week is None


def test_teacher_sees_only_their_course(browser, classroom, second_platform, session):
    from tests.functional.learner_pages import assign_demo_path as place

    place(session, second_platform)
    other = session.scalars(select(Assignment).where(Assignment.id != classroom.id)).one()
    add_learner(session, second_platform, other, "Elsewhere", utcnow())
    session.commit()
    page = browser.client.get("/teach").get_data(as_text=True)
    assert "Elsewhere" not in page


def test_grade_sync_status_and_sync_again(browser, platform, session, gradebook):
    from lti.models import ScoreDelivery
    from paths.scores import Score
    from tests.functional.learner_pages import post
    from tests.platform import LEARNER

    assign_demo_path(session, platform)
    claim = gradebook.claim(gradebook.add_line_item())
    browser.launch(
        platform, LEARNER, **{"https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": claim}
    )
    post(browser.client, "/path/steps/search-basics/done", {}, "/path/steps/search-basics")
    browser.launch(platform, TEACHER)
    page = browser.client.get("/teach").get_data(as_text=True)
    assert "waiting to send" in page
    score = session.scalars(select(Score)).one()
    session.add(
        ScoreDelivery(
            score_id=score.id,
            failed_at=utcnow(),
            last_error=("sending the score: the LMS answered 422 (user not gradable)"),
        )
    )
    session.commit()
    page = browser.client.get("/teach").get_data(as_text=True)
    assert "refused by the LMS" in page and "user not gradable" in page
    response = browser.client.post(
        "/teach/class/resync",
        data={"csrf_token": token(page), "enrollment_id": str(score.enrollment_id)},
    )
    assert response.status_code == 303
    session.expire_all()
    assert session.get(ScoreDelivery, score.id).failed_at is None
    assert "waiting to send" in browser.client.get("/teach").get_data(as_text=True)


def test_sync_again_for_a_learner_of_another_activity_is_refused(browser, classroom, session):
    page = browser.client.get("/teach").get_data(as_text=True)
    response = browser.client.post(
        "/teach/class/resync", data={"csrf_token": token(page), "enrollment_id": "999999"}
    )
    assert response.status_code == 404
