"""A learner who may already know a skill can take its checkpoint before the reading and
practice ("Try the check first"); passing it with mastery tests them out, and the lock rule
is the same on the path page, the step page and the submission."""

from __future__ import annotations

import pytest

from service.demo.platform import LaunchContext
from tests.functional.learner_pages import (
    assign_demo_path,
    page_of,
    post,
    question_on,
    statuses,
    token,
    up_next,
)
from tests.platform import LEARNER

RIGHT = {"q0": "1", "q1": "0", "q2": "SERP"}
UNIT = ("search-basics", "search-queries")


@pytest.fixture
def learner(browser, platform, session):
    assign_demo_path(session, platform)
    assert browser.launch(platform, LEARNER).status_code == 303
    return browser.client


def one_right_answer_then_finish(client) -> None:
    """Placement: one right answer on searching (some evidence, short of mastery)."""
    page = page_of(client, "/path/placement")
    question = question_on(page)
    assert question is not None and question.startswith("check-search:")
    answers = {"check-search:0": "1", "check-search:1": "0", "check-search:2": "serp"}
    response = client.post(
        "/path/placement",
        data={"csrf_token": token(page), "question": question, "answer": answers[question]},
    )
    assert response.status_code == 303
    post(client, "/path/placement/finish", {}, "/path/placement")


def test_partial_knowledge_offers_the_check_first_and_a_pass_tests_out_its_unit(learner):
    one_right_answer_then_finish(learner)
    page = page_of(learner, "/path")
    assert "try this check first" in up_next(page)
    assert 'href="/path/steps/check-search"' in page.split('data-testid="up-next"')[1]
    assert statuses(page)["check-search"] == "available"
    assert statuses(page)["search-queries"] == "locked"  # practice still needs its reading
    step = page_of(learner, "/path/steps/check-search")
    assert 'data-testid="try-first"' in step and "Locked until" not in step
    response = post(
        learner, "/path/steps/check-search/checkpoint", RIGHT, "/path/steps/check-search"
    )
    assert response.status_code == 200
    after = statuses(page_of(learner, "/path"))
    assert after["check-search"] == "done"
    assert {after[k] for k in UNIT} == {"tested_out"}


def test_without_evidence_the_check_stays_locked_everywhere(learner):
    post(learner, "/path/placement/skip", {})
    page = page_of(learner, "/path")
    assert statuses(page)["check-search"] == "locked"
    assert "try this check first" not in up_next(page)
    locked = page_of(learner, "/path/steps/check-search")
    assert "Locked until" in locked and 'name="csrf_token"' not in locked  # no form offered
    response = post(learner, "/path/steps/check-search/checkpoint", RIGHT)  # sent anyway
    assert response.status_code == 403 and "locked" in response.get_data(as_text=True)


def test_a_failed_check_first_locks_it_again_until_the_reading_is_done(learner):
    one_right_answer_then_finish(learner)
    wrong = {"q0": "0", "q1": "1", "q2": "web"}
    response = post(
        learner, "/path/steps/check-search/checkpoint", wrong, "/path/steps/check-search"
    )
    assert response.status_code == 200
    page = page_of(learner, "/path")
    assert statuses(page)["check-search"] == "locked"
    assert {statuses(page)[k] for k in UNIT} == {"available", "locked"}
    assert "try this check first" not in up_next(page)


def test_the_reason_is_worded_in_vietnamese(browser, platform, session):
    assign_demo_path(session, platform, language="vi")
    who = LaunchContext(**{**LEARNER.__dict__, "locale": "vi-VN"})
    assert browser.launch(platform, who).status_code == 303
    one_right_answer_then_finish(browser.client)
    assert "hãy thử làm bài kiểm tra này trước" in up_next(page_of(browser.client, "/path"))
