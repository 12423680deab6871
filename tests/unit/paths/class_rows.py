"""Learners and checkpoint attempts on an assignment, for the class read models' tests."""

from paths import progress as events
from paths.dashboard import (
    class_roster,
    class_view,
)
from paths.db import utcnow
from paths.enrollment import enroll
from paths.people import User

SEARCH, SAFETY = "check-search", "check-judge-safety"  # the demo path's two checkpoints


def learner(session, assignment, name):
    user = User(issuer="https://unit.invalid", subject=f"sub-{name}", name=name)
    session.add(user)
    session.flush()
    return enroll(session, assignment, user.id, utcnow())


def attempt(session, enrollment, key, correct, at, passed=None):
    passed = all(correct) if passed is None else passed
    events.record(
        session,
        enrollment.id,
        events.CHECKPOINT,
        now=at,
        step_key=key,
        payload={"score": sum(correct) / len(correct), "passed": passed, "correct": correct},
    )


def view_of(session, assignment, now=None):
    session.commit()
    return class_view(session, assignment, class_roster(session, None, assignment), now or utcnow())
