"""The demo path's answers and small steps shared by the study tests."""

from sqlalchemy import func, select

from paths.db import utcnow
from paths.progress import ProgressEvent
from paths.study import completion
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
