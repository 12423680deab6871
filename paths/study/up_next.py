"""What to study next, and why, in one sentence: the learner's "up next".

`next_step` is the one interface the pages use; the policy behind it is the engine's
(`paths.learning.recommend`): a remedial step after a failed checkpoint first, then a due
review, then the unlocked step that closes the largest mastery gap on the path's remaining
required skills (per minute when the learner is behind their date). Reasons are the engine's
codes with parameters; the web edge words them in the learner's language.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol, TypeVar

from sqlalchemy.orm import Session

from paths.graph import StepNode
from paths.learning.mastery import MasteryModel, SkillState
from paths.learning.recommend import GraphStep, PathGraph, Snapshot, may_try_first, recommend
from paths.progress import LearnerProgress
from paths.skill_names import humanise
from paths.version_cache import caches_of

REMEDIAL = "remedial_after_checkpoint"
REMEDIAL_REVIEW = "remedial_after_review"
REVIEW = "review_due"
CLOSES_GAP = "closes_mastery_gap"
CHECKPOINT_READY = "ready_for_checkpoint"
TRY_FIRST = "try_check_first"
BEHIND = "behind_schedule"
NEXT_IN_ORDER = "next_in_path"
OPTIONAL_LEFT = "optional_extra"
COMPLETE = "path_complete"


class PathStep(StepNode, Protocol):
    optional: bool
    title: str
    skills: list[str]
    minutes: int


@dataclass(frozen=True)
class UpNext:
    """The engine's `Recommendation` made ready for a page: a checkpoint named by its title."""

    step_key: str | None
    reason: str
    params: dict[str, str] = field(default_factory=dict)


def is_required(step: PathStep) -> bool:
    return not step.optional and not step.remedial_for


S = TypeVar("S", bound=PathStep)


def build_graph(steps: Sequence[PathStep]) -> PathGraph:
    return PathGraph(
        GraphStep(
            s.key,
            s.kind,
            tuple(s.skills),
            float(s.minutes),
            s.optional,
            tuple(s.prerequisites),
            s.remedial_for,
        )
        for s in steps
    )


def graph_for(session: Session, key: Hashable, steps: Sequence[PathStep]) -> PathGraph:
    """The graph of the path version `key` (see `version_key`), built once per application."""
    return caches_of(session).graphs.get(key, lambda: build_graph(steps))


def failed_checkpoints(progress: LearnerProgress) -> tuple[str, ...]:
    """Checkpoints whose latest attempt failed (a failed review too), most recent first."""
    failed = progress.failed_latest
    return tuple(sorted(failed, key=lambda k: progress.attempts[k][-1].at, reverse=True))


def to_restudy(steps: Iterable[StepNode], progress: LearnerProgress) -> set[str]:
    """Remedial steps done before their checkpoint's latest attempt, which failed: the
    learner goes over them again (until then they do not count as done for what to do next)."""
    keys = set()
    for step in steps:
        tries = progress.attempts.get(step.remedial_for or "")
        studied = progress.studied_at.get(step.key)
        if tries and not tries[-1].passed and studied is not None and studied < tries[-1].at:
            keys.add(step.key)
    return keys


def to_go_over_again(steps: Iterable[StepNode], progress: LearnerProgress) -> set[str]:
    """Remedial steps done (once at least) whose checkpoint's latest attempt failed: the
    learner may go over them again, each time as study, until they retake it. `to_restudy`
    is the part that must be gone over; the engine asks for more while the learner is not
    ready to retake (`paths.learning.recommend.remedial_step`)."""
    failed = progress.failed_latest  # worked out once, not once per step
    return {
        step.key for step in steps if step.key in progress.completed and step.remedial_for in failed
    }


def remedial_to_do(steps: Iterable[S], progress: LearnerProgress, checkpoint: str) -> list[S]:
    """The remedial steps of `checkpoint` still to (re)do after its latest attempt failed;
    empty when it passed, or once each was done after that attempt."""
    tries = progress.attempts.get(checkpoint)
    if not tries or tries[-1].passed:
        return []
    failed_at = tries[-1].at
    return [
        s
        for s in steps
        if s.remedial_for == checkpoint
        and (progress.studied_at.get(s.key) or failed_at) <= failed_at
    ]


def next_step(
    graph: PathGraph,
    steps: Sequence[PathStep],
    progress: LearnerProgress,
    *,
    model: MasteryModel,
    mastery: Mapping[str, SkillState],
    now: datetime,
    due_reviews: Sequence[str] = (),
    minutes_per_week: int | None = None,
    due_at: datetime | None = None,
    skill_names: Mapping[str, str] | None = None,
) -> UpNext:
    """The one step to do next and why, on the path version's `graph` (`graph_for`);
    `due_at` is the earlier of the due date and the learner's target date; `skill_names` are
    the version's skill labels (`paths.skill_names`), so the reason names no skill key."""
    snapshot = _snapshot(graph, steps, progress, mastery, now)
    snapshot = replace(
        snapshot,
        due_reviews=tuple(k for k in due_reviews if k in graph.by_key),
        minutes_per_week=minutes_per_week,
        due_at=due_at,
    )
    choice = recommend(graph, snapshot, model)
    titles = {s.key: s.title for s in steps}
    params = {name: str(value) for name, value in choice.reason_params.items()}
    if "checkpoint" in params:
        params["checkpoint"] = titles.get(params["checkpoint"], params["checkpoint"])
    if "skills" in params:
        params["skills"] = _named(params["skills"], skill_names or {})
    return UpNext(choice.step_key, choice.reason_code, params)


def _snapshot(
    graph: PathGraph,
    steps: Sequence[PathStep],
    progress: LearnerProgress,
    mastery: Mapping[str, SkillState],
    now: datetime,
) -> Snapshot:
    done = (progress.completed | progress.passed) - to_restudy(steps, progress)
    return Snapshot(
        now,
        frozenset(done),
        frozenset(progress.tested_out),
        failed_checkpoints(progress),
        mastery,
    )


def try_first_checkpoints(
    graph: PathGraph,
    steps: Sequence[PathStep],
    progress: LearnerProgress,
    *,
    model: MasteryModel,
    mastery: Mapping[str, SkillState],
    now: datetime,
) -> set[str]:
    """Checkpoints the learner may take before their unit's reading and practice: the
    recommender's "try the check first" (`paths.learning.recommend.may_try_first`). They are
    open although those steps are not done; passing one tests its unit out (`checkpoints`)."""
    snapshot = _snapshot(graph, steps, progress, mastery, now)
    return {k for k in graph.unit if may_try_first(graph, snapshot, k, model)}


def _named(keys: str, names: Mapping[str, str]) -> str:
    """The engine's ", "-joined skill keys as the skills' readable names."""
    return ", ".join(names.get(k) or humanise(k) for k in keys.split(", ") if k)
