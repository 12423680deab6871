"""A learner answers a checkpoint: it is graded, recorded, and updates their mastery and
review schedule. Never commits: the web edge owns the unit of work."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from paths import progress as events
from paths.enrollment import Enrollment
from paths.errors import DomainError, NotFound
from paths.grading import CheckpointResult, grade
from paths.learning.families import make_model
from paths.learning.mastery import MasteryModel
from paths.scores import recompute_score
from paths.study import review_cards, skills
from paths.study.learner_path import find_step, progress_of, require_unlocked


def submit_checkpoint(
    session: Session,
    enrollment: Enrollment,
    key: str,
    answers: Mapping[int, str],
    *,
    now: datetime,
    predicted: float | None = None,
    model: MasteryModel | None = None,
) -> CheckpointResult:
    """Grade an attempt, record it, update mastery per question's skill and, once the
    checkpoint is passed, its review schedule (a later attempt is a review)."""
    step = find_step(enrollment, key)
    if not step.is_checkpoint:
        raise NotFound("This step has no checkpoint to answer.", code="not_a_checkpoint")
    state = progress_of(session, enrollment)
    require_unlocked(step, state, enrollment)
    if any(i < 0 or i >= len(step.questions) for i in answers):
        raise DomainError("An answer does not belong to this checkpoint.", code="bad_answer")
    if any(len(a) > 500 for a in answers.values()):
        raise DomainError("An answer can be at most 500 characters.", code="bad_answer")
    result = grade(step.questions, answers, step.mastery_threshold)
    per_question = skills.question_skills(step)
    events.record(
        session,
        enrollment.id,
        events.CHECKPOINT,
        step_key=key,
        now=now,
        payload={
            "score": result.score,
            "passed": result.passed,
            "correct": result.correct,
            "answers": {str(i): a for i, a in answers.items()},
            "predicted": predicted,
            "skills": list(step.skills),
            "question_skills": per_question,
        },
    )
    before, changed = skills.observe_all(
        session,
        enrollment,
        model or make_model(),
        [
            skills.Observation(skill, correct, now)
            for skill, correct in zip(per_question, result.correct, strict=True)
            if skill
        ],
    )
    review_cards.after_checkpoint(
        session,
        enrollment.id,
        key,
        score=result.score,
        threshold=step.mastery_threshold,
        passed=result.passed,
        at=now,
    )
    recompute_score(session, enrollment, now)
    return replace(result, mastery_before=before, mastery_after={**before, **changed})
