"""Feedback that teaches: per question the learner's answer, the right answer and why; after
a failure the remedial step first and "Try again" once it is done; after a pass how the
estimate moved and what is next; the placement check explains itself per skill."""

from __future__ import annotations

import re

import pytest

from service.demo.platform import LaunchContext
from tests.functional.learner_pages import (
    SEARCH_ANSWERS,
    answer_diagnostic,
    assign_demo_path,
    page_of,
    post,
)
from tests.platform import LEARNER

WRONG = {"q0": "0", "q1": "1", "q2": "web"}
RIGHT = {"q0": "1", "q1": "0", "q2": "SERP"}


@pytest.fixture
def learner(browser, platform, session):
    assign_demo_path(session, platform)
    assert browser.launch(platform, LEARNER).status_code == 303
    post(browser.client, "/path/placement/skip", {})
    for key in ("search-basics", "search-queries"):
        post(browser.client, f"/path/steps/{key}/done", {}, f"/path/steps/{key}")
    return browser.client


@pytest.fixture
def learner_at_start(browser, platform, session):
    assign_demo_path(session, platform)
    assert browser.launch(platform, LEARNER).status_code == 303
    return browser.client


def submit(client, answers: dict[str, str]) -> str:
    response = post(
        client, "/path/steps/check-search/checkpoint", answers, "/path/steps/check-search"
    )
    assert response.status_code == 200
    return response.get_data(as_text=True)


def block(page: str, testid: str) -> str:
    part = page.split(f'data-testid="{testid}"')[1].split("</section>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", part))


def test_each_question_shows_the_answer_given_the_right_answer_and_why(learner):
    page = submit(learner, WRONG)
    items = page.split('data-testid="question-feedback"')[1:]
    assert len(items) == 3
    first = items[0]
    assert 'data-testid="given">open textbook<' in first
    assert 'data-testid="right-answer">&#34;open textbook&#34;<' in first
    assert "Quotation marks ask for the words together" in first
    assert 'data-testid="given">web<' in items[2]
    assert 'data-testid="right-answer">SERP<' in items[2]  # the first accepted answer
    assert "SERP stands for search engine results page" in items[2]


def test_a_blank_answer_says_so_and_a_right_one_shows_no_correction(learner):
    page = submit(learner, {"q0": "1"})
    items = page.split('data-testid="question-feedback"')[1:]
    assert "right-answer" not in items[0] and "✓ Correct" in items[0]
    assert "left blank" in items[1] and 'data-testid="right-answer">site:<' in items[1]


def test_after_a_failure_the_remedial_step_comes_first_then_try_again(learner):
    page = submit(learner, WRONG)
    after = block(page, "after-failure")
    assert "Before you try again" in after and "Review: searching step by step" in after
    assert 'data-testid="try-again"' not in page
    assert 'class="button" data-testid="remedial" href="/path/steps/search-review"' in page
    checkpoint = page_of(learner, "/path/steps/check-search")
    assert "Go over this step first" in checkpoint and "/path/steps/search-review" in checkpoint
    post(learner, "/path/steps/search-review/done", {}, "/path/steps/search-review")
    checkpoint = page_of(learner, "/path/steps/check-search")
    assert "Go over this step first" not in checkpoint
    assert 'data-testid="try-again"' in checkpoint


def test_after_a_pass_the_mastery_change_and_the_next_step(learner):
    page = submit(learner, RIGHT)
    change = block(page, "mastery-change")
    assert re.search(r"Finding information: from \d+% to \d+%", change)
    before, after = map(int, re.search(r"from (\d+)% to (\d+)%", change).groups())
    assert after > before
    assert "after-failure" not in page
    up_next = block(page, "up-next")
    assert "Judging a source" in up_next and "Judging sources" in up_next


def test_the_placement_result_explains_each_skill(browser, platform, session):
    assign_demo_path(session, platform, language="vi")
    who = LaunchContext(**{**LEARNER.__dict__, "locale": "vi-VN"})
    assert browser.launch(platform, who).status_code == 303
    answer_diagnostic(browser.client, "/path/placement", {})  # every answer left blank
    page = page_of(browser.client, "/path/placement")
    by_skill = page.split('data-testid="by-skill"')[1].split("</ul>")[0]
    assert by_skill.count("<li ") == 3
    search = by_skill.split('data-skill="search"')[1].split("</li>")[0]
    assert "Tìm kiếm thông tin" in search
    assert re.search(r"đúng 0/\d câu", search)
    assert "bạn chưa thành thạo kỹ năng này" in search or "chưa đủ để chắc chắn" in search


def test_a_placement_with_every_answer_right_says_why_it_tested_out(learner_at_start):
    answer_diagnostic(learner_at_start, "/path/placement", SEARCH_ANSWERS)
    page = page_of(learner_at_start, "/path/placement")
    by_skill = page.split('data-testid="by-skill"')[1].split("</ul>")[0]
    items = {
        key: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text.split("</li>")[0]))
        for key, text in re.findall(r'data-skill="(\w+)"(.*?)</li>', by_skill, re.S)
    }
    assert 'data-skill="search" data-verdict="mastered"' in by_skill
    assert re.search(
        r"Finding information : 3 of 3 right: enough to be sure you master it "
        r"\(estimate 9\d%\), so its steps are tested out",
        items["search"],
    )
    assert re.search(
        r"Judging sources : 0 of \d right: you do not master it yet", items["evaluate"]
    )
