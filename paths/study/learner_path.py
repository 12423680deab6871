"""Where a learner stands on their path: its steps, their progress, and what locks a step.

Every use case of `paths.study` starts here: it reads the learner's path version (once per
process) and their progress, from the learner state the unit of work holds (paths/study/state.py).
"""

from __future__ import annotations

from sqlalchemy.orm import Session, object_session

from paths.catalog import Step
from paths.enrollment import Enrollment
from paths.errors import Forbidden, NotFound
from paths.graph import missing_prerequisites
from paths.progress import LearnerProgress, with_minutes
from paths.published import published_steps
from paths.study.state import state_of


def steps_of(enrollment: Enrollment) -> list[Step]:
    """The steps of the learner's path version, with their questions (read once per
    process: see paths/published.py)."""
    session = object_session(enrollment)
    assert session is not None, "the enrollment must belong to a session"
    return list(published_steps(session, enrollment.assignment.version))


def progress_of(session: Session, enrollment: Enrollment) -> LearnerProgress:
    """The learner's progress, the one object the unit of work updates as it records."""
    steps = steps_of(enrollment)
    return with_minutes(state_of(session, enrollment).progress, {s.key: s.minutes for s in steps})


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
        raise Forbidden(
            f"This step is locked. Finish first: {names}.",
            code="step_locked",
            params={"steps": names},
        )


def missing_prerequisites_titles(
    step: Step, state: LearnerProgress, enrollment: Enrollment
) -> list[str]:
    titles = {s.key: s.title for s in steps_of(enrollment)}
    return [titles.get(k, k) for k in missing_prerequisites(step, state.finished)]
