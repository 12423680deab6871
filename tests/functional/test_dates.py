"""Dates, times and durations as people read them: dd/mm/yyyy and a 24-hour clock in
Vietnamese, durations in words; and the pages that show them."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from paths.enrollment import Assignment
from service import clock
from service.dates import day_label, duration_label, moment_label
from service.demo.platform import LaunchContext
from tests.functional.learner_pages import assign_demo_path, page_of, post
from tests.platform import LEARNER

MOMENT = datetime(2026, 3, 5, 14, 7, tzinfo=UTC)


@pytest.mark.parametrize(
    ("locale", "day", "moment"),
    [
        ("vi", "05/03/2026", "05/03/2026 14:07"),
        ("en", "5 Mar 2026", "5 Mar 2026, 14:07"),
    ],
)
def test_dates_follow_the_reader_s_language(app, locale, day, moment):
    with app.test_request_context("/path"), force_locale(locale):
        assert day_label(date(2026, 3, 5)) == day
        assert day_label(MOMENT) == day
        assert moment_label(MOMENT) == moment
        assert day_label(None) == moment_label(None) == ""


@pytest.mark.parametrize(
    ("locale", "minutes", "words"),
    [
        ("vi", 80, "1 giờ 20 phút"),
        ("vi", 45, "45 phút"),
        ("vi", 120, "2 giờ"),
        ("en", 80, "1 hour 20 minutes"),
        ("en", 61, "1 hour 1 minute"),
        ("en", 0, "0 minutes"),
    ],
)
def test_durations_are_in_words(app, locale, minutes, words):
    with app.test_request_context("/path"), force_locale(locale):
        assert duration_label(minutes) == words


def test_the_vietnamese_learner_sees_dates_as_dd_mm_yyyy(browser, platform, session):
    assign_demo_path(session, platform, language="vi")
    session.scalars(select(Assignment)).one().due_at = MOMENT
    session.commit()
    who = LaunchContext(**{**LEARNER.__dict__, "locale": "vi-VN"})
    assert browser.launch(platform, who).status_code == 303
    path = page_of(browser.client, "/path")
    assert "05/03/2026" in path and "2026-03-05" not in path
    assert "còn khoảng 1 giờ 58 phút" in path  # the time left, in words
    for key in ("search-basics", "search-queries"):
        post(browser.client, f"/path/steps/{key}/done", {}, f"/path/steps/{key}")
    post(
        browser.client,
        "/path/steps/check-search/checkpoint",
        {"q0": "1"},
        "/path/steps/check-search",
    )
    page = page_of(browser.client, "/path/skills")
    today = clock.now()
    assert f"Câu trả lời gần nhất ngày {today:%d/%m/%Y}:" in page
    assert today.date().isoformat() not in page


@pytest.mark.parametrize("month", range(1, 13))
def test_every_english_month_has_its_short_name(app, month):
    day = date(2026, month, 9)
    with app.test_request_context("/path"), force_locale("en"):
        assert day_label(day) == f"9 {day.strftime('%b')} 2026"
    with app.test_request_context("/path"), force_locale("vi"):
        assert day_label(day) == f"09/{month:02d}/2026"


def test_a_moment_without_a_time_zone_is_read_as_utc(app):
    with app.test_request_context("/path"), force_locale("en"):
        assert moment_label(MOMENT.replace(tzinfo=None)) == "5 Mar 2026, 14:07"
        assert day_label(datetime(2026, 12, 31, 23, 59)) == "31 Dec 2026"


def test_a_moment_is_shown_in_the_site_s_time_zone(app, monkeypatch):
    monkeypatch.setattr(app.extensions["babel"], "default_timezone", "Asia/Ho_Chi_Minh")
    late = datetime(2026, 3, 5, 20, 30, tzinfo=UTC)  # 03:30 the next day in Hanoi
    with app.test_request_context("/path"), force_locale("vi"):
        assert moment_label(late) == "06/03/2026 03:30"
        assert day_label(late) == "06/03/2026"


def test_an_english_date_needs_no_calendar_data_from_babel(app, monkeypatch):
    """Babel's data for a language is several megabytes of objects in each worker: dates
    are written without it."""
    import babel.localedata

    loaded: list[str] = []
    real_load = babel.localedata.load
    monkeypatch.setattr(
        babel.localedata,
        "load",
        lambda name, *a, **k: loaded.append(name) or real_load(name, *a, **k),
    )
    with app.test_request_context("/path"), force_locale("en"):
        assert moment_label(MOMENT) == "5 Mar 2026, 14:07"
        assert day_label(MOMENT) == "5 Mar 2026"
    assert loaded == []
