"""What to study next, and why, in one sentence.

`next_step` is the one interface the pages use; its policy can change behind it. This
policy: a remedial step after a failed checkpoint first, then due reviews, then the
first unlocked, unfinished required step in the path's stable prerequisite order.
Reasons are codes with parameters; the web edge words them in the learner's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from paths.graph import StepNode, missing_prerequisites, topological_order
from paths.progress import LearnerProgress

REMEDIAL = "remedial_after_failed_checkpoint"
REVIEW = "review_due"
CHECKPOINT_READY = "checkpoint_ready"
NEXT_IN_ORDER = "next_in_order"
OPTIONAL_LEFT = "only_optional_left"
COMPLETE = "path_complete"


class PathStep(StepNode, Protocol):
    optional: bool
    title: str


@dataclass(frozen=True)
class Recommendation:
    step_key: str | None
    reason: str
    params: dict[str, str] = field(default_factory=dict)


def is_required(step: PathStep) -> bool:
    return not step.optional and not step.remedial_for


def next_step(steps: Sequence[PathStep], progress: LearnerProgress,
              due_reviews: Sequence[str] = ()) -> Recommendation:
    by_key = {s.key: s for s in steps}
    finished = progress.finished
    remedial = _remedial(steps, progress)
    if remedial is not None:
        checkpoint = by_key[remedial.remedial_for or ""]
        return Recommendation(remedial.key, REMEDIAL, {"checkpoint": checkpoint.title})
    for key in due_reviews:
        if key in by_key:
            return Recommendation(key, REVIEW, {"step": by_key[key].title})
    order = topological_order(steps)
    unlocked = [by_key[k] for k in order if k not in finished and not by_key[k].remedial_for
                and not missing_prerequisites(by_key[k], finished)]
    required = [s for s in unlocked if is_required(s)]
    if required:
        step = required[0]
        if step.kind == "checkpoint":
            return Recommendation(step.key, CHECKPOINT_READY, {})
        unlocks = sum(1 for s in steps if step.key in s.prerequisites)
        return Recommendation(step.key, NEXT_IN_ORDER, {"unlocks": str(unlocks)})
    if not unlocked:
        return Recommendation(None, COMPLETE, {})
    if any(is_required(s) and s.key not in finished for s in steps):
        # A required step waits on an optional one: that one comes first.
        return Recommendation(unlocked[0].key, NEXT_IN_ORDER, {"unlocks": "1"})
    return Recommendation(unlocked[0].key, OPTIONAL_LEFT, {})


def _remedial(steps: Sequence[PathStep], progress: LearnerProgress) -> PathStep | None:
    failed = progress.failed_last
    finished = progress.finished
    for step in steps:
        if step.remedial_for in failed and step.key not in finished:
            return step
    return None
