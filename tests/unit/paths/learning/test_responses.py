"""Reading response logs row by row: what is kept, skipped, counted and refused."""

from datetime import UTC, datetime

import pytest

from paths.learning.responses import (
    ResponseLog,
    ResponseLogError,
    drop_single_answer_learners,
    drop_unknown_skills,
    parse_time,
    read_responses,
)


def lines(*rows):
    return [row + "\n" for row in rows]


def test_rows_are_read_in_any_column_order_with_blank_lines_and_unix_times():
    log = read_responses(
        lines("correct,timestamp,skill_id,user_id", "1,1767225600,k,ana", "", "0,,k,ana")
    )
    assert [(r.user, r.skill, r.correct) for r in log.responses] == [
        ("ana", "k", True),
        ("ana", "k", False),
    ]
    assert log.responses[0].at == datetime(2026, 1, 1, tzinfo=UTC)
    assert log.responses[1].at is None
    assert log.responses[0].user is log.responses[1].user  # one copy of each name


def test_short_rows_and_rows_without_names_are_skipped_and_counted():
    log = read_responses(lines("user_id,skill_id,correct", "ana,k", ",k,1", "ana,k,TRUE"))
    assert len(log.responses) == 1
    assert log.notes() == [
        "skipped 1 rows whose correct is not 0 or 1",
        "skipped 1 rows without user_id or skill_id",
    ]


def test_a_skill_list_keeps_its_skills_and_names_the_others():
    rows = ["user_id,skill_id,correct"] + [f"ana,s{i},1" for i in range(8)]
    log = read_responses(lines(*rows), skills={"s0", "s7"})
    assert {r.skill for r in log.responses} == {"s0", "s7"}
    assert log.notes() == [
        "skipped 6 answers on skills not in the skill list (s1, s2, s3, s4, s5, ...)"
    ]


def test_the_answer_limit_refuses_a_log_once_it_is_passed():
    rows = ["user_id,skill_id,correct"] + ["ana,k,1"] * 4
    assert len(read_responses(lines(*rows), max_answers=4).responses) == 4
    with pytest.raises(ResponseLogError, match="has more than 3 answers"):
        read_responses(iter(lines(*rows)), max_answers=3)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "is empty"),
        (["user_id,skill_id,correct\n", 'ana,k,"1\n', "x" * 140_000], "not a readable CSV"),
        (["user_id,skill,correct\n"], r"lacks the column\(s\) skill_id"),
    ],
)
def test_unusable_logs_are_refused(raw, message):
    with pytest.raises(ResponseLogError, match=message):
        read_responses(raw, name="the log")


def test_times_are_iso_or_unix_seconds():
    assert parse_time("2026-01-01T00:00:00Z") == datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_time("2026-01-01 02:00") == datetime(2026, 1, 1, 2, tzinfo=UTC)
    assert parse_time(" 0 ") == datetime(1970, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_time("soon")


def test_single_answer_learners_and_unknown_skills_are_dropped_and_counted():
    log = read_responses(lines("user_id,skill_id,correct", "a,k,1", "a,j,0", "b,k,1"))
    kept = drop_unknown_skills(drop_single_answer_learners(log), {"k"})
    assert [(r.user, r.skill) for r in kept.responses] == [("a", "k")]
    assert kept.notes() == [
        "skipped 1 answers on skills not in the training log (j)",
        "skipped 1 learners with a single answer",
    ]
    assert drop_unknown_skills(kept, {"k"}) is kept
    assert drop_single_answer_learners(ResponseLog([])).responses == []
