"""A learner marks a learning step done, and says how confident they feel and what they
learned (a reflection).

Each function takes the session and the time, checks the request against the path,
appends events and never commits: the web edge owns the unit of work.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from paths import progress as events
from paths.enrollment import EnrollmentFacts
from paths.errors import DomainError
from paths.learning.families import make_model
from paths.learning.mastery import MasteryModel
from paths.scores import recompute_score
from paths.study import skills
from paths.study.learner_path import find_step, progress_of, require_unlocked
from paths.study.up_next import to_go_over_again

MAX_REFLECTION = 2000


def complete_step(
    session: Session,
    enrollment: EnrollmentFacts,
    key: str,
    *,
    now: datetime,
    confidence: int | None = None,
    reflection: str | None = None,
    model: MasteryModel | None = None,
) -> bool:
    """Mark a step done (once, or again for a remedial step while its checkpoint's latest
    attempt failed); True if this call recorded it. The step counts as study of its skills
    for the learner `model` (default: the default family)."""
    step = find_step(session, enrollment, key)
    if step.is_checkpoint:
        raise DomainError(
            "A checkpoint is done by passing it, not by marking it done.",
            code="checkpoint_not_markable",
        )
    state = progress_of(session, enrollment)
    require_unlocked(session, step, state, enrollment)
    _check_reflection(confidence, reflection)
    again = key in to_go_over_again([step], state)
    done = events.Facts(events.RESTUDIED if again else events.COMPLETED, key, {}, now)
    newly = events.record_all(
        session, enrollment.id, [done, *_reflection_facts(key, confidence, reflection, now)]
    )[0]
    if newly:
        skills.observe(
            session, enrollment, model or make_model(), skills.study_observations(step, now)
        )
    if newly and not again:
        recompute_score(session, enrollment, now)
    return newly


def reflect(
    session: Session,
    enrollment: EnrollmentFacts,
    key: str,
    *,
    now: datetime,
    confidence: int | None,
    reflection: str | None,
) -> None:
    find_step(session, enrollment, key)
    _check_reflection(confidence, reflection)
    _record_reflection(session, enrollment, key, confidence, reflection, now)


def _check_reflection(confidence: int | None, reflection: str | None) -> None:
    if confidence is not None and not 1 <= confidence <= 5:
        raise DomainError("Confidence is a number from 1 to 5.", code="bad_confidence")
    if reflection is not None and len(reflection) > MAX_REFLECTION:
        raise DomainError(
            f"A reflection can be at most {MAX_REFLECTION} characters.", code="reflection_too_long"
        )


def _record_reflection(
    session: Session,
    enrollment: EnrollmentFacts,
    key: str,
    confidence: int | None,
    reflection: str | None,
    now: datetime,
) -> None:
    facts = _reflection_facts(key, confidence, reflection, now)
    if facts:
        events.record_all(session, enrollment.id, facts)


def _reflection_facts(
    key: str, confidence: int | None, reflection: str | None, now: datetime
) -> list[events.Facts]:
    """The events of a confidence rating and a reflection, when given."""
    facts = []
    if confidence is not None:
        facts.append(events.Facts(events.CONFIDENCE, key, {"value": confidence}, now))
    if reflection and reflection.strip():
        facts.append(events.Facts(events.REFLECTION, key, {"text": reflection.strip()}, now))
    return facts
