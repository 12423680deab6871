"""Auto-grading of checkpoint questions."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from paths.learning.mastery import SkillState

DEFAULT_THRESHOLD = 0.7


class QuestionLike(Protocol):
    kind: str
    choices: list[str]
    answer: object


@dataclass(frozen=True)
class QuestionResult:
    correct: bool
    given: str


@dataclass(frozen=True)
class CheckpointResult:
    score: float
    passed: bool
    questions: tuple[QuestionResult, ...]
    # The learner's skill estimates before and after the attempt (filled once recorded).
    mastery_before: Mapping[str, SkillState] = field(default_factory=dict)
    mastery_after: Mapping[str, SkillState] = field(default_factory=dict)

    @property
    def correct(self) -> list[bool]:
        return [q.correct for q in self.questions]


def normalise(text: str) -> str:
    """Compare short answers without case, surrounding or repeated spaces (NFC kept,
    so Vietnamese tone marks still count)."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().casefold()


def is_correct(question: QuestionLike, given: str) -> bool:
    if question.kind == "choice":
        return given.strip() == str(question.answer)
    accepted = question.answer if isinstance(question.answer, list) else [question.answer]
    return normalise(given) in {normalise(str(a)) for a in accepted}


def grade(
    questions: Sequence[QuestionLike], answers: Mapping[int, str], threshold: float | None
) -> CheckpointResult:
    """Score the answers (by question index); unanswered questions count as wrong."""
    results = tuple(
        QuestionResult(correct=is_correct(q, answers.get(i, "")), given=answers.get(i, ""))
        for i, q in enumerate(questions)
    )
    score = sum(r.correct for r in results) / len(results) if results else 0.0
    needed = DEFAULT_THRESHOLD if threshold is None else threshold
    return CheckpointResult(score=round(score, 4), passed=score >= needed - 1e-9, questions=results)


def right_answer(question: QuestionLike) -> str:
    """The answer to show as right: the right choice's text, or the first accepted answer."""
    if question.kind == "choice":
        index = question.answer
        if isinstance(index, int) and 0 <= index < len(question.choices):
            return question.choices[index]
        return ""
    accepted = question.answer if isinstance(question.answer, list) else [question.answer]
    return str(accepted[0]) if accepted else ""


def given_answer(question: QuestionLike, given: str) -> str:
    """What the learner answered, as they saw it: a choice's text, or what they typed."""
    if question.kind != "choice":
        return given.strip()
    raw = given.strip()
    index = int(raw) if raw.isdigit() else -1
    return question.choices[index] if 0 <= index < len(question.choices) else ""
