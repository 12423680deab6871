"""A class on a demo activity for browser tests: some learners not started, some half way,
some through the first checkpoint (passed or not)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from paths.enrollment import assignment_for_activity, enroll
from paths.people import Activity, Membership, User
from paths.study import checkpoints, completion
from service.clock import now
from service.extensions import db
from tests.browser.conftest import Sites

FIRST_STEPS = ("search-basics", "search-queries")
WRONG, RIGHT = {0: "0", 1: "1", 2: "x"}, {0: "1", 1: "0", 2: "SERP"}


def seed_class(demo: Sites, resource_link_id: str, learners: int = 30) -> dict[str, int]:
    """`learners` learners on the demo activity with `resource_link_id`; their user ids by
    name. Learner n has done n % 3 of the first steps, and every third one has taken the
    first checkpoint, passing it one time in two."""
    with demo.app.app_context():
        session = db.session
        activity = session.scalars(
            select(Activity).where(Activity.resource_link_id == resource_link_id)
        ).one()
        assignment = assignment_for_activity(session, activity.id)
        assert assignment is not None
        at, ids = now() - timedelta(days=1), {}
        for n in range(learners):
            user = User(
                issuer="https://demo.invalid",
                subject=f"{resource_link_id}-learner-{n}",
                name=f"Học sinh {n:02d}",
            )
            session.add(user)
            session.flush()
            ids[user.name] = user.id
            session.add(Membership(user_id=user.id, course_id=activity.course_id, role="learner"))
            enrollment = enroll(session, assignment, user.id, at)
            for key in FIRST_STEPS[: n % 3]:
                completion.complete_step(session, enrollment, key, now=at)
            if n % 3 == 2:
                answers = RIGHT if n % 2 else WRONG
                checkpoints.submit_checkpoint(session, enrollment, "check-search", answers, now=at)
        session.commit()
        session.remove()
    return ids
