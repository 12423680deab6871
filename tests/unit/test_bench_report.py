"""The benchmark divides a scenario by the hello measured beside it (right before and right
after, at the same concurrency), not by one measured minutes earlier: the machine's speed
drifts within a run."""

from __future__ import annotations

import pytest

from bench import report
from bench.scenarios import Figure, as_dict, with_hello_beside


def figure(scenario: str, clients: int, cpu_ms: float, per_second: float) -> Figure:
    return Figure(scenario, "sqlite", clients, 100, 1.0, per_second, 1.0, 2.0, cpu_ms, 0.0, 0, [])


def document(*figures: Figure) -> dict:
    return {"figures": [as_dict(f) for f in figures], "scenarios": []}


def test_a_scenario_is_divided_by_the_mean_of_the_hello_beside_it():
    before, after = figure("hello", 16, 0.40, 2000), figure("hello", 16, 0.60, 1000)
    page, alone = figure("learner page", 16, 3.0, 300), figure("learner page", 1, 4.0, 200)
    with_hello_beside([page, alone], before, after)
    assert (page.hello_cpu_ms, page.hello_per_second) == (0.5, 1500.0)
    assert alone.hello_cpu_ms is None  # another concurrency: the run's hello at 1 client
    start = figure("hello", 16, 0.30, 2500)  # the run's hello, measured earlier
    found = document(start, figure("hello", 1, 0.5, 1000), page, alone)
    assert report.ratios(found, found["figures"][2]) == pytest.approx((6.0, 5.0))
    assert report.ratios(found, found["figures"][3]) == pytest.approx((8.0, 5.0))
    row = next(line for line in report.figures_table(found) if "| learner page | 16 |" in line)
    assert "| 0.50 | 6.00x | 5.00x |" in row


def test_without_a_hello_beside_it_a_figure_is_divided_by_the_runs():
    found = document(figure("hello", 16, 0.5, 2000), figure("id_token POST", 16, 2.0, 400))
    assert report.ratios(found, found["figures"][1]) == pytest.approx((4.0, 5.0))


def test_each_row_names_the_statements_and_redis_round_trips_of_one_request():
    post, page = figure("id_token POST", 16, 2.0, 400), figure("learner page", 16, 1.0, 900)
    post.statements, post.redis_round_trips = 2, 2
    page.statements, page.redis_round_trips = 1, 0
    found = document(figure("hello", 16, 0.5, 2000), post, page)
    rows = report.figures_table(found)
    assert any("| id_token POST (2 SQL, 2 Redis) | 16 |" in row for row in rows)
    assert any("| learner page (1 SQL) | 16 |" in row for row in rows)
    found["statements"] = {"postgresql+redis": {"login": 0, "id_token POST": 2}}
    found["redis_round_trips"] = {"postgresql+redis": {"login": 3, "id_token POST": 2}}
    assert report.statements_line(found) == (
        "SQL statements (+ Redis round trips) per request, counted in-process: "
        "postgresql+redis: login 0 + 3 Redis, id_token POST 2 + 2 Redis."
    )


def test_a_completion_run_never_asks_a_learner_for_a_step_they_do_not_have():
    from bench import study
    from bench.scenarios import completions_left

    steps = len(study.COMPLETION_ORDER)
    sessions = [study.StudySession(who=None, cookie="", csrf="") for _ in range(3)]  # type: ignore[arg-type]
    sessions[0].next_step = 2  # a first run reached learner 0 once more than the others
    sessions[1].next_step = sessions[2].next_step = 1
    left = completions_left(sessions)
    asked = [0, 0, 0]
    for index in range(left):
        asked[index % 3] += 1
    assert all(s.next_step + n <= steps for s, n in zip(sessions, asked, strict=True))
    assert sessions[2].next_step + asked[2] < steps  # the last learner keeps a step
    assert left == 3 * (steps - 2) - 1
