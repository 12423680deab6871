"""My path's steps are worded and escaped once per language, address and state, then
reused: a second look words nothing again, a step whose state changed is worded in its new
state, and another language gets its own words."""

from __future__ import annotations

import pytest

from service.learner import my_path
from tests.functional.learner_pages import page_of, post, statuses


@pytest.fixture
def worded(monkeypatch) -> list[str]:
    """The keys of the steps worded afresh (not taken from the cache)."""
    keys: list[str] = []
    row = my_path._StepWording.row

    def counted(self, item):  # type: ignore[no-untyped-def]
        keys.append(item.step.key)
        return row(self, item)

    monkeypatch.setattr(my_path._StepWording, "row", counted)
    return keys


def test_a_second_look_in_the_same_state_words_no_step_again(learner, worded):
    first = page_of(learner, "/path")
    assert len(worded) == len(statuses(first))
    worded.clear()
    assert page_of(learner, "/path") == first
    assert worded == []


def test_a_step_done_is_worded_in_its_new_state(learner, worded):
    page_of(learner, "/path")
    post(learner, "/path/steps/search-basics/done", {}, "/path/steps/search-basics")
    worded.clear()
    page = page_of(learner, "/path")
    assert statuses(page)["search-basics"] == "done"
    assert "search-basics" in worded
    assert len(worded) < len(statuses(page))  # the steps whose state is unchanged: reused


def test_the_same_steps_in_another_language_are_worded_in_it(learner, worded):
    english = page_of(learner, "/path")
    assert "Available" in english
    with learner.session_transaction() as session:
        session["locale"] = "vi"
    worded.clear()
    vietnamese = page_of(learner, "/path")
    assert len(worded) == len(statuses(vietnamese))
    assert "Có thể học" in vietnamese and "Available ·" not in vietnamese
