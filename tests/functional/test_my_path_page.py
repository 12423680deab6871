"""My path leads with the next step: the up-next card first with its Start button and its
reason, the goal summary near the top, the steps grouped by skill with a mastery bar each,
finished steps folded away, and no emoji anywhere a learner looks."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from paths.enrollment import Enrollment
from tests.functional.learner_pages import (
    SEARCH_ANSWERS,
    answer_diagnostic,
    page_of,
    post,
    statuses,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "service" / "templates"
# Pictographs and symbols a device draws only with an emoji font (🔒, ⭐, ✅ …), and the
# variation selector that asks for emoji presentation.
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u26ff\u2b50\u2705\u274c\u2b06\ufe0f]")
REQUIRED_MINUTES = 118  # the demo path's required steps (digital_skills.en.json)


def groups(page: str) -> dict[str, str]:
    """Each skill's section of the steps, by skill key ("" for the steps with no skill)."""
    found = re.findall(
        r'<section class="skill"[^>]*data-skill="([^"]*)">(.*?)</section>', page, re.S
    )
    return dict(found)


def position(page: str, marker: str) -> int:
    assert marker in page, marker
    return page.index(marker)


def test_the_up_next_card_comes_first_with_a_start_button_and_its_reason(learner):
    page = page_of(learner, "/path")
    card = page.split('data-testid="up-next"')[1].split("</section>")[0]
    assert position(page, 'data-testid="up-next"') < position(page, 'role="progressbar"')
    assert position(page, 'data-testid="up-next"') < position(page, "Take the placement check")
    assert position(page, 'data-testid="up-next"') < position(page, 'class="skill"')
    assert re.search(r'<a class="button start" href="/path/steps/search-basics">Start', card)
    assert "How search engines work" in card
    assert "the skills you still need: Finding information" in card
    assert card.count("<a ") == 1  # one clear next step


def test_a_finished_path_says_so_with_no_start_button(learner):
    answer_diagnostic(learner, "/path/placement", SEARCH_ANSWERS)  # tests out "search"
    for key in ("judge-sources", "fact-check", "trust-reflection", "passwords", "phishing"):
        post(learner, f"/path/steps/{key}/done", {}, f"/path/steps/{key}")
    post(
        learner,
        "/path/steps/check-judge-safety/checkpoint",
        {"q0": "1", "q1": "0", "q2": "2", "q3": "phishing"},
        "/path/steps/check-judge-safety",
    )
    for key in ("plan-ahead", "two-factor"):
        post(learner, f"/path/steps/{key}/done", {}, f"/path/steps/{key}")
    page = page_of(learner, "/path")
    card = page.split('data-testid="up-next"')[1].split("</section>")[0]
    assert "You have finished every step of this path." in card
    assert "button start" not in card and "<a " not in card
    assert "; every required step is done" in page
    assert statuses(page)["search-review"] == "available"  # a review nobody needed
    assert "<summary>" in groups(page)["evaluate"]  # finished steps folded away


def test_steps_are_grouped_by_skill_in_the_order_the_path_reaches_them(learner):
    page = page_of(learner, "/path")
    found = groups(page)
    assert list(found) == ["search", "evaluate", "safety", ""]
    assert re.findall(r'<h3 id="skill-h\d+">([^<]+)</h3>', page) == [
        "Finding information",
        "Judging sources",
        "Staying safe online",
        "Other steps",
    ]
    assert set(statuses(found["search"])) == {
        "search-basics",
        "search-queries",
        "check-search",
        "search-review",
    }
    assert set(statuses(found["safety"])) == {"passwords", "phishing", "two-factor"}
    assert "check-judge-safety" in statuses(found["evaluate"])  # its first skill
    assert set(statuses(found[""])) == {"plan-ahead"}
    assert 'data-testid="mastery"' not in found[""]  # no skill, no mastery bar


def test_each_skill_shows_a_mastery_bar_that_follows_the_evidence(learner):
    page = page_of(learner, "/path")
    for key, section in groups(page).items():
        if key:
            assert re.search(r'data-verdict="no_evidence".*Mastery: \d+% · No answers yet', section)
    answer_diagnostic(learner, "/path/placement", SEARCH_ANSWERS)
    section = groups(page_of(learner, "/path"))["search"]
    percent = int(re.search(r"Mastery: (\d+)%", section).group(1))
    assert 'data-verdict="mastered"' in section and "Mastered" in section
    assert percent >= 95 and f'style="width:{percent}%"' in section


def test_finished_steps_fold_away_under_a_summary_that_works_without_javascript(learner):
    post(learner, "/path/placement/skip", {})
    post(learner, "/path/steps/search-basics/done", {}, "/path/steps/search-basics")
    section = groups(page_of(learner, "/path"))["search"]
    to_do, folded = section.split('<details class="done-steps">')
    assert "<summary>1 step done</summary>" in folded
    assert statuses(folded) == {"search-basics": "done"}
    assert "search-basics" not in statuses(to_do)
    assert statuses(to_do)["search-queries"] == "available"
    assert "<script" not in page_of(learner, "/path")


def test_a_locked_step_has_no_link_and_a_drawn_lock(learner):
    section = groups(page_of(learner, "/path"))["search"]
    item = re.search(r'<li class="s-locked" data-step="search-queries".*?</li>', section, re.S)
    assert item and "<a " not in item.group(0)
    assert 'class="icon i-locked" aria-hidden="true"' in item.group(0)
    assert "Locked until you finish: How search engines work" in item.group(0)


def target_in(days: int) -> date:
    return date.today() + timedelta(days=days)


def test_the_goal_summary_says_minutes_this_week_and_the_pace_needed(learner):
    page = page_of(learner, "/path")
    assert "0 minutes studied this week; " not in page  # no date yet: no pace
    assert re.search(r'data-testid="goal-summary">0 minutes studied this week ·', page)
    target = target_in(27)  # 28 days with today
    post(learner, "/path/goal", {"minutes_per_week": "60", "target_date": target.isoformat()})
    post(learner, "/path/steps/search-basics/done", {}, "/path/steps/search-basics")
    page = page_of(learner, "/path")
    needed = 5 * -(-(REQUIRED_MINUTES - 10) * 7 // 28 // 5)  # 27 a week, rounded up to 30
    assert needed == 30
    day = f"{target.day} {target.strftime('%b')} {target.year}"
    assert f"10 of 60 minutes this week; about 30 minutes a week needed to finish by {day}" in page
    assert position(page, 'data-testid="goal-summary"') < position(page, 'class="skill"')


def test_the_goal_summary_in_vietnamese(vietnamese_learner):  # noqa: F811
    target = target_in(27)
    post(
        vietnamese_learner,
        "/path/goal",
        {"minutes_per_week": "60", "target_date": target.isoformat()},
    )
    post(vietnamese_learner, "/path/steps/search-basics/done", {}, "/path/steps/search-basics")
    page = page_of(vietnamese_learner, "/path")
    assert (
        "Tuần này bạn đã học 10 trên 60 phút; cần khoảng 30 phút mỗi tuần để hoàn thành trước "
        f"ngày {target:%d/%m/%Y}"
    ) in page
    assert "Bắt đầu" in page and "Mức thành thạo: " in page and "Các bước khác" in page


def test_a_past_target_date_asks_for_a_new_one(learner, session):
    page_of(learner, "/path")
    enrollment = session.scalars(select(Enrollment)).one()
    enrollment.goal_target_date = date.today() - timedelta(days=3)
    session.commit()
    page = page_of(learner, "/path")
    assert re.search(r"the date \d+ \w+ \d{4} has passed: choose a new one", page)


def test_a_goal_date_in_the_past_is_refused_and_the_summary_is_unchanged(learner):
    before = re.search(r'data-testid="goal-summary">([^<]*)', page_of(learner, "/path")).group(1)
    response = post(learner, "/path/goal", {"minutes_per_week": "60", "target_date": "2001-01-01"})
    assert response.status_code == 400
    after = re.search(r'data-testid="goal-summary">([^<]*)', page_of(learner, "/path")).group(1)
    assert after == before


@pytest.mark.parametrize(
    "url",
    ["/path", "/path/steps/search-basics", "/path/steps/check-search", "/path/skills"],
)
def test_learner_pages_have_no_emoji(learner, url):
    post(learner, "/path/steps/search-basics/done", {}, "/path/steps/search-basics")
    assert not EMOJI.findall(page_of(learner, url))


def test_no_template_a_learner_sees_draws_an_emoji():
    for template in (TEMPLATES / "learner").glob("*.html"):
        assert not EMOJI.findall(template.read_text()), template.name
    assert not EMOJI.findall((TEMPLATES / "base.html").read_text())


def test_a_refused_goal_shows_my_path_again_with_the_input_kept(learner, session):
    response = post(learner, "/path/goal", {"minutes_per_week": "5", "target_date": "2031-05-20"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert 'role="alert" data-testid="form-error">Choose between 10 and 3000 minutes' in page
    assert 'name="minutes_per_week" type="number" min="10" max="3000"' in page
    assert 'inputmode="numeric" value="5"' in page
    assert 'name="target_date" type="date" value="2031-05-20"' in page
    enrollment = session.scalars(select(Enrollment)).one()
    assert enrollment.goal_minutes_per_week is None and enrollment.goal_target_date is None


def test_a_finished_step_is_said_done_on_the_path_it_leads_back_to(learner):
    post(learner, "/path/placement/skip", {})
    done = post(learner, "/path/steps/search-basics/done", {}, "/path/steps/search-basics")
    assert done.status_code == 303 and done.headers["Location"] == "/path?done=search-basics"
    page = page_of(learner, done.headers["Location"])
    assert '<p class="flash" role="status">Step done. Well done!</p>' in page
    assert "Step done" not in page_of(learner, "/path")


@pytest.mark.parametrize("done", ["search-queries", "no-such-step", "<script>", "x" * 5000])
def test_an_address_naming_a_step_not_finished_says_nothing_of_it(learner, done):
    page = page_of(learner, "/path?" + urlencode({"done": done}))
    assert "Step done" not in page and "<script>" not in page


def test_finishing_a_step_does_not_sign_the_session_cookie_again(learner):
    """The notice comes from the address: neither the completion's answer nor the page
    it leads to changes the session (a flashed message changed it twice)."""
    post(learner, "/path/placement/skip", {})
    page_of(learner, "/path/steps/search-basics")
    done = post(learner, "/path/steps/search-basics/done", {}, "/path/steps/search-basics")
    assert "Set-Cookie" not in done.headers
    landing = learner.get(done.headers["Location"])
    assert landing.status_code == 200 and "Set-Cookie" not in landing.headers
