"""Something to do once a session's transaction is committed, never when it is rolled back.

A change that other processes must hear of (a new score version, a registration change)
is announced only after its commit: announced earlier, a listener could read the database
before the change is in it. `OnCommit.ask(session)` in the transaction; the action runs at
most once per commit, however often it was asked for.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session


class OnCommit:
    """Runs `action` after the commit of each transaction that asked for it; `flag` is
    where a session keeps the request (in `session.info`) until then."""

    def __init__(self, flag: str, action: Callable[[], None]) -> None:
        self.flag, self._action = flag, action
        self._on_commit = self._after_commit  # one object: found again by event.contains
        self._on_rollback = self._after_rollback

    def ask(self, session: Session) -> None:
        if isinstance(session, scoped_session):  # listen to this session, not to every one
            session = session()
        session.info[self.flag] = True
        if not event.contains(session, "after_commit", self._on_commit):
            event.listen(session, "after_commit", self._on_commit)
            event.listen(session, "after_rollback", self._on_rollback)

    def _after_commit(self, session: Session) -> None:
        if session.info.pop(self.flag, False):
            self._action()

    def _after_rollback(self, session: Session) -> None:
        session.info.pop(self.flag, None)
