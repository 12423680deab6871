"""A learner's personal path through the pages: adaptive placement, study, a failed check,
the remedial step, a pass, the review that comes back later, calibration and "what I know"."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from paths.db import utcnow
from paths.progress import ProgressEvent
from paths.study.skills import SkillParameters
from service import clock
from tests.functional.learner_pages import (
    RIGHT,
    SEARCH_ANSWERS,
    WRONG,
    answer_diagnostic,
    assign_demo_path,
    page_of,
    post,
    question_on,
    statuses,
    token,
    up_next,
)
from tests.platform import LEARNER


@pytest.fixture
def learner(browser, platform, session):
    assign_demo_path(session, platform)
    assert browser.launch(platform, LEARNER).status_code == 303
    return browser.client


def test_placement_study_fail_remedial_pass_and_review_later(learner, monkeypatch):
    asked = answer_diagnostic(learner, "/path/placement", {})  # knows nothing yet
    assert 3 <= len(asked) <= 12
    assert "No steps were tested out" in page_of(learner, "/path/placement")
    for key in ("search-basics", "search-queries"):
        post(learner, f"/path/steps/{key}/done", {}, f"/path/steps/{key}")
    assert "this check can confirm it" in up_next(page_of(learner, "/path"))
    post(learner, "/path/steps/check-search/checkpoint", WRONG, "/path/steps/check-search")
    page = page_of(learner, "/path")
    assert "Review: searching step by step" in up_next(page) and "showed a gap" in up_next(page)
    post(learner, "/path/steps/search-review/done", {}, "/path/steps/search-review")
    result = post(
        learner,
        "/path/steps/check-search/checkpoint",
        {**RIGHT, "predicted": "60"},
        "/path/steps/check-search",
    )
    text = result.get_data(as_text=True)
    assert "Passed" in text and "You expected 60%, you scored 100%." in text
    assert "Predict your score before a few more checks" in text
    page = page_of(learner, "/path")
    assert statuses(page)["check-search"] == "done"
    assert "Judging a source" in up_next(page)

    later = utcnow() + timedelta(days=60)
    monkeypatch.setattr(clock, "now", lambda: later)
    page = page_of(learner, "/path")
    assert statuses(page)["check-search"] == "review_due"
    assert "Check: finding information" in up_next(page) and "due for review" in up_next(page)
    post(learner, "/path/steps/check-search/checkpoint", RIGHT, "/path/steps/check-search")
    page = page_of(learner, "/path")
    assert statuses(page)["check-search"] == "done" and "due for review" not in up_next(page)


def test_calibration_summary_after_several_predictions(learner):
    for key in ("search-basics", "search-queries"):
        post(learner, f"/path/steps/{key}/done", {}, f"/path/steps/{key}")
    for _ in range(3):
        result = post(
            learner,
            "/path/steps/check-search/checkpoint",
            {"q0": "1", "predicted": "90"},
            "/path/steps/check-search",
        )
    text = result.get_data(as_text=True)
    assert "You expected 90%, you scored 33%." in text
    assert "You tend to expect more than you score: your predictions are 57 points off" in text
    assert "Based on 3 predictions." in text
    assert "Based on 3 predictions." in page_of(learner, "/path/skills")


def test_what_selfpath_thinks_i_know_and_prove_it(learner):
    assert "What Selfpath thinks I know, and why" in page_of(learner, "/path")
    page = page_of(learner, "/path/skills")
    assert page.count("data-skill=") == 3
    assert 'data-skill="search" data-verdict="no_evidence"' in page
    assert "Prove it: take a short check on “Finding information”" in page
    check = page_of(learner, "/path/skills/search/check")
    assert "Check: Finding information" in check and check.count("<fieldset>") == 1
    for _ in range(3):
        check = page_of(learner, "/path/skills/search/check")
        question = question_on(check)
        response = learner.post(
            "/path/skills/search/check",
            data={
                "csrf_token": token(check),
                "question": question,
                "answer": SEARCH_ANSWERS[question],
            },
        )
    assert response.headers["Location"] == "/path/skills"  # three right answers prove it
    page = page_of(learner, "/path/skills")
    assert "Selfpath now thinks you master “Finding information”" in page
    assert 'data-skill="search" data-verdict="mastered"' in page
    assert "Evidence: 3 answers counted, 3 right." in page
    assert statuses(page_of(learner, "/path"))["check-search"] == "tested_out"
    assert learner.get("/path/skills/cooking/check").status_code == 404


def test_a_learner_judged_not_ready_can_still_challenge_the_estimate(learner):
    answer_diagnostic(learner, "/path/placement", {})  # every answer left blank
    page = page_of(learner, "/path/skills")
    assert 'data-skill="search" data-verdict="not_yet"' in page
    asked = answer_diagnostic(learner, "/path/skills/search/check", SEARCH_ANSWERS)
    assert len(asked) == 3  # every question on the skill, although it was judged not mastered
    page = page_of(learner, "/path/skills")
    assert "“Finding information” is not shown as mastered yet" in page
    assert "Evidence: 5 answers counted, 3 right." in page  # two in placement


def test_finish_and_skip_need_no_javascript(learner, session):
    page = page_of(learner, "/path/placement")
    assert "Skip it and start" in page and "Finish the placement check now" in page
    response = learner.post(
        "/path/placement",
        data={"csrf_token": token(page), "question": "check-search:0", "answer": "1"},
    )
    assert response.status_code == 303
    page = page_of(learner, "/path/placement")
    assert "Question 2 of at most 12" in page and "Skip it and start" not in page
    response = post(learner, "/path/placement/finish", {}, "/path/placement")
    assert response.status_code == 303
    assert "Selfpath asked 1 question." in page_of(learner, "/path/placement")
    assert "Take the placement check" not in page_of(learner, "/path")


def test_skills_fit_learns_from_the_logged_answers(learner, app, session):
    for key in ("search-basics", "search-queries"):
        post(learner, f"/path/steps/{key}/done", {}, f"/path/steps/{key}")
    post(learner, "/path/steps/check-search/checkpoint", WRONG, "/path/steps/check-search")
    post(learner, "/path/steps/check-search/checkpoint", RIGHT, "/path/steps/check-search")
    result = app.test_cli_runner().invoke(args=["skills", "fit"])
    assert result.exit_code == 0, result.output
    assert "Fitted bkt parameters for 1 skill(s) from 6 answers of 1 learner(s)" in result.output
    assert "Rebuilt the mastery estimates of 1 enrollment(s)." in result.output
    row = session.scalars(select(SkillParameters)).one()
    assert (row.model, row.skill, row.answers) == ("bkt", "search", 6)
    rebuilt = app.test_cli_runner().invoke(args=["skills", "rebuild"])
    assert "review schedules of 1 enrollment(s)" in rebuilt.output
    assert "Rebuilt the learner states of 1 enrollment(s)." in rebuilt.output


def test_a_failed_review_brings_the_remedial_step_back_first(learner, monkeypatch, session):
    for key in ("search-basics", "search-queries"):
        post(learner, f"/path/steps/{key}/done", {}, f"/path/steps/{key}")
    post(learner, "/path/steps/check-search/checkpoint", WRONG, "/path/steps/check-search")
    post(learner, "/path/steps/search-review/done", {}, "/path/steps/search-review")
    post(learner, "/path/steps/check-search/checkpoint", RIGHT, "/path/steps/check-search")

    later = utcnow() + timedelta(days=60)
    monkeypatch.setattr(clock, "now", lambda: later)
    assert "due for review" in up_next(page_of(learner, "/path"))
    post(learner, "/path/steps/check-search/checkpoint", WRONG, "/path/steps/check-search")
    page = page_of(learner, "/path")
    assert "Review: searching step by step" in up_next(page)
    assert (
        "Your review of “Check: finding information” showed that some of it has faded"
        in up_next(page)
    )
    step = page_of(learner, "/path/steps/search-review")
    assert "go over this step again" in step and "Mark as done" in step

    # Gone over again, each time as study, until the learner is ready to retake the check.
    times = 0
    while "Review: searching step by step" in up_next(page_of(learner, "/path")):
        post(learner, "/path/steps/search-review/done", {}, "/path/steps/search-review")
        times += 1
        assert times < 10
    assert "go over this step again" in page_of(learner, "/path/steps/search-review")
    post(learner, "/path/steps/check-search/checkpoint", RIGHT, "/path/steps/check-search")
    step = page_of(learner, "/path/steps/search-review")
    assert "go over this step again" not in step and "You have done this step." in step
    kinds = session.scalars(
        select(ProgressEvent.kind).where(ProgressEvent.step_key == "search-review")
    ).all()
    assert sorted(kinds) == ["completed"] + ["restudied"] * times
