"""Next-step recommendation over a path graph.

Order of concerns: after a failed checkpoint (or a failed review of a passed one), its remedial
step, gone over again while the learner's mastery of what it checks is below RETAKE_AT (a
retake before then would most likely fail again, and cost a step that teaches nothing); then
a due review; then a checkpoint the learner may pass before its reading and practice steps
("try the check first", see `may_try_first`); then the unlocked, unfinished step with the
largest expected mastery gain on the path's remaining required skills (per minute when the
due date or the weekly goal is under pressure). Ties go to the earlier step in a
stable topological order. The reason is a code plus parameters; the web edge words it
(REASON_TEXT_EN is the English wording).

A checkpoint's unit is the reading and practice steps before it on its own skills. Passing
the checkpoint first tests them out, but only when the learner's mastery of every skill it
checks is then at least MASTERED_AT (`unit_steps_to_test_out`): a lucky pass on a skill the
learner has not shown does not skip its teaching, so no learner ends the path believed less
ready than the fixed order would leave them."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType

from paths.errors import DomainError
from paths.learning.mastery import MASTERED_AT, MasteryModel, SkillState
from paths.learning.prerequisites import skill_prerequisites

CHECKPOINT = "checkpoint"
OPTIONAL_DISCOUNT = 0.5  # an optional step is worth half a required one
# A checkpoint may be tried before its unit's reading and practice when the learner's mastery
# of each skill it checks is at least this (see README, "Personalization", for the measure).
TRY_FIRST_AT = 0.5
# After a failed checkpoint and its remedial step, the checkpoint is retaken once the learner's
# mastery of each skill it checks is at least this; below it the remedial step is gone over
# again. A retake only confirms: on the benchmark, retaking after every remedial step spends a
# third of a partly-prepared learner's steps on checks that fail (README, "Personalization").
RETAKE_AT = 0.3
# ... unless going over it again is expected to add less mastery than this (a model that learns
# little from a step without answers): then another go-over is not worth a step either.
GO_OVER_MIN_GAIN = 0.02

REASON_TEXT_EN: Mapping[str, str] = MappingProxyType(
    {
        "remedial_after_checkpoint": (
            "You did not pass {checkpoint} yet: this step goes over what it checks."
        ),
        "remedial_after_review": (
            "Your review of {checkpoint} showed that some of it has faded: this step goes over "
            "it again before you retake it."
        ),
        "review_due": "{checkpoint} is due for review, so you keep what you mastered.",
        "closes_mastery_gap": "This step does the most for the skills you still need: {skills}.",
        "ready_for_checkpoint": "You seem ready for {skills}: this checkpoint can confirm it.",
        "try_check_first": "You may already know {skills}: try this checkpoint first. If you "
        "pass it, you can skip the reading and practice before it.",
        "behind_schedule": "To reach your date ({days_left} days left, about {minutes_left} "
        "minutes of work), this is the quickest gain on {skills}.",
        "next_in_path": "This is the next step of the path.",
        "optional_extra": "Every required step is done; this optional step takes you further.",
        "path_complete": "You have finished every step of this path.",
    }
)


class PathGraphError(DomainError):
    """A path graph that cannot be used (a cycle, or an unknown prerequisite)."""


@dataclass(frozen=True, slots=True)
class GraphStep:
    """A step as the engine sees it; the stored step is `paths.catalog.Step`."""

    key: str
    kind: str  # read, watch, practice, checkpoint, reflect, ...
    skills: tuple[str, ...] = ()
    minutes: float = 10.0
    optional: bool = False
    prerequisites: tuple[str, ...] = ()
    remedial_for: str | None = None  # key of the checkpoint this step remediates


@dataclass(frozen=True)
class Snapshot:
    """Where one learner stands on one path, at `now`."""

    now: datetime
    done: frozenset[str] = frozenset()
    tested_out: frozenset[str] = frozenset()
    failed_checkpoints: tuple[str, ...] = ()  # latest attempt failed, most recent first
    mastery: Mapping[str, SkillState] = field(default_factory=dict)
    due_reviews: tuple[str, ...] = ()  # checkpoint keys, most overdue first
    minutes_per_week: float | None = None
    due_at: datetime | None = None  # the earlier of the due date and target date


@dataclass(frozen=True, slots=True)
class Recommendation:
    step_key: str | None
    reason_code: str
    reason_params: Mapping[str, str | int]


class PathGraph:
    """A path's steps with everything recommendation needs precomputed: a stable topological
    order, prerequisite indices, skill indices and remedial links."""

    def __init__(
        self, steps: Iterable[GraphStep], skill_weights: Mapping[str, float] | None = None
    ):
        steps = list(steps)
        self.by_key = {s.key: s for s in steps}
        if len(self.by_key) != len(steps):
            raise PathGraphError("Two steps share a key.")
        self.order: tuple[GraphStep, ...] = tuple(_topological(steps, self.by_key))
        self.position = {s.key: i for i, s in enumerate(self.order)}
        required = {
            k for s in self.order if not s.optional and s.remedial_for is None for k in s.skills
        }
        self.skills = tuple(sorted({k for s in self.order for k in s.skills}))
        weights = skill_weights or {}
        self.weights = {
            k: float(weights.get(k, 1.0 if k in required else 0.0)) for k in self.skills
        }
        self.required_skills = tuple(k for k in self.skills if self.weights[k] > 0)
        self.remedial: dict[str, tuple[str, ...]] = {}
        for step in self.order:
            if step.remedial_for:
                self.remedial.setdefault(step.remedial_for, ())
                self.remedial[step.remedial_for] += (step.key,)
        self.required_minutes = sum(s.minutes for s in self.order if _counts(s))
        self.counted_minutes = {s.key: s.minutes for s in self.order if _counts(s)}
        # (step, prerequisites, skills, is checkpoint, minutes) for the scoring loop
        self.rows = tuple(
            (s, frozenset(s.prerequisites), s.skills, s.kind == CHECKPOINT, max(s.minutes, 1.0))
            for s in self.order
            if s.remedial_for is None
        )
        self.skill_prerequisites = skill_prerequisites(
            (s.key, s.skills, s.prerequisites) for s in self.order if _counts(s)
        )
        self.unit: dict[str, tuple[str, ...]] = {}
        self.unit_entry: dict[str, frozenset[str]] = {}
        for step in self.order:
            if step.kind == CHECKPOINT and step.skills and _counts(step):
                self.unit[step.key], self.unit_entry[step.key] = self._unit_of(step)

    def _unit_of(self, checkpoint: GraphStep) -> tuple[tuple[str, ...], frozenset[str]]:
        """The required learning steps before `checkpoint` on its own skills only (walking
        back through such steps), and the other steps they and the checkpoint need."""
        skills = set(checkpoint.skills)
        unit: set[str] = set()
        entry: set[str] = set()
        waiting = list(checkpoint.prerequisites)
        while waiting:
            key = waiting.pop()
            step = self.by_key[key]
            if key in unit or key in entry:
                continue
            if (
                step.kind != CHECKPOINT
                and _counts(step)
                and step.skills
                and set(step.skills) <= skills
            ):
                unit.add(key)
                waiting.extend(step.prerequisites)
            else:
                entry.add(key)
        return tuple(sorted(unit, key=self.position.__getitem__)), frozenset(entry)

    def __len__(self) -> int:
        return len(self.order)


def _counts(step: GraphStep) -> bool:
    """Required work: not optional and not a remedial branch."""
    return not step.optional and step.remedial_for is None


def _topological(steps: Sequence[GraphStep], by_key: Mapping[str, GraphStep]) -> list[GraphStep]:
    """Kahn's algorithm, taking ready steps in their authored order (stable)."""
    index = {s.key: i for i, s in enumerate(steps)}
    waiting = {s.key: 0 for s in steps}
    unlocks: dict[str, list[str]] = {s.key: [] for s in steps}
    for step in steps:
        for prereq in step.prerequisites:
            if prereq not in by_key:
                raise PathGraphError(f"Step {step.key!r} needs {prereq!r}, which is not a step.")
            waiting[step.key] += 1
            unlocks[prereq].append(step.key)
    ready = [index[k] for k, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    order: list[GraphStep] = []
    while ready:
        step = steps[heapq.heappop(ready)]
        order.append(step)
        for key in unlocks[step.key]:
            waiting[key] -= 1
            if waiting[key] == 0:
                heapq.heappush(ready, index[key])
    if len(order) != len(steps):
        stuck = sorted(k for k, n in waiting.items() if n > 0)
        raise PathGraphError(f"The prerequisites form a cycle among: {', '.join(stuck)}.")
    return order


def _finished(snapshot: Snapshot) -> frozenset[str]:
    return snapshot.done | snapshot.tested_out


def available_steps(graph: PathGraph, snapshot: Snapshot) -> list[str]:
    """Unlocked, unfinished steps in path order: the learner may choose any of them."""
    finished = _finished(snapshot)
    return [
        s.key
        for s in graph.order
        if s.key not in finished and all(p in finished for p in s.prerequisites)
    ]


def prerequisites_left(graph: PathGraph, snapshot: Snapshot, key: str) -> list[str]:
    """What still locks step `key` (empty when it is available or finished)."""
    finished = _finished(snapshot)
    return [p for p in graph.by_key[key].prerequisites if p not in finished]


def steps_to_test_out(graph: PathGraph, snapshot: Snapshot, mastered: Iterable[str]) -> list[str]:
    """Unfinished steps whose every skill is in `mastered` (e.g. placement's result)."""
    mastered_set = set(mastered)
    finished = _finished(snapshot)
    return [
        s.key
        for s in graph.order
        if s.key not in finished
        and s.skills
        and s.remedial_for is None
        and all(k in mastered_set for k in s.skills)
    ]


def _mastery(snapshot: Snapshot, model: MasteryModel, skill: str) -> float:
    state = snapshot.mastery.get(skill) or model.initial(skill)
    return state.mastery


def may_try_first(graph: PathGraph, snapshot: Snapshot, key: str, model: MasteryModel) -> bool:
    """Whether checkpoint `key`, still locked by steps of its own unit only (its reading and
    practice), may be taken first: the steps the unit needs are finished, its latest attempt
    did not fail, and the learner's mastery of each skill it checks is at least
    TRY_FIRST_AT."""
    return _may_try_first(graph, _finished(snapshot), snapshot, key, model)


def _may_try_first(
    graph: PathGraph, finished: frozenset[str], snapshot: Snapshot, key: str, model: MasteryModel
) -> bool:
    if key not in graph.unit:
        return False
    step = graph.by_key[key]
    missing = [p for p in step.prerequisites if p not in finished]
    return (
        key not in finished
        and key not in snapshot.failed_checkpoints
        and bool(missing)
        and all(p in graph.unit[key] for p in missing)
        and graph.unit_entry[key] <= finished
        and all(_mastery(snapshot, model, k) >= TRY_FIRST_AT for k in step.skills)
    )


def unit_steps_to_test_out(
    graph: PathGraph, snapshot: Snapshot, checkpoint: str, model: MasteryModel
) -> list[str]:
    """After `checkpoint` is passed: its unit's unfinished steps, tested out when the mastery
    of every skill it checks (in `snapshot`, after the attempt) is at least MASTERED_AT;
    otherwise none (the learner still does them)."""
    if checkpoint not in graph.unit:
        return []
    skills = graph.by_key[checkpoint].skills
    if any(_mastery(snapshot, model, k) < MASTERED_AT for k in skills):
        return []
    finished = _finished(snapshot)
    return [k for k in graph.unit[checkpoint] if k not in finished]


def ready_to_retake(
    graph: PathGraph, snapshot: Snapshot, checkpoint: str, model: MasteryModel
) -> bool:
    """Whether retaking `checkpoint` after a failure is worth a step: for every skill it
    checks, the learner's mastery is at least RETAKE_AT, or one more study step is expected to
    add less than GO_OVER_MIN_GAIN (so the go-overs end whatever the model)."""
    for skill in graph.by_key[checkpoint].skills:
        state = snapshot.mastery.get(skill) or model.initial(skill)
        if state.mastery < RETAKE_AT and model.study(state).mastery - state.mastery >= (
            GO_OVER_MIN_GAIN
        ):
            return False
    return True


def remedial_step(
    graph: PathGraph, snapshot: Snapshot, checkpoint: str, model: MasteryModel
) -> str | None:
    """After `checkpoint` failed: its first unlocked remedial step not done since, else (all
    done) its first unlocked one to go over again while the learner is not `ready_to_retake`;
    None when there is none or the learner may retake the checkpoint."""
    finished = _finished(snapshot)
    unlocked = [
        key
        for key in graph.remedial.get(checkpoint, ())
        if all(p in finished for p in graph.by_key[key].prerequisites)
    ]
    for key in unlocked:
        if key not in finished:
            return key
    if unlocked and not ready_to_retake(graph, snapshot, checkpoint, model):
        return unlocked[0]
    return None


def skill_gains(
    graph: PathGraph, snapshot: Snapshot, model: MasteryModel
) -> tuple[dict[str, float], dict[str, float]]:
    """Per required skill still below mastery: (weighted gain of a learning step,
    weighted gain of a checkpoint). A learning step adds the model's expected learning; a
    checkpoint is worth the gap it can close times the chance the learner is ready."""
    learn: dict[str, float] = {}
    check: dict[str, float] = {}
    for skill in graph.required_skills:
        state = snapshot.mastery.get(skill) or model.initial(skill)
        m = state.mastery
        if m >= MASTERED_AT:
            continue
        weight = graph.weights[skill]
        learn[skill] = weight * (model.study(state).mastery - m)
        check[skill] = weight * (1.0 - m) * m
    return learn, check


def schedule_pressure(graph: PathGraph, snapshot: Snapshot) -> tuple[float, int, int]:
    """(required minutes left / minutes the learner plans before the due date, days left,
    minutes left). Pressure above 1 means behind schedule; 0 without a date or goal."""
    finished = _finished(snapshot)
    counted = graph.counted_minutes
    left = graph.required_minutes - sum(counted[k] for k in finished if k in counted)
    if snapshot.due_at is None or not snapshot.minutes_per_week:
        return 0.0, 0, round(left)
    remaining = snapshot.due_at - snapshot.now
    days = max(0.0, remaining / timedelta(days=1))
    planned = snapshot.minutes_per_week * days / 7.0
    pressure = left / planned if planned > 0 else (float("inf") if left > 0 else 0.0)
    return pressure, int(days), round(left)


def recommend(graph: PathGraph, snapshot: Snapshot, model: MasteryModel) -> Recommendation:
    """The one step to do next and why (see the module docstring)."""
    finished = _finished(snapshot)
    for checkpoint in snapshot.failed_checkpoints:
        key = remedial_step(graph, snapshot, checkpoint, model)
        if key is not None:
            # a failed checkpoint that was passed before is a failed review
            code = (
                "remedial_after_review" if checkpoint in finished else "remedial_after_checkpoint"
            )
            return Recommendation(key, code, {"checkpoint": checkpoint})
    for key in snapshot.due_reviews:
        return Recommendation(key, "review_due", {"checkpoint": key})
    for key in graph.unit:
        if _may_try_first(graph, finished, snapshot, key, model):
            names = ", ".join(graph.by_key[key].skills)
            return Recommendation(key, "try_check_first", {"skills": names})
    learn, check = skill_gains(graph, snapshot, model)
    pressure, days_left, minutes_left = schedule_pressure(graph, snapshot)
    behind = pressure > 1.0
    best: GraphStep | None = None
    best_score = 0.0
    fallback: GraphStep | None = None
    optional_fallback: GraphStep | None = None
    for step, prerequisites, skills, is_checkpoint, minutes in graph.rows:
        if step.key in finished or not prerequisites <= finished:
            continue
        if step.optional:
            if behind:
                continue
            optional_fallback = optional_fallback or step
        else:
            fallback = fallback or step
        gains = check if is_checkpoint else learn
        value = 0.0
        for skill in skills:
            value += gains.get(skill, 0.0)
        if step.optional:
            value *= OPTIONAL_DISCOUNT
        if behind:
            value /= minutes
        if value > best_score:
            best, best_score = step, value
    if best is not None:
        names = ", ".join(k for k in best.skills if k in learn)
        if behind:
            return Recommendation(
                best.key,
                "behind_schedule",
                {"skills": names, "days_left": days_left, "minutes_left": minutes_left},
            )
        code = "ready_for_checkpoint" if best.kind == CHECKPOINT else "closes_mastery_gap"
        return Recommendation(best.key, code, {"skills": names})
    if fallback is not None:
        return Recommendation(fallback.key, "next_in_path", {})
    if optional_fallback is not None:
        return Recommendation(optional_fallback.key, "optional_extra", {})
    return Recommendation(None, "path_complete", {})
