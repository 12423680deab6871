"""Where a learner's state comes from on every request: the one held by the unit of work,
else the stored row when it is current (one statement), else a full derivation from the
events and the mastery and review caches, which the commit stores (paths/learner_state.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from paths import learner_state
from paths.enrollment import Enrollment, EnrollmentFacts
from paths.learner_state import LearnerState
from paths.learning.mastery import MasteryModel
from paths.learning.review import due_reviews
from paths.progress import derive, facts_of
from paths.study import review_cards, skills

MIXED = "*"  # mastery rows of several models: never a family's name, so always rebuilt


def state_of(session: Session, enrollment: EnrollmentFacts) -> LearnerState:
    """The learner's state, held for the rest of the unit of work."""
    version_id = enrollment.assignment.version.id
    found = learner_state.held(session, enrollment.id)
    if found is not None and found.version_id == version_id:
        return found
    current = learner_state.stored(session, enrollment.id, version_id)
    return learner_state.hold(session, current or derived(session, enrollment))


def state_with_model(
    session: Session, enrollment: EnrollmentFacts, model: MasteryModel
) -> LearnerState:
    """`state_of`, its mastery estimated by `model` (rebuilt first if another model's)."""
    state = state_of(session, enrollment)
    if state.model not in ("", model.name):
        skills.rebuild(session, enrollment, model)  # tells the held state
    return state


def due_checkpoints(state: LearnerState, now: datetime) -> list[str]:
    """Keys of the checkpoints due for review at `now`, most overdue first."""
    return [card.key for card in due_reviews(state.cards.values(), now)]


def derived(session: Session, enrollment: EnrollmentFacts) -> LearnerState:
    """The state worked out again: progress from the events, mastery and review cards from
    their caches (three statements); it is written at the commit."""
    session.flush()  # the reads below are of columns, which do not flush by themselves
    facts = facts_of(session, enrollment.id)
    rows = skills.stored_states(session, enrollment.id)
    models = {name for name, _ in rows.values()}
    return LearnerState(
        enrollment_id=enrollment.id,
        version_id=enrollment.assignment.version.id,
        events=len(facts),
        progress=derive(facts),
        mastery={skill: state for skill, (_, state) in rows.items()},
        cards={card.key: card for card in review_cards.cards_of(session, enrollment.id)},
        model=(models.pop() if len(models) == 1 else MIXED) if models else "",
        changed=True,
    )


def rebuild_all(session: Session) -> int:
    """Derive and store every enrollment's state again (after its caches were rebuilt);
    the number of enrollments."""
    session.execute(delete(learner_state.TABLE))
    return rebuild(session, session.scalars(select(Enrollment).order_by(Enrollment.id)))


def rebuild(session: Session, enrollments: Iterable[Enrollment]) -> int:
    """Derive and store these enrollments' states again; how many there were."""
    count = 0
    for enrollment in enrollments:
        learner_state.let_go(session, enrollment.id)
        learner_state.write(session, derived(session, enrollment))
        count += 1
    return count
