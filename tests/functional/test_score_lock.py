"""Two requests of one learner that move their score at once, each on its own connection:
the second waits at the score until the first commits, then counts the events again rather
than trusting the progress it read before, so the gradebook's score never misses the first's
event."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor, wait
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from paths.authoring import PathDraft, StepDraft, create_path
from paths.db import utcnow
from paths.enrollment import Assignment, Enrollment, assign
from paths.scores import Score
from paths.study import completion
from service.extensions import db
from tests.functional.learner_pages import page_of

WAIT_SECONDS = 0.5  # long enough for the second request to finish if nothing held it
# three steps open from the start: two tabs can each complete one of their own
OPEN_STEPS = PathDraft(
    title="Three open steps",
    steps=tuple(StepDraft(key=key, kind="read", title=key) for key in ("first", "a", "b")),
)


# the third step optional: a tab that did only it and the first step holds a state that
# would lower the score if it were trusted
ONE_OPTIONAL = PathDraft(
    title="Two steps and an optional one",
    steps=(
        StepDraft(key="first", kind="read", title="first"),
        StepDraft(key="a", kind="read", title="a"),
        StepDraft(key="b", kind="read", title="b", optional=True),
    ),
)


def score_after_two_tabs(learner, session, draft: PathDraft) -> Score:  # noqa: ANN001
    """On `draft` (steps first, a and b, open from the start): the first tab completes
    "first" and commits, then completes "a", holding the score's lock; meanwhile the second
    tab, on its own connection, completes "b" and must wait at the score until the first
    commits. The score as stored once both are done."""
    assignment = session.scalars(select(Assignment)).one()
    version = create_path(session, draft, now=utcnow(), tenant_id=None)
    assign(session, assignment.activity_id, version, assigned_by=None, now=utcnow())
    session.commit()
    page_of(learner, "/path")  # the first page enrolls the learner
    enrollment_id = session.scalars(select(Enrollment.id)).one()
    now = utcnow()

    def complete(tab: Session, key: str, seconds: int) -> None:
        enrollment = tab.get_one(Enrollment, enrollment_id)
        completion.complete_step(tab, enrollment, key, now=now + timedelta(seconds=seconds))

    with Session(db.engine) as first, Session(db.engine) as second, ThreadPoolExecutor(1) as tab:
        complete(first, "first", 0)
        first.commit()  # the score exists
        complete(first, "a", 1)  # the score is locked until this commits

        def other_tab() -> None:
            complete(second, "b", 2)
            second.commit()

        other = tab.submit(other_tab)
        finished, _ = wait([other], timeout=WAIT_SECONDS)
        assert not finished  # held at the score
        first.commit()
        other.result(timeout=30)  # and then done (its error, if any, raised here)
    session.expire_all()
    return session.scalars(select(Score).where(Score.enrollment_id == enrollment_id)).one()


def test_a_score_moved_meanwhile_waits_for_the_lock_and_counts_its_event(learner, session):
    score = score_after_two_tabs(learner, session, OPEN_STEPS)
    # read after the lock, the other tab's completion counted: every step, in a third version
    assert (score.score_given, score.activity_progress, score.version) == (100.0, "Completed", 3)


def test_a_held_state_that_missed_an_event_never_writes_the_score(learner, session):
    """The second tab's state (first and b: half the required steps) would move the score
    down from the first tab's committed 100; its update counts the events after the lock,
    finds one more than the state accounts for, and the score is derived from them all."""
    score = score_after_two_tabs(learner, session, ONE_OPTIONAL)
    assert (score.score_given, score.activity_progress, score.version) == (100.0, "Completed", 2)
