"""One learner's record on one assignment, as their teacher reads it: the path with every
step's state, each checkpoint attempt with the answers given, and mastery per skill now and
over time.

Selfpath keeps only each skill's latest mastery (`skill_mastery`); the history is rebuilt
here by replaying the learner's evidence (answers and study steps, from the events) through
the same model, recording each skill's estimate after every piece of evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from paths import progress as events
from paths.enrollment import Enrollment
from paths.learning.mastery import MasteryModel, SkillState
from paths.published import PublishedQuestion, PublishedStep
from paths.study import skills
from paths.study.learner_path import steps_of
from paths.study.path_view import PathView, path_view


@dataclass(frozen=True)
class AnswerGiven:
    prompt: str
    given: str  # as the learner saw it: a choice's text, or what they typed
    correct: bool


@dataclass(frozen=True)
class CheckpointAttempt:
    step_key: str
    step_title: str
    at: datetime
    score: float
    passed: bool
    answers: tuple[AnswerGiven, ...]


@dataclass(frozen=True)
class MasteryPoint:
    at: datetime
    mastery: float


@dataclass(frozen=True)
class LearnerReport:
    path: PathView
    attempts: tuple[CheckpointAttempt, ...]  # oldest first
    mastery: dict[str, SkillState]  # per skill, now
    history: dict[str, tuple[MasteryPoint, ...]]  # per skill, oldest first


def learner_report(
    session: Session, enrollment: Enrollment, model: MasteryModel, now: datetime
) -> LearnerReport:
    steps = steps_of(session, enrollment)
    rows = events.events_of(session, [enrollment.id])
    return LearnerReport(
        path=path_view(session, enrollment, now, model),
        attempts=tuple(checkpoint_attempts(rows, steps)),
        mastery=skills.states_of(session, enrollment, model),
        history=mastery_history(model, skills.observations(rows, steps)),
    )


def checkpoint_attempts(
    rows: Iterable[events.ProgressEvent], steps: Sequence[PublishedStep]
) -> list[CheckpointAttempt]:
    by_key = {s.key: s for s in steps}
    attempts = []
    for event in rows:
        if event.kind != events.CHECKPOINT:
            continue
        payload = event.payload or {}
        step = by_key.get(event.step_key or "")
        questions = list(step.questions) if step else []
        given = payload.get("answers") or {}
        correct = list(payload.get("correct") or [])
        attempts.append(
            CheckpointAttempt(
                step_key=event.step_key or "",
                step_title=step.title if step else "",
                at=event.at,
                score=float(payload.get("score", 0.0)),
                passed=bool(payload.get("passed")),
                answers=tuple(
                    _answer(questions, i, str(given.get(str(i), "")), bool(right))
                    for i, right in enumerate(correct)
                ),
            )
        )
    return attempts


def _answer(
    questions: Sequence[PublishedQuestion], index: int, given: str, correct: bool
) -> AnswerGiven:
    question = questions[index] if index < len(questions) else None
    if question is None:
        return AnswerGiven("", given, correct)
    return AnswerGiven(question.prompt, _as_seen(question, given), correct)


def _as_seen(question: PublishedQuestion, given: str) -> str:
    """A multiple-choice answer is stored as the choice's number: show its text."""
    if question.kind == "choice" and given.strip().isdigit():
        number = int(given.strip())
        if number < len(question.choices):
            return question.choices[number]
    return given


def mastery_history(
    model: MasteryModel, evidence: Iterable[skills.Observation]
) -> dict[str, tuple[MasteryPoint, ...]]:
    """Each skill's estimate after every piece of evidence on it, in time order."""
    states: dict[str, SkillState] = {}
    history: dict[str, list[MasteryPoint]] = {}
    for item in evidence:
        state = skills.apply(model, states.get(item.skill) or model.initial(item.skill), item)
        states[item.skill] = state
        history.setdefault(item.skill, []).append(MasteryPoint(item.at, state.mastery))
    return {skill: tuple(points) for skill, points in sorted(history.items())}
