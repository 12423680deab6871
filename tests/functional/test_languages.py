"""Every learner page in Vietnamese and English, with no message left untranslated."""

from __future__ import annotations

import re

import pytest
from babel.messages.extract import extract_from_dir

from tests.functional.learner_pages import assign_demo_path, page_of, post, token
from tests.functional.page_text import ROOT, catalog, english_phrases, visible_text
from tests.platform import LEARNER

LEARNER_PAGES = [
    "/path",
    "/path/steps/search-basics",
    "/path/steps/check-search",
    "/path/placement",
    "/path/skills",
    "/path/skills/search/check",
]


def source_messages() -> set[str]:
    found = set()
    method_map = [("service/**.py", "python"), ("service/templates/**.html", "jinja2")]
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT),
        method_map,
        keywords={"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None},
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


def test_every_message_in_the_code_has_a_vietnamese_translation():
    translations = {m.id if isinstance(m.id, str) else m.id[0]: m.string for m in catalog() if m.id}
    missing = sorted(m for m in source_messages() if not translations.get(m))
    assert missing == []
    assert not [m.id for m in catalog() if m.id and m.fuzzy]


@pytest.mark.parametrize("url", LEARNER_PAGES)
def test_learner_pages_render_in_vietnamese(vietnamese_learner, url):
    page = page_of(vietnamese_learner, url)
    assert '<html lang="vi">' in page
    text = visible_text(page)
    leftovers = [p for p in english_phrases() if p in text]
    assert leftovers == []


def test_result_pages_render_in_vietnamese(vietnamese_learner):
    for key in ("search-basics", "search-queries"):
        post(vietnamese_learner, f"/path/steps/{key}/done", {}, f"/path/steps/{key}")
    result = post(
        vietnamese_learner,
        "/path/steps/check-search/checkpoint",
        {"q0": "0"},
        "/path/steps/check-search",
    )
    text = visible_text(result.get_data(as_text=True))
    assert "Chưa đạt" in text and "Trước khi làm lại" in text
    assert [p for p in english_phrases() if p in text] == []
    page = page_of(vietnamese_learner, "/path")
    assert "Ôn lại: tìm kiếm từng bước" in page and "cho thấy bạn còn chỗ hổng" in page


def test_errors_speak_the_learners_language(vietnamese_learner):
    response = post(vietnamese_learner, "/path/steps/search-queries/done", {})
    assert response.status_code == 403
    assert "Bước này đang bị khóa" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", LEARNER_PAGES)
def test_learner_pages_in_english_are_light_and_labelled(browser, platform, session, url):
    assign_demo_path(session, platform)
    browser.launch(platform, LEARNER)
    page = page_of(browser.client, url)
    assert '<html lang="en">' in page
    assert len(page.encode()) < 60 * 1024
    assert '<meta name="viewport"' in page
    for field_id in re.findall(r'<(?:input|textarea|select)[^>]*\sid="([^"]+)"', page):
        assert f'for="{field_id}"' in page  # every text control has a label


def test_placement_asks_one_question_per_page(vietnamese_learner):
    page = page_of(vietnamese_learner, "/path/placement")
    assert token(page) and page.count("<fieldset>") == 1
    assert 'name="question" value="check-search:0"' in page  # the prerequisite of the rest
