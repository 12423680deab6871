"""The placement check and skill checks: short adaptive diagnostics, one question at a time.

The engine's `Placement` picks each next question where one answer is expected to tell the
most about the learner's mastery of every skill of the path (under the joint belief that
takes the path's prerequisite graph as evidence, weighted by how much each skill matters) and
stops
when every skill that matters is judged with the target confidence, at the question budget,
or when the path has no unasked question left on an undecided skill. Every answer is an event
(`diagnostic`) and updates the learner's mastery at once, so a diagnostic can be resumed, and
finished or skipped at any time. Skills judged mastered mark their steps as tested out.

The placement check is offered once per enrollment. A skill check ("prove it") is the same
flow restricted to one skill and can be taken again whenever the learner disagrees with what
Selfpath thinks they know.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from paths import progress as events
from paths.enrollment import EnrollmentFacts
from paths.errors import Conflict, NotFound
from paths.grading import is_correct
from paths.learning.mastery import MASTERED_AT, MasteryModel, SkillState
from paths.learning.placement import QUESTIONS_PER_SKILL, Placement
from paths.learning.recommend import PathGraph, Snapshot, steps_to_test_out
from paths.learning.selfreg import judge, shown_percent
from paths.progress import LearnerProgress
from paths.published import PublishedQuestion, PublishedStep
from paths.scores import recompute_score
from paths.study import skills
from paths.study.learner_path import progress_of, steps_of
from paths.study.up_next import graph_for
from paths.version_cache import version_key

PLACEMENT = "placement"  # the scope of the placement check; a skill check's: "skill:<skill>"
CONFIDENCE = MASTERED_AT
PLACEMENT_BUDGET = 12  # questions at most, and about four per skill
CHECK_BUDGET = 5


@dataclass(frozen=True)
class PlacementQuestion:
    id: str  # "<step key>:<question index>", stable for the form
    skill: str
    question: PublishedQuestion
    step_key: str


@dataclass(frozen=True)
class Diagnostic:
    skill: str | None  # None: the placement check
    asked: int
    budget: int
    question: PlacementQuestion | None  # the next question; None when the diagnostic stops
    stop_reason: str | None


@dataclass(frozen=True)
class SkillConclusion:
    """What a diagnostic concluded on one skill, and the answers it rests on."""

    skill: str
    asked: int
    right: int
    percent: int  # the estimate when the diagnostic ended (selfreg.shown_percent)
    verdict: str  # selfreg.judge: "mastered", "not_yet", "unsure" or "no_evidence"


@dataclass(frozen=True)
class DiagnosticOutcome:
    """What a finished placement check or skill check concluded."""

    mastered: tuple[str, ...]
    tested_out: tuple[str, ...]
    questions: int = 0
    stop_reason: str = ""
    skipped: bool = False
    by_skill: tuple[SkillConclusion, ...] = ()


def question_pool(steps: Sequence[PublishedStep]) -> list[PlacementQuestion]:
    """Every checkpoint question of the path with its skill, in path order."""
    pool = []
    for step in steps:
        if not step.is_checkpoint:
            continue
        for index, (question, skill) in enumerate(
            zip(step.questions, skills.question_skills(step), strict=True)
        ):
            if skill:
                pool.append(PlacementQuestion(f"{step.key}:{index}", skill, question, step.key))
    return pool


def checkable_skills(session: Session, enrollment: EnrollmentFacts) -> set[str]:
    return {q.skill for q in question_pool(steps_of(session, enrollment))}


def _scope(skill: str | None) -> str:
    return PLACEMENT if skill is None else f"skill:{skill}"


def _answers(
    session: Session, enrollment: EnrollmentFacts, skill: str | None
) -> list[dict[str, Any]]:
    """The answers of the diagnostic in progress (the placement check, or a skill check)."""
    scope = _scope(skill)
    answers: list[dict[str, Any]] = []
    for event in events.events_of(session, [enrollment.id]):
        payload = event.payload or {}
        if event.kind == events.DIAGNOSTIC and payload.get("scope") == scope:
            answers.append(payload)
        elif event.kind == events.SKILL_CHECK and payload.get("scope") == scope:
            answers = []  # that check is over; a new one starts from here
    return answers


def _weights(session: Session, enrollment: EnrollmentFacts, skill: str | None) -> dict[str, float]:
    if skill is not None:
        return {skill: 1.0}
    return {k: w for k, w in _graph(session, enrollment).weights.items() if w > 0}


def _graph(session: Session, enrollment: EnrollmentFacts) -> PathGraph:
    steps = steps_of(session, enrollment)
    return graph_for(session, version_key(enrollment.assignment.version), steps)


def _judged_mastered(
    session: Session,
    enrollment: EnrollmentFacts,
    model: MasteryModel,
    states: Mapping[str, SkillState],
) -> list[str]:
    """The skills the placement check judges mastered: the path's under the joint belief
    (its prerequisite graph as evidence, `Placement.judged_mastered`), others by the model."""
    joint = Placement(
        model,
        _weights(session, enrollment, None),
        states,
        confidence=CONFIDENCE,
        prerequisites=_graph(session, enrollment).skill_prerequisites,
    )
    return sorted(
        s
        for s, state in states.items()
        if (joint.judged_mastered(s) if s in joint.states else state.mastery >= CONFIDENCE)
    )


def current(
    session: Session, enrollment: EnrollmentFacts, model: MasteryModel, skill: str | None = None
) -> Diagnostic:
    """Where the placement check (or the check of `skill`) stands: its next question, or
    why it stops."""
    weights = _weights(session, enrollment, skill)
    pool = [q for q in question_pool(steps_of(session, enrollment)) if q.skill in weights]
    if skill is not None and not pool:
        raise NotFound("This path has no question on that skill.", code="no_such_skill")
    answers = _answers(session, enrollment, skill)
    asked = {a.get("question") for a in answers}
    unasked = [q for q in pool if q.id not in asked]
    open_weights = {s: w for s, w in weights.items() if any(q.skill == s for q in unasked)}
    budget = min(PLACEMENT_BUDGET, QUESTIONS_PER_SKILL * len(weights))
    states = skills.states_of(session, enrollment, model)
    if skill is not None:
        return _check_step(skill, answers, unasked, states, model)
    engine = Placement(
        model,
        open_weights,
        states,
        confidence=CONFIDENCE,
        budget=budget,
        prerequisites=_graph(session, enrollment).skill_prerequisites,
    )
    engine.questions = len(answers)
    chosen = engine.next_skill()
    if chosen is None:
        reason = engine.stop_reason or "confident"
        if reason == "confident" and not all(_decided(states, s) for s in weights):
            reason = "no_questions"  # undecided skills, but nothing left to ask on them
        return Diagnostic(skill, len(answers), budget, None, reason)
    question = next(q for q in unasked if q.skill == chosen)
    return Diagnostic(skill, len(answers), budget, question, None)


def _check_step(
    skill: str,
    answers: list[dict[str, Any]],
    unasked: list[PlacementQuestion],
    states: Mapping[str, SkillState],
    model: MasteryModel,
) -> Diagnostic:
    """A skill check is the learner challenging the estimate: it asks at least one question
    and, even when Selfpath judged the skill not mastered, goes on while the learner may
    still show mastery; it stops once the skill is judged mastered."""
    state = states.get(skill) or model.initial(skill)
    if answers and state.mastery >= CONFIDENCE:
        return Diagnostic(skill, len(answers), CHECK_BUDGET, None, "confident")
    if len(answers) >= CHECK_BUDGET:
        return Diagnostic(skill, len(answers), CHECK_BUDGET, None, "budget")
    if not unasked:
        return Diagnostic(skill, len(answers), CHECK_BUDGET, None, "no_questions")
    return Diagnostic(skill, len(answers), CHECK_BUDGET, unasked[0], None)


def _decided(states: Mapping[str, SkillState], skill: str) -> bool:
    state = states.get(skill)
    return state is not None and not 1.0 - CONFIDENCE < state.mastery < CONFIDENCE


def is_taken(session: Session, enrollment: EnrollmentFacts) -> bool:
    return progress_of(session, enrollment).placement_taken


def offers_placement(
    session: Session, enrollment: EnrollmentFacts, state: LearnerProgress | None = None
) -> bool:
    """Whether to offer the check; `state` is the learner's progress when the caller has it."""
    state = state or progress_of(session, enrollment)
    return (
        not state.placement_taken
        and not (state.completed | state.passed)
        and bool(question_pool(steps_of(session, enrollment)))
    )


def answer(
    session: Session,
    enrollment: EnrollmentFacts,
    model: MasteryModel,
    skill: str | None,
    question_id: str,
    given: str,
    *,
    now: datetime,
) -> bool:
    """Record the answer to the diagnostic's current question; False (nothing recorded)
    when `question_id` is not that question, e.g. a form sent twice. The diagnostic is
    finished as soon as it has nothing more to ask."""
    if skill is None and is_taken(session, enrollment):
        raise Conflict("The placement check has already been taken.", code="placement_taken")
    state = current(session, enrollment, model, skill)
    if state.question is None or state.question.id != question_id:
        return False
    item = state.question
    correct = is_correct(item.question, given)
    events.record(
        session,
        enrollment.id,
        events.DIAGNOSTIC,
        step_key=item.step_key,
        now=now,
        payload={
            "scope": _scope(skill),
            "question": item.id,
            "skill": item.skill,
            "answer": given[:500],
            "correct": correct,
        },
    )
    skills.observe(
        session, enrollment, model, [skills.Observation(item.skill, correct, now, practice=False)]
    )
    after = current(session, enrollment, model, skill)
    if after.question is None:
        finish(session, enrollment, model, skill, now=now, stop_reason=after.stop_reason)
    return True


def finish(
    session: Session,
    enrollment: EnrollmentFacts,
    model: MasteryModel,
    skill: str | None = None,
    *,
    now: datetime,
    stop_reason: str | None = None,
) -> DiagnosticOutcome:
    """End the diagnostic with what it has learned: mastered skills test out their steps."""
    if skill is None and is_taken(session, enrollment):
        raise Conflict("The placement check has already been taken.", code="placement_taken")
    answers = _answers(session, enrollment, skill)
    states = skills.states_of(session, enrollment, model)
    if skill is None:
        mastered = _judged_mastered(session, enrollment, model, states)
    else:
        mastered = sorted(s for s, state in states.items() if state.mastery >= CONFIDENCE)
    graph = _graph(session, enrollment)
    progress = progress_of(session, enrollment)
    snapshot = Snapshot(now, frozenset(progress.finished))
    tested_out = tuple(steps_to_test_out(graph, snapshot, mastered))
    reason = stop_reason or "learner_finished"
    given = {a["question"]: a.get("answer", "") for a in answers}
    if skill is None:
        concluded = conclusions(answers, states, sorted(_weights(session, enrollment, None)))
        events.record(
            session,
            enrollment.id,
            events.PLACEMENT,
            now=now,
            payload={
                "mastered": mastered,
                "tested_out": list(tested_out),
                "answers": given,
                "questions": len(answers),
                "stop_reason": reason,
                "by_skill": [asdict(c) for c in concluded],
            },
        )
    else:
        events.record(
            session,
            enrollment.id,
            events.SKILL_CHECK,
            now=now,
            payload={
                "scope": _scope(skill),
                "skill": skill,
                "mastered": skill in mastered,
                "tested_out": list(tested_out),
                "answers": given,
                "questions": len(answers),
                "stop_reason": reason,
            },
        )
    for key in tested_out:
        events.record(session, enrollment.id, events.TESTED_OUT, step_key=key, now=now)
    recompute_score(session, enrollment, now)
    shown = tuple(mastered) if skill is None else tuple(s for s in mastered if s == skill)
    return DiagnosticOutcome(shown, tested_out, len(answers), reason)


def conclusions(
    answers: Sequence[Mapping[str, Any]],
    states: Mapping[str, SkillState],
    skills_asked: Sequence[str],
) -> list[SkillConclusion]:
    """Per skill, how many questions the diagnostic asked, how many were right, and the
    verdict the estimate supports now (one rule for every page: selfreg.judge)."""
    result = []
    for skill in skills_asked:
        mine = [a for a in answers if a.get("skill") == skill]
        state = states.get(skill)
        mastery = state.mastery if state else 0.0
        verdict, _certainty = judge(mastery, len(mine))
        result.append(
            SkillConclusion(
                skill,
                len(mine),
                sum(bool(a.get("correct")) for a in mine),
                shown_percent(mastery),
                verdict,
            )
        )
    return result


def skip_placement(session: Session, enrollment: EnrollmentFacts, *, now: datetime) -> None:
    if not events.record(
        session, enrollment.id, events.PLACEMENT, now=now, payload={"skipped": True}
    ):
        raise Conflict("The placement check has already been taken.", code="placement_taken")
    recompute_score(session, enrollment, now)


def placement_result(session: Session, enrollment: EnrollmentFacts) -> DiagnosticOutcome | None:
    """What the placement check concluded (None while it has not been taken)."""
    for event in reversed(events.events_of(session, [enrollment.id])):
        if event.kind == events.PLACEMENT:
            payload = event.payload or {}
            return DiagnosticOutcome(
                tuple(payload.get("mastered", ())),
                tuple(payload.get("tested_out", ())),
                int(payload.get("questions", 0)),
                str(payload.get("stop_reason", "")),
                bool(payload.get("skipped")),
                tuple(SkillConclusion(**c) for c in payload.get("by_skill", ())),
            )
    return None


def last_skill_check(
    session: Session, enrollment: EnrollmentFacts, skill: str
) -> DiagnosticOutcome | None:
    """What the latest finished check of `skill` concluded."""
    for event in reversed(events.events_of(session, [enrollment.id])):
        payload = event.payload or {}
        if event.kind == events.SKILL_CHECK and payload.get("scope") == _scope(skill):
            return DiagnosticOutcome(
                (skill,) if payload.get("mastered") else (),
                tuple(payload.get("tested_out", ())),
                int(payload.get("questions", 0)),
                str(payload.get("stop_reason", "")),
            )
    return None
