"""Spaced review of passed checkpoints (`paths.study.review_cards`): one FSRS card per
enrollment and checkpoint, due reviews on the path, cards rebuilt from the events."""

from datetime import timedelta

from sqlalchemy import func, select

from paths.db import utcnow
from paths.progress import ProgressEvent
from paths.study import checkpoints, learner_path, review_cards
from paths.study.path_view import REVIEW_DUE, path_view
from paths.study.up_next import REVIEW
from tests.unit.paths.study.demo_path import SEARCH_RIGHT, study


def test_a_passed_checkpoint_comes_back_for_review_when_due(session, enrollment):
    passed_at = utcnow()
    study(session, enrollment, now=passed_at)
    checkpoints.submit_checkpoint(session, enrollment, "check-search", SEARCH_RIGHT, now=passed_at)
    card = review_cards.cards_of(session, enrollment.id)[0]
    assert (
        card.key == "check-search"
        and card.reviews == 1
        and card.due > passed_at + timedelta(days=1)
    )
    hours_later = passed_at + timedelta(hours=20)
    assert review_cards.due_checkpoints(session, enrollment.id, hours_later) == []
    later = card.due + timedelta(minutes=1)
    view = path_view(session, enrollment, later)
    assert (view.up_next.step_key, view.up_next.reason) == ("check-search", REVIEW)
    assert {s.step.key: s.status for s in view.steps}["check-search"] == REVIEW_DUE
    checkpoints.submit_checkpoint(session, enrollment, "check-search", SEARCH_RIGHT, now=later)
    card2 = review_cards.cards_of(session, enrollment.id)[0]
    assert card2.reviews == 2 and card2.due - later > card.due - passed_at
    assert review_cards.due_checkpoints(session, enrollment.id, later) == []
    thresholds = {s.key: s.mastery_threshold for s in learner_path.steps_of(session, enrollment)}
    assert review_cards.rebuild_cards(session, enrollment.id, thresholds) == {"check-search": card2}


def test_a_failed_checkpoint_has_no_review_card(session, enrollment):
    study(session, enrollment)
    checkpoints.submit_checkpoint(session, enrollment, "check-search", {0: "0"}, now=utcnow())
    assert review_cards.cards_of(session, enrollment.id) == []
    assert session.scalar(select(func.count()).select_from(ProgressEvent)) == 3
