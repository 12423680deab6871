"""What a learner does on their path: complete steps, take checkpoints, reflect, set goals.

Each function takes the session and the time, checks the request against the path,
appends events and never commits: the web edge owns the unit of work.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy.orm import Session, object_session

from paths import mastery, reviews
from paths import progress as events
from paths.catalog import Step
from paths.enrollment import Enrollment
from paths.errors import DomainError, Forbidden, NotFound
from paths.grading import CheckpointResult, grade
from paths.graph import missing_prerequisites
from paths.learning.mastery import MasteryModel
from paths.learning.models import make_model
from paths.progress import LearnerProgress, derive, events_of
from paths.published import published_steps
from paths.recommend import to_restudy
from paths.scores import recompute_score

MAX_REFLECTION = 2000


def steps_of(enrollment: Enrollment) -> list[Step]:
    """The steps of the learner's path version, with their questions (read once per
    process: see paths/published.py)."""
    session = object_session(enrollment)
    assert session is not None, "the enrollment must belong to a session"
    return list(published_steps(session, enrollment.assignment.version))


def progress_of(session: Session, enrollment: Enrollment) -> LearnerProgress:
    steps = steps_of(enrollment)
    return derive(events_of(session, [enrollment.id]), {s.key: s.minutes for s in steps})


def find_step(enrollment: Enrollment, key: str) -> Step:
    for step in steps_of(enrollment):
        if step.key == key:
            return step
    raise NotFound("This step is not part of your path.", code="step_not_found")


def require_unlocked(step: Step, state: LearnerProgress, enrollment: Enrollment) -> None:
    missing = missing_prerequisites(step, state.finished)
    if missing:
        titles = {s.key: s.title for s in steps_of(enrollment)}
        names = ", ".join(titles.get(k, k) for k in missing)
        raise Forbidden(f"This step is locked. Finish first: {names}.", code="step_locked",
                        params={"steps": names})


def complete_step(session: Session, enrollment: Enrollment, key: str, *, now: datetime,
                  confidence: int | None = None, reflection: str | None = None,
                  model: MasteryModel | None = None) -> bool:
    """Mark a step done (once, or again for a remedial step whose checkpoint failed since);
    True if this call recorded it. The step counts as study of its skills for the learner
    `model` (default: the default family)."""
    step = find_step(enrollment, key)
    if step.is_checkpoint:
        raise DomainError("A checkpoint is done by passing it, not by marking it done.",
                          code="checkpoint_not_markable")
    state = progress_of(session, enrollment)
    require_unlocked(step, state, enrollment)
    _check_reflection(confidence, reflection)
    again = key in to_restudy([step], state)
    newly = events.record(session, enrollment.id, events.RESTUDIED if again else events.COMPLETED,
                          step_key=key, now=now)
    if newly:
        mastery.observe(session, enrollment, model or make_model(),
                        mastery.study_observations(step, now))
    _record_reflection(session, enrollment, key, confidence, reflection, now)
    if newly and not again:
        recompute_score(session, enrollment, now)
    return newly


def reflect(session: Session, enrollment: Enrollment, key: str, *, now: datetime,
            confidence: int | None, reflection: str | None) -> None:
    find_step(enrollment, key)
    _check_reflection(confidence, reflection)
    _record_reflection(session, enrollment, key, confidence, reflection, now)


def _check_reflection(confidence: int | None, reflection: str | None) -> None:
    if confidence is not None and not 1 <= confidence <= 5:
        raise DomainError("Confidence is a number from 1 to 5.", code="bad_confidence")
    if reflection is not None and len(reflection) > MAX_REFLECTION:
        raise DomainError(f"A reflection can be at most {MAX_REFLECTION} characters.",
                          code="reflection_too_long")


def _record_reflection(session: Session, enrollment: Enrollment, key: str,
                       confidence: int | None, reflection: str | None, now: datetime) -> None:
    if confidence is not None:
        events.record(session, enrollment.id, events.CONFIDENCE, step_key=key, now=now,
                      payload={"value": confidence})
    if reflection and reflection.strip():
        events.record(session, enrollment.id, events.REFLECTION, step_key=key, now=now,
                      payload={"text": reflection.strip()})


def submit_checkpoint(session: Session, enrollment: Enrollment, key: str,
                      answers: Mapping[int, str], *, now: datetime,
                      predicted: float | None = None,
                      model: MasteryModel | None = None) -> CheckpointResult:
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
    skills = mastery.question_skills(step)
    events.record(session, enrollment.id, events.CHECKPOINT, step_key=key, now=now, payload={
        "score": result.score, "passed": result.passed, "correct": result.correct,
        "answers": {str(i): a for i, a in answers.items()}, "predicted": predicted,
        "skills": list(step.skills), "question_skills": skills})
    mastery.observe(session, enrollment, model or make_model(), [
        mastery.Observation(skill, correct, now)
        for skill, correct in zip(skills, result.correct, strict=True) if skill])
    reviews.after_checkpoint(session, enrollment.id, key, score=result.score,
                             threshold=step.mastery_threshold, passed=result.passed, at=now)
    recompute_score(session, enrollment, now)
    return result


def set_goal(session: Session, enrollment: Enrollment, *, minutes_per_week: int | None,
             target_date: date | None, now: datetime) -> None:
    if minutes_per_week is not None and not 10 <= minutes_per_week <= 3000:
        raise DomainError("Choose between 10 and 3000 minutes a week.", code="bad_goal")
    if target_date is not None and target_date < now.date():
        raise DomainError("The target date cannot be in the past.", code="bad_goal")
    enrollment.goal_minutes_per_week = minutes_per_week
    enrollment.goal_target_date = target_date
    events.record(session, enrollment.id, events.GOAL, now=now, payload={
        "minutes_per_week": minutes_per_week,
        "target_date": target_date.isoformat() if target_date else None})


def missing_prerequisites_titles(step: Step, state: LearnerProgress,
                                 enrollment: Enrollment) -> list[str]:
    titles = {s.key: s.title for s in steps_of(enrollment)}
    return [titles.get(k, k) for k in missing_prerequisites(step, state.finished)]
