"""Did every score reach the LMS? The tool's database says what each learner's gradebook
cell should show (the latest version of their score); the benchmark LMS's gradebook says
what it shows. Used by `make load` and `make prod-check` once the grade workers drained
the queue."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

from lti.grade_queue import acknowledged_version
from lti.models import AgsEndpoint, ScoreDelivery
from paths.enrollment import Assignment, Enrollment
from paths.people import User
from paths.scores import Score
from tests.fake_lms import Received

Cell = tuple[str, str]  # (line item URL, the learner's LMS user id)


@dataclass(frozen=True)
class ToolScore:
    """A learner's latest score as the tool computed it: what the LMS should show."""

    given: float
    maximum: float
    timestamp: datetime
    activity_progress: str
    grading_progress: str


@dataclass
class GradebookCheck:
    expected: int = 0  # learners whose progress produced a score
    shown: int = 0  # of those, cells the gradebook shows with exactly the latest score
    posts: int = 0  # scores the LMS accepted in all (a learner's older versions too)
    missing: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    pending: int = 0  # not yet acknowledged by the LMS when checked
    held: int = 0  # refused by the LMS and held by the tool
    drain_seconds: float | None = None  # None: the queue was not empty in time

    @property
    def ok(self) -> bool:
        return not self.missing and not self.wrong and self.drain_seconds is not None

    def lines(self, waited: float) -> list[str]:
        drained = (
            f"{self.drain_seconds:.1f} s"
            if self.drain_seconds is not None
            else f"not within {waited:g} s ({self.pending} still pending)"
        )
        return [
            f"Scores expected in the gradebook: {self.expected}; shown with the latest "
            f"score: {self.shown}; missing: {len(self.missing)}; wrong: {len(self.wrong)} "
            f"({self.posts} score posts received, {self.held} held as refused). "
            f"Grade queue drained {drained} after the last learner finished.",
            *[f"  missing {m}" for m in self.missing[:5]],
            *[f"  wrong {w}" for w in self.wrong[:5]],
        ]


def expected_scores(session: Session) -> dict[Cell, ToolScore]:
    """Every learner's latest score with the line item it belongs in (version 0: no
    progress yet, nothing to send)."""
    rows = session.execute(
        select(Score, User.subject, AgsEndpoint.lineitem_url)
        .join(Enrollment, Enrollment.id == Score.enrollment_id)
        .join(User, User.id == Enrollment.user_id)
        .join(Assignment, Assignment.id == Enrollment.assignment_id)
        .join(AgsEndpoint, AgsEndpoint.activity_id == Assignment.activity_id)
        .where(Score.version > 0)
    )
    return {
        (lineitem or "(no line item)", subject): ToolScore(
            score.score_given,
            score.score_maximum,
            score.changed_at,
            score.activity_progress,
            score.grading_progress,
        )
        for score, subject, lineitem in rows
    }


def queue_state(session: Session) -> tuple[int, int]:
    """(scores waiting to be sent or acknowledged, scores held after a refusal)."""
    unsent = Score.version > acknowledged_version()
    scores = (
        select(func.count())
        .select_from(Score)
        .outerjoin(ScoreDelivery, ScoreDelivery.score_id == Score.id)
    )
    pending = session.scalar(scores.where(unsent, ScoreDelivery.failed_at.is_(None)))
    held = session.scalar(scores.where(unsent, ScoreDelivery.failed_at.is_not(None)))
    return int(pending or 0), int(held or 0)


def wait_for_drain(database_url: str, seconds: float, poll: float = 0.5) -> float | None:
    """Seconds until no score waits to be sent (held ones do not wait), or None."""
    engine = create_engine(database_url)
    started = time.monotonic()
    try:
        while True:
            with Session(engine) as session:
                pending, _held = queue_state(session)
            elapsed = time.monotonic() - started
            if pending == 0:
                return elapsed
            if elapsed >= seconds:
                return None
            time.sleep(poll)
    finally:
        engine.dispose()


def compare(expected: Mapping[Cell, ToolScore], shown: Mapping[Cell, Received]) -> GradebookCheck:
    """Each expected cell: absent from the gradebook (missing), or showing anything but
    the latest score with its timestamp and progress (wrong)."""
    result = GradebookCheck(expected=len(expected))
    for (line_item, user), want in sorted(expected.items()):
        got = shown.get((line_item, user))
        if got is None:
            result.missing.append(f"{user} in {line_item}: {want.given:g}")
            continue
        seen = ToolScore(
            got.score_given,
            got.score_maximum,
            got.timestamp,
            got.activity_progress,
            got.grading_progress,
        )
        if seen != want:
            result.wrong.append(
                f"{user} in {line_item}: the LMS shows {got.score_given:g} "
                f"({got.activity_progress}, {got.timestamp.isoformat()}), the "
                f"tool has {want.given:g} ({want.activity_progress}, "
                f"{want.timestamp.isoformat()})"
            )
        else:
            result.shown += 1
    return result


def check(
    database_url: str, shown: Mapping[Cell, Received], posts: int, drain_seconds: float | None
) -> GradebookCheck:
    engine = create_engine(database_url)
    with Session(engine) as session:
        result = compare(expected_scores(session), shown)
        result.pending, result.held = queue_state(session)
    engine.dispose()
    result.posts, result.drain_seconds = posts, drain_seconds
    return result
