from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paths.learning.mastery import MASTERED_AT, SkillState
from paths.learning.selfreg import calibration, explain, judge, shown_percent

AT = datetime(2025, 3, 3, tzinfo=UTC)


def test_overconfident_learner():
    result = calibration([(0.9, 0.6), (0.8, 0.5), (1.0, 0.7)])
    assert result.mean_signed_error == pytest.approx(0.3)
    assert result.mean_absolute_error == pytest.approx(0.3)
    assert result.verdict == "overconfident"


@pytest.mark.parametrize(
    ("pairs", "verdict"),
    [
        ([(0.4, 0.8), (0.5, 0.9), (0.5, 0.7)], "underconfident"),
        ([(0.8, 0.75), (0.6, 0.65), (0.9, 0.9)], "well_calibrated"),
        ([(0.8, 0.2)], "not_enough_data"),
        ([], "not_enough_data"),
    ],
)
def test_verdicts(pairs, verdict):
    assert calibration(pairs).verdict == verdict


def test_bins_group_predictions():
    result = calibration([(0.1, 0.0), (0.15, 0.5), (0.9, 1.0), (1.0, 1.0)], bins=4)
    assert [(b.low, b.count) for b in result.bins] == [(0.0, 2), (0.75, 2)]
    assert result.bins[0].mean_actual == pytest.approx(0.25)


def test_explain_gives_the_evidence_per_skill():
    states = {
        "add": SkillState("add", 0.97, 0.17, 5, 4, AT, True),
        "mul": SkillState("mul", 0.5, 0.5, 2, 1, AT, False),
        "div": SkillState("div", 0.02, 0.14, 3, 0, AT, False),
    }
    evidence = explain(states, ["add", "mul", "div", "pow"])
    assert [e.verdict for e in evidence] == ["mastered", "unsure", "not_yet", "no_evidence"]
    assert (evidence[0].answers, evidence[0].correct, evidence[0].last_answer_at) == (5, 4, AT)
    assert evidence[3].answers == 0 and evidence[3].last_answer_at is None


@pytest.mark.parametrize(
    ("mastery", "answers", "verdict", "certainty"),
    [
        (0.97, 4, "mastered", "quite_sure"),
        (0.946, 3, "unsure", "probably"),  # shown as 94 %: never "quite sure ... not sure yet"
        (0.5, 2, "unsure", "unsure"),
        (0.1, 2, "unsure", "probably_not"),
        (0.03, 5, "not_yet", "quite_sure"),
        (0.97, 0, "no_evidence", "unsure"),
    ],
)
def test_one_rule_decides_the_verdict_and_how_sure_it_is(mastery, answers, verdict, certainty):
    assert judge(mastery, answers) == (verdict, certainty)


@given(st.floats(0.0, 1.0), st.integers(0, 50))
def test_the_words_never_contradict_the_verdict(mastery, answers):
    verdict, certainty = judge(mastery, answers)
    assert (certainty == "quite_sure") == (verdict in ("mastered", "not_yet"))
    percent = shown_percent(mastery)
    if verdict == "unsure":
        assert round(100 * (1 - MASTERED_AT)) < percent < round(100 * MASTERED_AT)
    if verdict == "mastered":
        assert percent >= round(100 * MASTERED_AT)


def test_the_evidence_carries_the_shown_percent_and_certainty():
    states = {"add": SkillState("add", 0.9466, 0.22, 3, 3, AT, True)}
    evidence = explain(states)[0]
    assert (evidence.verdict, evidence.certainty, evidence.percent) == ("unsure", "probably", 94)
