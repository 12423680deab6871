"""A learner answers a checkpoint: it is graded, recorded, and updates their mastery and
review schedule. A checkpoint tried before its unit's reading and practice ("try the check
first") and passed tests them out when the learner's mastery is then high enough
(`paths.learning.recommend.unit_steps_to_test_out`). Never commits: the web edge owns the
unit of work."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from paths import progress as events
from paths.enrollment import EnrollmentFacts
from paths.errors import DomainError, NotFound
from paths.grading import CheckpointResult, grade
from paths.learning.families import make_model
from paths.learning.mastery import MasteryModel, SkillState
from paths.learning.recommend import Snapshot, unit_steps_to_test_out
from paths.progress import LearnerProgress
from paths.scores import recompute_score
from paths.study import review_cards, skills
from paths.study.learner_path import (
    find_step,
    open_to_try_first,
    progress_of,
    require_unlocked,
    steps_of,
)
from paths.study.up_next import graph_for
from paths.version_cache import version_key


def submit_checkpoint(
    session: Session,
    enrollment: EnrollmentFacts,
    key: str,
    answers: Mapping[int, str],
    *,
    now: datetime,
    predicted: float | None = None,
    model: MasteryModel | None = None,
) -> CheckpointResult:
    """Grade an attempt, record it, update mastery per question's skill and, once the
    checkpoint is passed, its review schedule (a later attempt is a review)."""
    step = find_step(session, enrollment, key)
    if not step.is_checkpoint:
        raise NotFound("This step has no checkpoint to answer.", code="not_a_checkpoint")
    state = progress_of(session, enrollment)
    model = model or make_model()
    tried_first = open_to_try_first(session, enrollment, step, state, model, now)
    require_unlocked(session, step, state, enrollment, tried_first=tried_first)
    if any(i < 0 or i >= len(step.questions) for i in answers):
        raise DomainError("An answer does not belong to this checkpoint.", code="bad_answer")
    if any(len(a) > 500 for a in answers.values()):
        raise DomainError("An answer can be at most 500 characters.", code="bad_answer")
    result = grade(step.questions, answers, step.mastery_threshold)
    per_question = skills.question_skills(step)
    events.record(
        session,
        enrollment.id,
        events.CHECKPOINT,
        step_key=key,
        now=now,
        payload={
            "score": result.score,
            "passed": result.passed,
            "correct": result.correct,
            "answers": {str(i): a for i, a in answers.items()},
            "predicted": predicted,
            "skills": list(step.skills),
            "question_skills": per_question,
        },
    )
    before, changed = skills.observe_all(
        session,
        enrollment,
        model,
        [
            skills.Observation(skill, correct, now)
            for skill, correct in zip(per_question, result.correct, strict=True)
            if skill
        ],
    )
    review_cards.after_checkpoint(
        session,
        enrollment.id,
        key,
        score=result.score,
        threshold=step.mastery_threshold,
        passed=result.passed,
        at=now,
    )
    after = {**before, **changed}
    if result.passed:
        _test_out_unit(session, enrollment, key, state, after, model, now)
    recompute_score(session, enrollment, now)
    return replace(result, mastery_before=before, mastery_after=after)


def _test_out_unit(
    session: Session,
    enrollment: EnrollmentFacts,
    key: str,
    state: LearnerProgress,
    mastery: Mapping[str, SkillState],
    model: MasteryModel,
    now: datetime,
) -> None:
    """A passed checkpoint whose reading and practice are not done tests them out when the
    learner's mastery of its skills is now at least MASTERED_AT."""
    graph = graph_for(
        session, version_key(enrollment.assignment.version), steps_of(session, enrollment)
    )
    snapshot = Snapshot(now, frozenset(state.finished | {key}), mastery=mastery)
    tested_out = [
        events.Facts(events.TESTED_OUT, step_key, {}, now)
        for step_key in unit_steps_to_test_out(graph, snapshot, key, model)
    ]
    if tested_out:
        events.record_all(session, enrollment.id, tested_out)
