"""The load test's gradebook comparison: each learner's latest score against what the
LMS shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bench.gradebook_check import GradebookCheck, ToolScore, compare
from tests.fake_lms import Received

ITEM = "http://127.0.0.1:1/lms/ags/lineitems/1/lineitem?type_id=3"
AT = datetime(2026, 11, 28, 9, 30, 0, 123000, tzinfo=UTC)


def tool(given: float, at: datetime = AT, progress: str = "InProgress") -> ToolScore:
    return ToolScore(given, 100.0, at, progress, "FullyGraded")


def shown(user: str, given: float, at: datetime = AT, progress: str = "InProgress") -> Received:
    return Received("1", user, at, given, 100.0, progress, "FullyGraded", 0.0)


def test_every_latest_score_shown_is_ok():
    result = compare(
        {(ITEM, "a"): tool(10.0), (ITEM, "b"): tool(20.0)},
        {(ITEM, "a"): shown("a", 10.0), (ITEM, "b"): shown("b", 20.0)},
    )
    assert (result.expected, result.shown, result.missing, result.wrong) == (2, 2, [], [])
    assert GradebookCheck(**{**result.__dict__, "drain_seconds": 1.0}).ok


def test_a_learner_absent_from_the_gradebook_is_missing():
    result = compare(
        {(ITEM, "a"): tool(10.0), (ITEM, "b"): tool(20.0)}, {(ITEM, "a"): shown("a", 10.0)}
    )
    assert result.missing == [f"b in {ITEM}: 20"] and result.shown == 1


def test_a_score_in_another_line_item_does_not_count():
    other = ITEM.replace("/1/", "/2/")
    result = compare({(ITEM, "a"): tool(10.0)}, {(other, "a"): shown("a", 10.0)})
    assert len(result.missing) == 1


def test_an_older_score_or_progress_is_wrong():
    later = AT + timedelta(milliseconds=1)
    result = compare(
        {
            (ITEM, "a"): tool(30.0, later),
            (ITEM, "b"): tool(100.0, progress="Completed"),
            (ITEM, "c"): tool(20.0, later),
        },
        {
            (ITEM, "a"): shown("a", 20.0),
            (ITEM, "b"): shown("b", 100.0),
            (ITEM, "c"): shown("c", 20.0),
        },
    )
    assert [w.split(" ")[0] for w in result.wrong] == ["a", "b", "c"]
    assert "the LMS shows 20" in result.wrong[0] and "the tool has 30" in result.wrong[0]
    assert not GradebookCheck(wrong=result.wrong, drain_seconds=1.0).ok


def test_a_queue_not_drained_is_not_ok_even_if_everything_matched():
    assert not GradebookCheck(expected=1, shown=1, drain_seconds=None).ok
