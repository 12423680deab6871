"""Where a learner stands on their path: its steps, their progress, and what locks a step.

Every use case of `paths.study` starts here: it reads the learner's path version (once per
application) and their progress, from the learner state the unit of work holds
(paths/study/state.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from paths.enrollment import EnrollmentFacts
from paths.errors import Forbidden, NotFound
from paths.graph import missing_prerequisites
from paths.learning.mastery import MasteryModel
from paths.progress import LearnerProgress, with_minutes
from paths.published import PublishedStep, published_steps
from paths.study.state import state_of, state_with_model
from paths.study.up_next import graph_for, try_first_checkpoints
from paths.version_cache import version_key


def steps_of(session: Session, enrollment: EnrollmentFacts) -> list[PublishedStep]:
    """The steps of the learner's path version, with their questions (read once per
    application: see paths/published.py)."""
    return list(published_steps(session, enrollment.assignment.version))


def progress_of(session: Session, enrollment: EnrollmentFacts) -> LearnerProgress:
    """The learner's progress, the one object the unit of work updates as it records."""
    steps = steps_of(session, enrollment)
    return with_minutes(state_of(session, enrollment).progress, {s.key: s.minutes for s in steps})


def find_step(session: Session, enrollment: EnrollmentFacts, key: str) -> PublishedStep:
    for step in steps_of(session, enrollment):
        if step.key == key:
            return step
    raise NotFound("This step is not part of your path.", code="step_not_found")


def open_to_try_first(
    session: Session,
    enrollment: EnrollmentFacts,
    step: PublishedStep,
    state: LearnerProgress,
    model: MasteryModel,
    now: datetime,
) -> bool:
    """Whether checkpoint `step` is open before its unit's reading and practice, because the
    learner may pass it ("try the check first"). An unlocked step reads nothing more."""
    if not step.is_checkpoint or not missing_prerequisites(step, state.finished):
        return False
    steps = steps_of(session, enrollment)
    open_keys = try_first_checkpoints(
        graph_for(session, version_key(enrollment.assignment.version), steps),
        steps,
        state,
        model=model,
        mastery=state_with_model(session, enrollment, model).mastery,
        now=now,
    )
    return step.key in open_keys


def require_unlocked(
    session: Session,
    step: PublishedStep,
    state: LearnerProgress,
    enrollment: EnrollmentFacts,
    *,
    tried_first: bool = False,
) -> None:
    """Refuse a step whose prerequisites are not finished, unless it is a checkpoint the
    learner may try first (`tried_first`, from `open_to_try_first`)."""
    missing = missing_prerequisites(step, state.finished)
    if missing and not tried_first:
        titles = {s.key: s.title for s in steps_of(session, enrollment)}
        names = ", ".join(titles.get(k, k) for k in missing)
        raise Forbidden(
            f"This step is locked. Finish first: {names}.",
            code="step_locked",
            params={"steps": names},
        )


def missing_prerequisites_titles(
    session: Session, step: PublishedStep, state: LearnerProgress, enrollment: EnrollmentFacts
) -> list[str]:
    titles = {s.key: s.title for s in steps_of(session, enrollment)}
    return [titles.get(k, k) for k in missing_prerequisites(step, state.finished)]
