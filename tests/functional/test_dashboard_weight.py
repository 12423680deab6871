"""The teacher dashboard of a big class stays light: learners come 30 to a page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bench.classroom import seed_class
from bench.study import teacher
from lti.models import Deployment, Platform

MAX_PAGE_BYTES = 60 * 1024


@pytest.fixture
def big_class(browser, platform, session):
    tenant_id = session.scalars(
        select(Deployment.tenant_id)
        .join(Platform, Platform.id == Deployment.platform_id)
        .where(Platform.issuer == platform.issuer)
    ).one()
    seed_class(session, 100, 200, tenant=(tenant_id, platform.issuer), name="big")
    browser.launch(platform, teacher("big"))
    return browser.client


def test_a_100_learner_200_step_dashboard_is_under_60_kb_on_every_page(big_class):
    first = big_class.get("/teach")
    page = first.get_data(as_text=True)
    weights = [len(first.get_data())]
    assert len(re.findall(r'<tr><th scope="row" class="sticky">', page)) == 30
    assert 'href="/teach?page=4"' in page and 'href="/teach?page=5"' not in page
    for n in (2, 3, 4):
        response = big_class.get(f"/teach?page={n}")
        weights.append(len(response.get_data()))
    last = response.get_data(as_text=True)
    assert len(re.findall(r'<tr><th scope="row" class="sticky">', last)) == 10
    assert max(weights) < MAX_PAGE_BYTES, weights


def test_a_long_paths_question_chart_keeps_the_questions_that_trip_the_class(big_class):
    page = big_class.get("/teach").get_data(as_text=True)
    chart = page.split('id="questions-h"', 1)[1].split("</svg>", 1)[0]
    assert "The 12 checkpoint questions the fewest learners answer right" in chart
    assert len(re.findall(r">Step \d+, question \d</text>", chart)) == 12
    table = page.split('data-testid="question-rates"', 1)[1].split("</table>", 1)[0]
    assert table.count("<tr><td>") == 40  # the numbers keep every question


def test_the_attention_list_names_ten_and_counts_the_rest(big_class):
    page = big_class.get("/teach").get_data(as_text=True)
    attention = page.split('data-testid="attention"', 1)[1].split("</ul>", 1)[0]
    assert attention.count("<li>") == 10
    more = re.search(r'data-testid="attention-more">And (\d+) more: ', page)
    assert more and int(more.group(1)) > 0
