"""A learner studies their path inside the LMS: launch, placement, steps, checkpoints."""

from __future__ import annotations

import json

import pytest

from tests.functional.learner_pages import (
    SEARCH_ANSWERS,
    answer_diagnostic,
    assign_demo_path,
    events,
    page_of,
    post,
    statuses,
    token,
    up_next,
)
from tests.platform import LEARNER


def test_learner_journey_from_launch_to_completion(learner, session):
    page = page_of(learner, "/path")
    assert "Take the placement check" in page
    assert "How search engines work" in up_next(page)
    assert "the skills you still need: Finding information" in up_next(page)
    assert statuses(page)["search-queries"] == "locked"
    assert "Locked until you finish: How search engines work" in page

    # Placement, one question per page: knows how to search, nothing else.
    asked = answer_diagnostic(learner, "/path/placement", SEARCH_ANSWERS)
    assert set(SEARCH_ANSWERS) <= set(asked) and len(asked) <= 12
    result = page_of(learner, "/path/placement")
    assert "You already master: Finding information" in result
    assert "Write better search queries" in result
    page = page_of(learner, "/path")
    assert "Take the placement check" not in page
    assert statuses(page)["search-basics"] == "tested_out"
    assert statuses(page)["check-search"] == "tested_out"
    assert "Judging a source" in up_next(page)

    for key in ("judge-sources", "fact-check"):
        response = post(
            learner, f"/path/steps/{key}/done", {"confidence": "4"}, f"/path/steps/{key}"
        )
        assert response.status_code == 303
    post(
        learner,
        "/path/steps/trust-reflection/done",
        {"reflection": "Tôi tin nguồn có tác giả."},
        "/path/steps/trust-reflection",
    )
    for key in ("passwords", "phishing"):
        post(learner, f"/path/steps/{key}/done", {}, f"/path/steps/{key}")
    page = page_of(learner, "/path")
    assert (
        "You seem ready for Judging sources, Staying safe online: this check can confirm it"
        in up_next(page)
    )
    assert statuses(page)["check-judge-safety"] == "available"

    # A failed checkpoint: feedback per question; this one has no remedial branch.
    result = post(
        learner,
        "/path/steps/check-judge-safety/checkpoint",
        {"q0": "0", "q1": "0", "q2": "0", "q3": "no idea", "predicted": "90"},
        "/path/steps/check-judge-safety",
    )
    text = result.get_data(as_text=True)
    assert result.status_code == 200 and "Not passed yet" in text and "You expected 90%" in text
    assert text.count("✓ Correct") == 1 and text.count("✗ Not right") == 3

    result = post(
        learner,
        "/path/steps/check-judge-safety/checkpoint",
        {"q0": "1", "q1": "0", "q2": "2", "q3": " Phishing "},
        "/path/steps/check-judge-safety",
    )
    assert "Passed" in result.get_data(as_text=True)
    post(
        learner,
        "/path/steps/plan-ahead/done",
        {"reflection": "Next: safety."},
        "/path/steps/plan-ahead",
    )
    page = page_of(learner, "/path")
    assert "10 of 10 required steps done" in page
    assert "Turn on two-step sign-in" in up_next(page)  # only the optional step is left


def test_failed_checkpoint_sends_the_learner_to_the_remedial_step(learner):
    post(learner, "/path/placement/skip", {})
    for key in ("search-basics", "search-queries"):
        post(learner, f"/path/steps/{key}/done", {}, f"/path/steps/{key}")
    result = post(
        learner,
        "/path/steps/check-search/checkpoint",
        {"q0": "0", "q1": "1", "q2": "x"},
        "/path/steps/check-search",
    )
    text = result.get_data(as_text=True)
    assert "Before you try again" in text and "Review: searching step by step" in text
    page = page_of(learner, "/path")
    assert "Review: searching step by step" in up_next(page)
    assert "showed a gap" in up_next(page)
    post(learner, "/path/steps/search-review/done", {}, "/path/steps/search-review")
    assert "Check: finding information" in up_next(page_of(learner, "/path"))
    post(
        learner,
        "/path/steps/check-search/checkpoint",
        {"q0": "1", "q1": "0", "q2": "SERP"},
        "/path/steps/check-search",
    )
    page = page_of(learner, "/path")
    assert statuses(page)["check-search"] == "done"
    assert statuses(page)["judge-sources"] == "available"


def test_goal_shows_whether_the_learner_is_on_track(learner):
    from datetime import date, timedelta

    target = (date.today() + timedelta(days=21)).isoformat()
    response = post(learner, "/path/goal", {"minutes_per_week": "60", "target_date": target})
    assert response.status_code == 303
    page = page_of(learner, "/path")
    assert "You are on track." in page and 'value="60"' in page


def test_download_my_data(learner):
    post(
        learner,
        "/path/steps/search-basics/done",
        {"reflection": "mine"},
        "/path/steps/search-basics",
    )
    response = learner.get("/path/my-data")
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["person"]["name"] == "Lan Pham"
    kinds = [e["kind"] for e in data["paths"][0]["events"]]
    assert kinds == ["completed", "reflection"]
    assert data["paths"][0]["path"] == "Digital skills for lifelong learners"


def test_learner_without_an_assigned_path_sees_a_friendly_page(browser, platform):
    response = browser.launch(platform, LEARNER)
    assert response.status_code == 200
    assert "Your teacher has not chosen a path" in response.get_data(as_text=True)
    assert browser.client.get("/path").status_code == 404


def test_teacher_picks_a_path_for_the_activity(browser, platform, session):
    from tests.platform import TEACHER

    version = assign_demo_path(session, platform, link="other-link")
    response = browser.launch(platform, TEACHER)
    assert response.headers["Location"] == "/teach"
    page = page_of(browser.client, "/teach")
    assert "No path is assigned" in page and "Digital skills for lifelong learners" in page
    response = browser.client.post(
        "/teach/assign", data={"csrf_token": token(page), "path_id": str(version.path_id)}
    )
    assert response.status_code == 303
    assert "Assigned path: Digital skills for lifelong learners" in page_of(
        browser.client, "/teach"
    )
    browser.launch(platform, LEARNER)
    assert "How search engines work" in page_of(browser.client, "/path")


# -- bad input: a clear 4xx and nothing changed --------------------------------------------


@pytest.mark.parametrize(
    ("url", "data", "status", "words"),
    [
        ("/path/steps/search-queries/done", {}, 403, "locked"),
        ("/path/steps/elsewhere/done", {}, 404, "not part of your path"),
        ("/path/steps/other-course-step/checkpoint", {"q0": "1"}, 404, "not part of your path"),
        ("/path/steps/search-basics/checkpoint", {"q0": "1"}, 404, "no checkpoint"),
        ("/path/steps/search-basics/done", {"enrollment_id": "999"}, 400, "enrollment_id"),
        ("/path/steps/search-basics/done", {"reflection": "x" * 2001}, 400, "2000"),
        ("/path/steps/search-basics/done", {"confidence": "7"}, 400, "confidence"),
        ("/path/goal", {"minutes_per_week": "lots"}, 400, "minutes_per_week"),
        ("/path/steps/check-search/checkpoint", {"q9": "1"}, 403, "locked"),
    ],
)
def test_bad_learner_input_changes_nothing(learner, session, url, data, status, words):
    before = events(session)
    response = post(learner, url, data)
    assert response.status_code == status, response.get_data(as_text=True)
    assert words in response.get_data(as_text=True)
    assert events(session) == before


def test_answer_outside_the_checkpoint_is_refused(learner, session):
    for key in ("search-basics", "search-queries"):
        post(learner, f"/path/steps/{key}/done", {}, f"/path/steps/{key}")
    before = events(session)
    response = post(learner, "/path/steps/check-search/checkpoint", {"q7": "1"})
    assert response.status_code == 400 and events(session) == before


def test_missing_csrf_token_is_refused(learner, session):
    response = learner.post("/path/steps/search-basics/done", data={})
    assert response.status_code == 400 and "form expired" in response.get_data(as_text=True)
    assert events(session) == 0


def test_pages_need_a_launch(client):
    response = client.get("/path")
    assert response.status_code == 403
    assert "Open the activity again" in response.get_data(as_text=True)


def test_learner_cannot_use_teacher_pages(learner, session):
    assert learner.get("/teach").status_code == 403
    page = page_of(learner, "/path")
    response = learner.post("/teach/assign", data={"csrf_token": token(page), "path_id": "1"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    ("key", "action"),
    [
        ("search-queries", "/path/steps/search-queries/done"),
        ("check-search", "/path/steps/check-search/checkpoint"),
    ],
)
def test_a_locked_step_offers_no_action_only_the_way_back(learner, key, action):
    page = page_of(learner, f"/path/steps/{key}")
    assert "Locked until you finish:" in page
    assert action not in page and "Mark as done" not in page and "Check my answers" not in page
    assert 'class="button" href="/path">Back to my path</a>' in page


def test_an_open_step_offers_its_action(learner):
    assert "Mark as done" in page_of(learner, "/path/steps/search-basics")
