"""The class heat map, the class charts and the teacher's page about one learner."""
# ruff: noqa: F811 (the dashboard tests' `classroom` fixture is imported, then requested by name)

from __future__ import annotations

import re

from sqlalchemy import select

from paths.db import utcnow
from paths.enrollment import Assignment, Enrollment
from paths.people import User
from tests.functional.classroom import add_learner, count_queries, progress
from tests.functional.learner_pages import assign_demo_path
from tests.platform import LEARNER

STEPS = 12  # in the demo path


def section(page: str, start: str, end: str = "</table>") -> str:
    return page.split(start, 1)[1].split(end, 1)[0]


def user_id(session, name: str) -> int:
    return session.scalars(select(User.id).where(User.name == name)).one()


def test_the_heat_map_has_a_column_per_step_with_its_title(browser, classroom):
    page = browser.client.get("/teach").get_data(as_text=True)
    region = re.search(r'<div class="map" role="region" aria-label="[^"]+" tabindex="0">', page)
    assert region, "the map scrolls sideways inside its own focusable region"
    head = section(page, '<table class="heat">', "</thead>")
    assert head.count('<th scope="col" class="step">') == STEPS
    assert (
        '<abbr title="Write better search queries">2</abbr>'
        '<span class="vh"> Write better search queries</span>'
    ) in head
    assert '<th scope="col" class="sticky">' in head
    assert ".sticky{position:sticky;left:0" in page


def test_every_heat_map_cell_says_its_status_in_words(browser, classroom, session):
    page = browser.client.get("/teach").get_data(as_text=True)
    body = section(page, '<table class="heat">').split("<tbody>")[1]
    rows = body.split("</tr>")[:-1]
    assert len(rows) == 4
    for row in rows:  # the cells of a row span every step exactly once
        spans = [int(n or 1) for n in re.findall(r'<td class="c-\w+"(?: colspan="(\d+)")?>', row)]
        assert sum(spans) == STEPS
        assert len(re.findall(r'<span class="vh">[^<]+</span></td>', row)) == len(spans)
    dung = next(r for r in rows if ">Dũng</a>" in r)
    assert '<td class="c-todo" colspan="12"><span class="vh">To do: steps 1–12</span>' in dung
    assert "■" not in body and "·" not in body
    legend = section(page, 'data-testid="legend"', "</ul>")
    assert all(word in legend for word in ("Done", "Tested out", "Checkpoint not passed", "To do"))


def test_each_name_in_the_map_opens_the_learners_page(browser, classroom, session):
    page = browser.client.get("/teach").get_data(as_text=True)
    anh = user_id(session, "Anh")
    assert f'<a href="/teach/learners/{anh}">Anh</a></th>' in page


def test_the_status_bar_and_the_progress_distribution(browser, classroom):
    page = browser.client.get("/teach").get_data(as_text=True)
    bar = section(page, '<svg class="chart bar"', "</svg>")
    assert "<title" in bar and "Learners by status" in bar
    assert "Stuck: 1; Behind: 1; Not started: 1; On track: 1; Done: 0" in bar
    assert bar.count("<rect") == 4  # no part for a status nobody is in
    assert 'width="100.00"' in bar  # a quarter of the 400-wide bar each
    histogram = section(page, 'id="distribution-h"', "</details>")
    assert "0–9%: 1; 10–19%: 1; 20–29%: 2; 30–39%: 0" in histogram
    numbers = section(histogram, 'data-testid="distribution"')
    assert "<td>20–29%</td><td>2</td>" in numbers and "<td>90–100%</td><td>0</td>" in numbers


def test_checkpoint_pass_rates_per_question(browser, classroom, platform, session):
    from paths.study.checkpoints import submit_checkpoint

    chi = session.scalars(select(User).where(User.name == "Chi")).one()
    enrollment = session.scalars(select(Enrollment).where(Enrollment.user_id == chi.id)).one()
    submit_checkpoint(session, enrollment, "check-search", {0: "1", 1: "2", 2: "x"}, now=utcnow())
    session.commit()
    page = browser.client.get("/teach").get_data(as_text=True)
    chart = section(page, 'id="questions-h"', "</details>")
    assert "Step 3, question 1: 1 of 2 right; Step 3, question 2: 0 of 2 right" in chart
    assert "Step 11, question 1: not answered yet" in chart
    numbers = section(chart, 'data-testid="question-rates"')
    assert "<td>1 of 2 (50%)</td>" in numbers and "<td>0 of 2 (0%)</td>" in numbers


def test_the_dashboard_statements_stay_bounded_with_the_charts(
    browser, classroom, session, platform
):
    small = count_queries(browser.client, "/teach")
    for n in range(20):
        enrollment = add_learner(session, platform, classroom, f"More {n}", utcnow())
        progress(session, enrollment, steps=("search-basics", "search-queries"), fails=1)
    session.commit()
    assert count_queries(browser.client, "/teach") == small


def test_the_learners_page_shows_path_answers_mastery_and_grades(browser, classroom, session):
    anh = user_id(session, "Anh")
    page = browser.client.get(f"/teach/learners/{anh}").get_data(as_text=True)
    assert "<h1>Anh</h1>" in page and 'class="wide"' in page
    path = section(page, 'data-testid="path"', "</ol>")
    assert 'data-step="search-basics" data-status="done"' in path
    assert "checkpoint not passed" in path
    attempts = page.split('id="attempts-h"')[1].split('id="mastery-h"')[0]
    assert attempts.count('<section class="attempt" data-step="check-search">') == 2
    assert "<td>x</td>" in attempts and "wrong" in attempts  # the answer as typed
    assert "<td>open textbook</td>" in attempts  # a choice shown by its text
    assert "Score 0%" in attempts
    mastery = section(page, 'data-testid="mastery"')
    # skills by their names, never their keys
    assert '<th scope="row" data-skill="search">Finding information</th>' in mastery
    assert "0 of 6" in mastery
    chart = section(page, '<figure data-skill="search">', "</figure>")
    assert "<title" in chart and "Mastery of Finding information over time" in chart
    assert "over 8 answers and study steps" in chart  # two steps studied, six answers
    grades = section(page, 'data-testid="grade-sync"', "</dl>")
    assert "no gradebook column" in grades and "1 (latest: 3)" not in grades
    assert "Estimated study time" in page and "25 minutes" in page


def test_the_learners_page_shows_a_refused_score(browser, classroom, session):
    from tests.grades import delivery_of

    anh = user_id(session, "Anh")
    enrollment = session.scalars(select(Enrollment).where(Enrollment.user_id == anh)).one()
    delivery = delivery_of(session, enrollment)
    delivery.failed_at, delivery.last_error = utcnow(), "the LMS answered 422 (user not gradable)"
    session.add(delivery)
    session.commit()
    page = browser.client.get(f"/teach/learners/{anh}").get_data(as_text=True)
    grades = section(page, 'data-testid="grade-sync"', "</dl>")
    assert "refused by the LMS" in grades and "user not gradable" in grades
    assert 'name="enrollment_id" value="' in page and "Sync again" in page


def test_a_learner_who_has_not_opened_the_activity(browser, classroom, platform, session):
    from paths.people import Activity, Membership

    course_id = session.get(Activity, classroom.activity_id).course_id
    user = User(issuer=platform.issuer, subject="sub-Em", name="Em")
    session.add(user)
    session.flush()
    session.add(Membership(user_id=user.id, course_id=course_id, role="learner"))
    session.commit()
    response = browser.client.get(f"/teach/learners/{user.id}")
    assert response.status_code == 200
    assert 'data-testid="not-started"' in response.get_data(as_text=True)


def test_learners_of_other_courses_are_not_found(browser, classroom, second_platform, session):
    assign_demo_path(session, second_platform)
    other = session.scalars(select(Assignment).where(Assignment.id != classroom.id)).one()
    stranger = add_learner(session, second_platform, other, "Elsewhere", utcnow())
    session.commit()
    for learner in (stranger.user_id, 999999, 10**30):
        assert browser.client.get(f"/teach/learners/{learner}").status_code == 404


def test_the_learners_page_is_for_the_activitys_teachers_only(
    browser, classroom, session, platform
):
    anh = user_id(session, "Anh")
    browser.launch(platform, LEARNER)
    assert browser.client.get(f"/teach/learners/{anh}").status_code == 403


def test_teacher_pages_have_selfpaths_top_bar(browser, classroom):
    page = browser.client.get("/teach").get_data(as_text=True)
    nav = section(page, "<header>", "</header>")
    assert 'href="/teach"' in nav and 'href="/teach/paths"' in nav
    assert 'href="/teach/library"' in nav
    assert '<main id="main" class="wide">' in page


def test_learner_pages_keep_their_own_layout(browser, classroom, platform):
    browser.launch(platform, LEARNER)
    page = browser.client.get("/path").get_data(as_text=True)
    assert '<main id="main">' in page and 'href="/teach/paths"' not in page
