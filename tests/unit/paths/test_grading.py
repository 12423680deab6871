from dataclasses import dataclass, field

import pytest

from paths.grading import given_answer, grade, is_correct, normalise, right_answer


@dataclass
class Q:
    kind: str
    answer: object
    choices: list[str] = field(default_factory=list)


@pytest.mark.parametrize(
    ("question", "given", "expected"),
    [
        (Q("choice", 1, ["a", "b"]), "1", True),
        (Q("choice", 1, ["a", "b"]), "0", False),
        (Q("choice", 1, ["a", "b"]), "", False),
        (Q("short", ["Phishing"]), "  phishing ", True),
        (Q("short", ["SERP", "results page"]), "Results   Page", True),
        (Q("short", ["mật khẩu"]), "Mật Khẩu", True),
        (Q("short", ["mật khẩu"]), "mat khau", False),  # tone marks carry meaning
    ],
)
def test_answers_are_checked(question, given, expected):
    assert is_correct(question, given) is expected


def test_score_and_threshold():
    questions = [Q("choice", 0, ["a", "b"]), Q("short", ["x"]), Q("short", ["y"])]
    result = grade(questions, {0: "0", 1: "x"}, 0.66)
    assert result.score == pytest.approx(0.6667, abs=1e-3) and result.passed
    assert result.correct == [True, True, False]
    assert not grade(questions, {0: "0"}, 0.66).passed
    assert grade(questions, {0: "0", 1: "x", 2: "y"}, None).passed  # default threshold 0.7


def test_normalise_composes_unicode():
    assert normalise("Vie\u0302\u0323t") == normalise("Việt")


@pytest.mark.parametrize(
    ("question", "right"),
    [
        (Q("choice", 1, ["a", "b"]), "b"),
        (Q("short", ["SERP", "serp"]), "SERP"),
        (Q("short", "phishing"), "phishing"),
        (Q("choice", 5, ["a"]), ""),
    ],
)
def test_the_right_answer_as_the_learner_reads_it(question, right):
    assert right_answer(question) == right


@pytest.mark.parametrize(
    ("question", "given", "shown"),
    [
        (Q("choice", 1, ["a", "b"]), "0", "a"),
        (Q("choice", 1, ["a", "b"]), "", ""),
        (Q("choice", 1, ["a", "b"]), "7", ""),
        (Q("short", ["x"]), "  my answer ", "my answer"),
    ],
)
def test_the_given_answer_as_the_learner_saw_it(question, given, shown):
    assert given_answer(question, given) == shown
