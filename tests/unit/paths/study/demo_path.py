"""The demo path's answers and small steps shared by the study tests."""

import threading

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from paths.db import utcnow
from paths.progress import ProgressEvent
from paths.study import completion, state
from paths.study.path_view import path_view

SEARCH_RIGHT = {0: "1", 1: "0", 2: "serp"}
SEARCH_WRONG = {0: "0", 1: "1", 2: "nope"}
SEARCH_HALF = {0: "1", 1: "1", 2: "serp"}
BEFORE_CHECK = ("search-basics", "search-queries")


def events(session) -> int:
    return session.scalar(select(func.count()).select_from(ProgressEvent))


def up_next(session, enrollment):
    return path_view(session, enrollment, utcnow()).up_next


def study(session, enrollment, keys=BEFORE_CHECK, now=None):
    for key in keys:
        completion.complete_step(session, enrollment, key, now=now or utcnow())


def complete_in_two_tabs(session, enrollment, key):
    """Two tabs of one learner both read the step as not done, then both mark it done: the
    outcome of each completion. The tabs take turns on the test's one database connection
    (it cannot serve two at once), in the order that matters: read, read, write, write."""
    engine = session.get_bind()
    both_read = threading.Barrier(2)
    one_at_a_time = threading.Lock()
    outcomes: list[bool] = []

    def tab() -> None:
        with Session(engine) as own:
            with one_at_a_time:
                mine = own.merge(enrollment, load=True)
                state.state_of(own, mine)
            both_read.wait()
            with one_at_a_time:
                outcomes.append(completion.complete_step(own, mine, key, now=utcnow()))
                own.commit()

    tabs = [threading.Thread(target=tab) for _ in range(2)]
    for thread in tabs:
        thread.start()
    for thread in tabs:
        thread.join()
    return outcomes
