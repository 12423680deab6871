"""Skills have names: no learner or teacher page of the demo path shows a skill's key
(`search`, `evaluate`, `safety`), in English or Vietnamese; the label the path gives it
is shown instead."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from sqlalchemy import select

from paths.people import Course
from service.demo.platform import LaunchContext
from tests.functional.learner_pages import (
    CONTENT,
    answer_diagnostic,
    assign_demo_path,
    page_of,
    post,
)
from tests.functional.page_text import visible_text
from tests.platform import LEARNER, TEACHER

KEYS = ("search", "evaluate", "safety")
LABELS = {
    "en": ("Finding information", "Judging sources", "Staying safe online"),
    "vi": ("Tìm kiếm thông tin", "Đánh giá nguồn tin", "An toàn trên mạng"),
}
LOCALES = {"en": "en-US", "vi": "vi-VN"}
WRONG = {"q0": "0", "q1": "1", "q2": "x"}
RIGHT_ANSWERS = {"check-search:0": "1", "check-search:1": "0", "check-search:2": "SERP"}


def authored_text(language: str) -> list[str]:
    """Every text the teacher wrote in the demo path (it may use the words freely)."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for name, item in value.items():
                if name not in ("key", "skills", "skill", "prerequisites", "remedial_for"):
                    walk(item)

    walk(json.loads((CONTENT / f"digital_skills.{language}.json").read_text()))
    return sorted(found, key=len, reverse=True)


def raw_keys(text: str, language: str) -> list[str]:
    for authored in authored_text(language):
        text = text.replace(authored, " ")
    # a key alone, not part of a step key such as `search-basics` (a CSV column name)
    return [k for k in KEYS if re.search(rf"(?<![\w-]){k}(?![\w-])", text)]


def learner_pages(client) -> dict[str, str]:
    pages = {
        url: page_of(client, url)
        for url in (
            "/path",
            "/path/steps/search-basics",
            "/path/steps/check-search",
            "/path/skills",
            "/path/skills/search/check",
            "/path/placement",
        )
    }
    answer_diagnostic(client, "/path/placement", RIGHT_ANSWERS)
    pages["placement result"] = page_of(client, "/path/placement")
    for key in ("search-basics", "search-queries"):
        post(client, f"/path/steps/{key}/done", {}, f"/path/steps/{key}")
    failed = post(client, "/path/steps/check-search/checkpoint", WRONG, "/path/steps/check-search")
    pages["checkpoint result"] = failed.get_data(as_text=True)
    pages["/path/skills after"] = page_of(client, "/path/skills")
    pages["/path after"] = page_of(client, "/path")
    return pages


@pytest.mark.parametrize("language", ["en", "vi"])
def test_no_page_shows_a_skill_key(browser, platform, session, language):
    assign_demo_path(session, platform, language=language)
    who = LaunchContext(**{**LEARNER.__dict__, "locale": LOCALES[language]})
    assert browser.launch(platform, who).status_code == 303
    pages = learner_pages(browser.client)
    teacher = LaunchContext(**{**TEACHER.__dict__, "locale": LOCALES[language]})
    assert browser.launch(platform, teacher).status_code == 303
    pages["/teach"] = page_of(browser.client, "/teach")
    pages["/teach/class.csv"] = browser.client.get("/teach/class.csv").get_data(as_text=True)
    shown = {url: raw_keys(visible_text(page), language) for url, page in pages.items()}
    assert {url: keys for url, keys in shown.items() if keys} == {}
    everything = " ".join(visible_text(p) for p in pages.values())
    assert all(label in everything for label in LABELS[language])


def test_the_class_table_and_csv_name_skills_by_their_labels(browser, platform, session):
    assign_demo_path(session, platform)
    assert browser.launch(platform, LEARNER).status_code == 303
    assert browser.launch(platform, TEACHER).status_code == 303
    page = page_of(browser.client, "/teach")
    assert '<th scope="col" data-skill="search">Finding information</th>' in page
    raw = browser.client.get("/teach/class.csv").get_data().decode("utf-8-sig")
    header = next(csv.reader(io.StringIO(raw)))
    assert "skill:Finding information" in header and "skill:search" not in header


def test_the_reason_for_up_next_names_skills_by_their_labels(browser, platform, session):
    assign_demo_path(session, platform, language="vi")
    who = LaunchContext(**{**LEARNER.__dict__, "locale": "vi-VN"})
    assert browser.launch(platform, who).status_code == 303
    page = visible_text(page_of(browser.client, "/path"))
    assert "Tìm kiếm thông tin" in page and not raw_keys(page, "vi")


def test_authoring_shows_the_label_with_the_key_beside_it(browser, platform, session):
    version = assign_demo_path(session, platform)
    version.path.course_id = session.scalars(select(Course)).one().id  # the course's own path
    version.path.is_template = False
    session.commit()
    assert browser.launch(platform, TEACHER).status_code == 303
    page = page_of(browser.client, f"/teach/paths/{version.path_id}/steps/search-basics")
    names = page.split('data-testid="skill-names"')[1].split("</p>")[0]
    assert "Finding information <code>search</code>" in names
