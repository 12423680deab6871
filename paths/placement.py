"""The optional placement check: skills a learner already masters are tested out.

It asks up to two checkpoint questions per skill of the path; a skill whose questions
are all answered correctly counts as mastered, and every step whose skills are all
mastered is marked tested out. It can be taken once per enrollment, or skipped.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from paths import progress as events
from paths.catalog import Question, Step
from paths.enrollment import Enrollment
from paths.errors import Conflict
from paths.grading import is_correct
from paths.progress import LearnerProgress
from paths.scores import recompute_score
from paths.studying import load_questions, progress_of, steps_of

PER_SKILL = 2


@dataclass(frozen=True)
class PlacementQuestion:
    id: str  # "<step key>:<question index>", stable for the form
    skill: str
    question: Question


@dataclass(frozen=True)
class PlacementResult:
    mastered: tuple[str, ...]
    tested_out: tuple[str, ...]


def placement_questions(steps: Sequence[Step]) -> list[PlacementQuestion]:
    chosen: list[PlacementQuestion] = []
    per_skill: dict[str, int] = {}
    for step in steps:
        if not step.is_checkpoint:
            continue
        for index, question in enumerate(step.questions):
            skill = question.skill or (step.skills[0] if step.skills else None)
            if skill and per_skill.get(skill, 0) < PER_SKILL:
                per_skill[skill] = per_skill.get(skill, 0) + 1
                chosen.append(PlacementQuestion(f"{step.key}:{index}", skill, question))
    return chosen


def offers_placement(session: Session, enrollment: Enrollment,
                     state: LearnerProgress | None = None) -> bool:
    """Whether to offer the check: not taken, nothing finished, and questions to ask.
    `state` is the learner's progress when the caller has it already."""
    state = state or progress_of(session, enrollment)
    if state.placement_taken or state.finished:
        return False
    steps = steps_of(enrollment)
    load_questions(session, steps)
    return bool(placement_questions(steps))


def take_placement(session: Session, enrollment: Enrollment, answers: Mapping[str, str], *,
                   now: datetime) -> PlacementResult:
    steps = steps_of(enrollment)
    questions = placement_questions(steps)
    verdicts: dict[str, list[bool]] = {}
    for item in questions:
        verdicts.setdefault(item.skill, []).append(
            is_correct(item.question, answers.get(item.id, "")))
    mastered = tuple(sorted(s for s, v in verdicts.items() if v and all(v)))
    tested_out = tuple(s.key for s in steps if s.skills and set(s.skills) <= set(mastered)
                       and not s.remedial_for)
    _record_once(session, enrollment, now, {"mastered": list(mastered),
                                            "answers": dict(answers)})
    for key in tested_out:
        events.record(session, enrollment.id, events.TESTED_OUT, step_key=key, now=now)
    recompute_score(session, enrollment, now)
    return PlacementResult(mastered=mastered, tested_out=tested_out)


def skip_placement(session: Session, enrollment: Enrollment, *, now: datetime) -> None:
    _record_once(session, enrollment, now, {"skipped": True})
    recompute_score(session, enrollment, now)


def _record_once(session: Session, enrollment: Enrollment, now: datetime,
                 payload: dict[str, object]) -> None:
    if not events.record(session, enrollment.id, events.PLACEMENT, now=now, payload=payload):
        raise Conflict("The placement check has already been taken.", code="placement_taken")
