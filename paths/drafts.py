"""Editing a path's draft: steps added, changed, moved and removed under stable keys,
copies of paths, and moving an assignment to another version of its path.

Progress events name steps by `key`, so a key always means the same step: an edited step
keeps its key, and a new step gets a key the path has never used, not even in an old
version.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from paths.authoring import PathDraft, StepDraft
from paths.catalog import PathVersion, Step
from paths.enrollment import Assignment
from paths.errors import Conflict, DomainError, NotFound
from paths.graph import InvalidPath, find_cycle

KEY_LENGTH = 40
TITLE_LENGTH = 200
COPY_SUFFIX = " (copy)"


def used_keys(session: Session, path_id: int) -> set[str]:
    """Every step key any published version of the path has had."""
    return set(
        session.scalars(select(Step.key).join(PathVersion).where(PathVersion.path_id == path_id))
    )


def new_key(title: str, taken: Iterable[str]) -> str:
    """A readable key from the title (`Judge a source` → `judge-a-source`), unused so far."""
    ascii_title = unicodedata.normalize("NFKD", title.replace("đ", "d").replace("Đ", "D"))
    ascii_title = ascii_title.encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[: KEY_LENGTH - 4]
    base = base.strip("-") or "step"
    taken_set = set(taken)
    key, number = base, 2
    while key in taken_set:
        key, number = f"{base}-{number}", number + 1
    return key


def find_step(draft: PathDraft, key: str) -> StepDraft:
    for step in draft.steps:
        if step.key == key:
            return step
    raise NotFound("That step is not in this path's draft.", code="draft_step_not_found")


def add_step(draft: PathDraft, step: StepDraft) -> PathDraft:
    if any(s.key == step.key for s in draft.steps):
        raise Conflict(f"two steps share the key {step.key!r}", code="invalid_path")
    return replace(draft, steps=(*draft.steps, step))


def replace_step(draft: PathDraft, step: StepDraft) -> PathDraft:
    """The draft with `step` in place of the step of the same key; links are checked."""
    find_step(draft, step.key)
    changed = replace(draft, steps=tuple(step if s.key == step.key else s for s in draft.steps))
    check_links(changed, step)
    return changed


def remove_step(draft: PathDraft, key: str) -> PathDraft:
    """Without the step, and without the links other steps had to it."""
    find_step(draft, key)
    return replace(
        draft,
        steps=tuple(
            replace(
                s,
                prerequisites=tuple(p for p in s.prerequisites if p != key),
                remedial_for=None if s.remedial_for == key else s.remedial_for,
            )
            for s in draft.steps
            if s.key != key
        ),
    )


def move_step(draft: PathDraft, key: str, offset: int) -> PathDraft:
    """The step `offset` places earlier (negative) or later in the author's order."""
    steps = list(draft.steps)
    index = steps.index(find_step(draft, key))
    target = max(0, min(len(steps) - 1, index + offset))
    steps.insert(target, steps.pop(index))
    return replace(draft, steps=tuple(steps))


def check_links(draft: PathDraft, step: StepDraft) -> None:
    """Refuse prerequisites or a remedial target the path does not have, and cycles."""
    kinds = {s.key: s.kind for s in draft.steps}
    for required in step.prerequisites:
        if required not in kinds:
            raise InvalidPath(f"unknown step {required!r}")
    if step.remedial_for == step.key:
        raise InvalidPath("a step cannot be remedial for itself")
    if step.remedial_for and kinds.get(step.remedial_for) != "checkpoint":
        raise InvalidPath(f"{step.remedial_for!r} is not a checkpoint of this path")
    cycle = find_cycle(draft.steps)  # type: ignore[arg-type]
    if cycle:
        named = " → ".join(cycle)
        raise InvalidPath(
            f"the prerequisites form a cycle: {named}",
            code="prerequisite_cycle",
            params={"cycle": named},
        )


def copy_title(title: str) -> str:
    return title[: TITLE_LENGTH - len(COPY_SUFFIX)] + COPY_SUFFIX


@dataclass(frozen=True)
class StepChange:
    key: str
    title: str


@dataclass(frozen=True)
class VersionChanges:
    """What learners would see change when an assignment moves between versions."""

    added: tuple[StepChange, ...]
    removed: tuple[StepChange, ...]
    changed: tuple[StepChange, ...]

    @property
    def any(self) -> bool:
        return bool(self.added or self.removed or self.changed)


def compare_versions(old: PathVersion, new: PathVersion) -> VersionChanges:
    before = {s.key: s for s in old.steps}
    after = {s.key: s for s in new.steps}
    return VersionChanges(
        added=tuple(StepChange(k, s.title) for k, s in after.items() if k not in before),
        removed=tuple(StepChange(k, s.title) for k, s in before.items() if k not in after),
        changed=tuple(
            StepChange(k, s.title)
            for k, s in after.items()
            if k in before and _content(before[k]) != _content(s)
        ),
    )


def _content(step: Step) -> tuple[object, ...]:
    questions = tuple(
        (q.kind, q.prompt, q.skill, tuple(q.choices), repr(q.answer), q.explanation)
        for q in step.questions
    )
    return (
        step.kind,
        step.title,
        step.instructions,
        step.resource_url,
        step.resource_licence,
        step.resource_source,
        step.resource_framable,
        step.minutes,
        tuple(step.skills),
        step.optional,
        tuple(step.prerequisites),
        step.remedial_for,
        step.mastery_threshold,
        questions,
    )


def move_assignment(
    session: Session, assignment: Assignment, version: PathVersion, *, moved_by: int | None
) -> VersionChanges:
    """Point the assignment at another version of the same path. Learners' events name
    steps by key, so their progress on every step the versions share carries over."""
    current = assignment.version
    if version.path_id != current.path_id:
        raise DomainError("That version belongs to another path.", code="other_path_version")
    if version.id == current.id:
        raise Conflict("This activity already uses that version.", code="same_version")
    changes = compare_versions(current, version)
    assignment.path_version_id = version.id
    assignment.assigned_by = moved_by
    session.flush()
    session.expire(assignment, ["version"])
    return changes
