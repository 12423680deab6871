"""Scores as state: completion or mastery, recomputed with progress, versioned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from paths.enrollment import MASTERY
from paths.scores import Score, give_outbox, next_timestamp
from paths.study import checkpoints, completion, diagnostics, learner_path

T0 = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)


def score(session, enrollment) -> Score:
    session.expire_all()
    return session.scalars(select(Score).where(Score.enrollment_id == enrollment.id)).one()


def test_completion_is_required_steps_finished_out_of_all_required(session, enrollment):
    completion.complete_step(session, enrollment, "search-basics", now=T0)
    row = score(session, enrollment)
    assert (row.score_given, row.score_maximum, row.version) == (10.0, 100.0, 1)
    assert (row.activity_progress, row.grading_progress) == ("InProgress", "FullyGraded")
    assert row.changed_at == T0


def test_only_a_changed_score_gets_a_new_version(session, enrollment):
    completion.complete_step(session, enrollment, "search-basics", now=T0)
    completion.complete_step(session, enrollment, "search-basics", now=T0 + timedelta(seconds=1))
    completion.reflect(
        session,
        enrollment,
        "search-basics",
        now=T0 + timedelta(seconds=2),
        confidence=3,
        reflection="ok",
    )
    assert score(session, enrollment).version == 1
    completion.complete_step(session, enrollment, "search-queries", now=T0 + timedelta(seconds=3))
    row = score(session, enrollment)
    assert (row.version, row.score_given) == (2, 20.0)
    assert row.changed_at == T0 + timedelta(seconds=3)


def test_a_failed_checkpoint_counts_for_mastery_but_not_for_completion(session, enrollment):
    enrollment.assignment.grading = MASTERY
    for key in ("search-basics", "search-queries"):
        completion.complete_step(session, enrollment, key, now=T0)
    checkpoints.submit_checkpoint(
        session, enrollment, "check-search", {0: "1", 1: "1", 2: "x"}, now=T0 + timedelta(seconds=1)
    )
    row = score(session, enrollment)
    # Mean best score over the two required checkpoints: (0.3333 + 0) / 2.
    assert row.score_given == 16.66 and row.version == 2


def test_mastery_counts_a_tested_out_checkpoint_in_full(session, enrollment):
    enrollment.assignment.grading = MASTERY
    from paths.learning.families import make_model

    right = {"check-search:0": "1", "check-search:1": "0", "check-search:2": "SERP"}
    model = make_model()
    while (question := diagnostics.current(session, enrollment, model).question) is not None:
        diagnostics.answer(
            session, enrollment, model, None, question.id, right.get(question.id, ""), now=T0
        )
    assert "check-search" in diagnostics.placement_result(session, enrollment).tested_out
    row = score(session, enrollment)
    assert row.score_given == 50.0 and row.activity_progress == "InProgress"


def test_skipping_placement_starts_the_activity(session, enrollment):
    diagnostics.skip_placement(session, enrollment, now=T0)
    row = score(session, enrollment)
    assert (row.score_given, row.activity_progress, row.version) == (0.0, "Started", 1)


def test_finishing_every_required_step_completes_the_activity(session, enrollment):
    keys = [
        s.key
        for s in learner_path.steps_of(session, enrollment)
        if not s.optional and not s.remedial_for
    ]
    for n, key in enumerate(keys):
        step = learner_path.find_step(session, enrollment, key)
        when = T0 + timedelta(seconds=n)
        if step.is_checkpoint:
            answers = {
                i: (
                    q.answer
                    if isinstance(q.answer, str)
                    else str(q.answer[0])
                    if isinstance(q.answer, list)
                    else str(q.answer)
                )
                for i, q in enumerate(step.questions)
            }
            checkpoints.submit_checkpoint(session, enrollment, key, answers, now=when)
        else:
            completion.complete_step(session, enrollment, key, now=when)
    row = score(session, enrollment)
    assert (row.score_given, row.activity_progress) == (100.0, "Completed")


def test_timestamps_only_ever_increase():
    assert next_timestamp(None, T0 + timedelta(microseconds=1500)) == T0 + timedelta(milliseconds=1)
    assert next_timestamp(T0, T0) == T0 + timedelta(milliseconds=1)
    assert next_timestamp(T0, T0 - timedelta(seconds=5)) == T0 + timedelta(milliseconds=1)
    assert next_timestamp(T0, T0 + timedelta(seconds=1)) == T0 + timedelta(seconds=1)


class RecordingOutbox:
    def __init__(self) -> None:
        self.changed: list[int] = []

    def score_changed(self, session, score_id: int) -> None:
        self.changed.append(score_id)


def test_the_outbox_hears_of_each_new_version_and_nothing_else(session, enrollment):
    outbox = RecordingOutbox()
    give_outbox(session, outbox)
    completion.complete_step(session, enrollment, "search-basics", now=T0)
    row = score(session, enrollment)
    assert outbox.changed == [row.id]
    completion.complete_step(session, enrollment, "search-basics", now=T0 + timedelta(seconds=1))
    assert outbox.changed == [row.id]  # the same score: no new version, nothing to send
    completion.complete_step(session, enrollment, "search-queries", now=T0 + timedelta(seconds=2))
    assert outbox.changed == [row.id, row.id]
