"""Feedback on a checkpoint attempt that teaches: per question what the learner answered,
the right answer and why; after a failure the remedial step to do first; after a pass how
the estimate of each skill moved and what comes next."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from paths.enrollment import EnrollmentFacts
from paths.grading import CheckpointResult, given_answer, right_answer
from paths.learning.mastery import MasteryModel
from paths.learning.selfreg import SkillEvidence, explain, shown_percent
from paths.progress import LearnerProgress
from paths.published import PublishedQuestion, PublishedStep
from paths.skill_names import skill_names
from paths.study import skills
from paths.study.learner_path import steps_of
from paths.study.path_view import due_at
from paths.study.state import due_checkpoints, state_of
from paths.study.up_next import UpNext, graph_for, next_step, remedial_to_do
from paths.version_cache import version_key


@dataclass(frozen=True)
class QuestionFeedback:
    question: PublishedQuestion
    correct: bool
    given: str  # the learner's answer as they saw it ("" when left blank)
    right: str  # the right choice's text, or the first accepted answer
    explanation: str


@dataclass(frozen=True)
class MasteryChange:
    skill: str
    before: int  # shown percentages (selfreg.shown_percent)
    after: SkillEvidence


@dataclass(frozen=True)
class CheckpointFeedback:
    questions: tuple[QuestionFeedback, ...]
    changes: tuple[MasteryChange, ...]
    remedial: tuple[PublishedStep, ...]  # still to do before trying again (after a failure)
    up_next: UpNext
    up_next_step: PublishedStep | None


def question_feedback(
    step: PublishedStep, result: CheckpointResult
) -> tuple[QuestionFeedback, ...]:
    return tuple(
        QuestionFeedback(
            q, outcome.correct, given_answer(q, outcome.given), right_answer(q), q.explanation or ""
        )
        for q, outcome in zip(step.questions, result.questions, strict=True)
    )


def mastery_changes(
    step: PublishedStep, result: CheckpointResult, model: MasteryModel
) -> tuple[MasteryChange, ...]:
    """The estimate of each skill the checkpoint asks about, before and after the attempt
    (a skill never estimated before starts from the model's prior)."""
    keys = list(dict.fromkeys(k for k in skills.question_skills(step) if k)) or step.skills
    before = {k: result.mastery_before.get(k) or model.initial(k) for k in keys}
    return tuple(
        MasteryChange(e.skill, shown_percent(before[e.skill].mastery), e)
        for e in explain(result.mastery_after, keys)
    )


def checkpoint_feedback(
    session: Session,
    enrollment: EnrollmentFacts,
    step: PublishedStep,
    result: CheckpointResult,
    model: MasteryModel,
    *,
    progress: LearnerProgress,
    now: datetime,
) -> CheckpointFeedback:
    """`progress` is the learner's progress including this attempt. What comes next is
    worked out only after a pass (after a failure, the remedial step is next)."""
    steps = steps_of(session, enrollment)
    remedial = tuple(remedial_to_do(steps, progress, step.key))
    up_next, up_next_step = UpNext(None, ""), None
    if result.passed:
        version = enrollment.assignment.version
        up_next = next_step(
            graph_for(session, version_key(version), steps),
            steps,
            progress,
            model=model,
            mastery=result.mastery_after,
            now=now,
            due_reviews=due_checkpoints(state_of(session, enrollment), now),
            minutes_per_week=enrollment.goal_minutes_per_week,
            due_at=due_at(enrollment),
            skill_names=skill_names(session, version),
        )
        up_next_step = next((s for s in steps if s.key == up_next.step_key), None)
    return CheckpointFeedback(
        question_feedback(step, result),
        mastery_changes(step, result, model),
        remedial,
        up_next,
        up_next_step,
    )
