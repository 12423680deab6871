"""A class for the teacher's dashboard: learners added to it, and what its pages cost."""

from __future__ import annotations

from sqlalchemy import event

from paths.db import utcnow
from paths.enrollment import enroll
from paths.people import Activity, Membership, User
from paths.study import checkpoints, completion
from service.extensions import db

WRONG = {0: "0", 1: "1", 2: "x"}


def add_learner(session, platform, assignment, name, now):
    activity = session.get(Activity, assignment.activity_id)
    user = User(issuer=platform.issuer, subject=f"sub-{name}", name=name)
    session.add(user)
    session.flush()
    session.add(Membership(user_id=user.id, course_id=activity.course_id, role="learner"))
    return enroll(session, assignment, user.id, now)


def progress(session, enrollment, *, steps=(), fails=0, at=None):
    at = at or utcnow()
    for key in steps:
        completion.complete_step(session, enrollment, key, now=at)
    for _ in range(fails):
        checkpoints.submit_checkpoint(session, enrollment, "check-search", WRONG, now=at)


def count_queries(client, url: str) -> int:
    statements: list[str] = []

    def record(*args, **kwargs):
        statements.append(args[2])

    engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)
