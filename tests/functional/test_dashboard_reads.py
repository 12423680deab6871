"""What the class dashboard reads on every page: the path's steps and questions are worked
out once per application (a published version never changes); the competencies' words are
read each time, since a framework's import can reword them."""

from __future__ import annotations

import re

from service.extensions import db
from tests.statements import counted

STEPS_OR_QUESTIONS = re.compile(r"\bFROM (steps|questions)\b")


def statements_of_a_page(client) -> list[str]:
    db.session.expunge_all()  # as a new request's session would be
    with counted(db.engine) as statements:
        assert client.get("/teach").status_code == 200
    return statements


def test_a_later_dashboard_page_reads_no_step_or_question(browser, classroom):
    statements_of_a_page(browser.client)  # the path's facts are worked out by now
    again = statements_of_a_page(browser.client)
    assert not [s for s in again if STEPS_OR_QUESTIONS.search(s)], again
    assert [s for s in again if "competenc" in s], "the alignments are read on every page"
