"""The class charts' numbers and the heat map's runs of cells, and a learner's mastery
history replayed from their evidence."""

from datetime import timedelta

import pytest

from paths.class_summary import CellRun, cell_runs, progress_distribution, question_pass_rates
from paths.db import utcnow
from paths.learner_report import mastery_history
from paths.learning.families import make_model
from paths.study.skills import Observation, replay_evidence
from tests.unit.paths.class_rows import SEARCH, attempt, learner, view_of


def test_cells_are_grouped_into_runs_of_one_status():
    assert cell_runs("■■✗····□") == [
        CellRun("done", 0, 2),
        CellRun("failed", 2, 1),
        CellRun("todo", 3, 4),
        CellRun("tested_out", 7, 1),
    ]
    assert cell_runs("") == []


def test_the_distribution_counts_a_finished_path_in_the_last_band(session, assignment):
    view = view_of(session, assignment)  # the fixture's one learner, nothing done
    bins = progress_distribution(view)
    assert [(b.low, b.high) for b in bins][-2:] == [(80, 89), (90, 100)]
    assert bins[0].learners == 1 and sum(b.learners for b in bins) == 1


def test_pass_rates_come_from_each_learners_latest_attempt(session, assignment):
    now = utcnow()
    first, second = learner(session, assignment, "A"), learner(session, assignment, "B")
    attempt(session, first, SEARCH, [False, False, False], now - timedelta(hours=1))
    attempt(session, first, SEARCH, [True, True, False], now)
    attempt(session, second, SEARCH, [True, False, False], now)
    rates = [r for r in question_pass_rates(view_of(session, assignment)) if r.step_key == SEARCH]
    assert [(r.question, r.right, r.answered, r.percent) for r in rates] == [
        (1, 2, 2, 100),
        (2, 1, 2, 50),
        (3, 0, 2, 0),
    ]
    assert rates[0].prompt.startswith("You want pages") and rates[0].step_number == 3


def test_the_mastery_history_ends_where_the_model_stands():
    model, now = make_model("bkt"), utcnow()
    evidence = [
        Observation("search", None, now),
        Observation("search", True, now),
        Observation("safety", False, now),
        Observation("search", False, now),
    ]
    history = mastery_history(model, evidence)
    assert list(history) == ["safety", "search"] and len(history["search"]) == 3
    final = replay_evidence(model, evidence)
    assert history["search"][-1].mastery == final["search"].mastery
    assert history["search"][1].mastery > history["search"][0].mastery  # a right answer


def test_a_long_row_is_grouped_into_its_runs_in_order():
    cells = "■" * 120 + "✗" + "·" * 40 + "□□" + "■" * 37
    runs = cell_runs(cells)
    assert [(r.first, r.length) for r in runs] == [
        (0, 120),
        (120, 1),
        (121, 40),
        (161, 2),
        (163, 37),
    ]
    assert sum(r.length for r in runs) == len(cells) == 200


def test_a_cell_of_no_known_status_is_refused():
    with pytest.raises(KeyError):
        cell_runs("■?■")
