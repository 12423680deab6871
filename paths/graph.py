"""The prerequisite graph of a path: a DAG, its stable order, and what unlocks a step."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from typing import Protocol

from paths.errors import DomainError


class InvalidPath(DomainError):
    """The path's structure is wrong; the message names the steps involved."""

    code = "invalid_path"


class StepNode(Protocol):
    key: str
    prerequisites: list[str]
    remedial_for: str | None
    kind: str


def check_graph(steps: Sequence[StepNode]) -> None:
    """Refuse duplicate keys, unknown prerequisites or remedial targets, and cycles."""
    keys = [s.key for s in steps]
    seen: set[str] = set()
    for key in keys:
        if key in seen:
            raise InvalidPath(f"two steps share the key {key!r}")
        seen.add(key)
    kinds = {s.key: s.kind for s in steps}
    for step in steps:
        for required in step.prerequisites:
            if required not in seen:
                raise InvalidPath(f"step {step.key!r} requires unknown step {required!r}")
        if step.remedial_for and kinds.get(step.remedial_for) != "checkpoint":
            raise InvalidPath(
                f"step {step.key!r} is remedial for {step.remedial_for!r}, "
                "which is not a checkpoint of this path"
            )
    cycle = find_cycle(steps)
    if cycle:
        raise InvalidPath("the prerequisites form a cycle: " + " → ".join(cycle))


def find_cycle(steps: Sequence[StepNode]) -> list[str] | None:
    """A cycle as the list of keys walked (first key repeated at the end), or None."""
    requires = {s.key: list(s.prerequisites) for s in steps}
    colour: dict[str, int] = {}  # 1 = on the current walk, 2 = finished
    for start in requires:
        if colour.get(start):
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        walk: list[str] = [start]
        colour[start] = 1
        while stack:
            key, index = stack[-1]
            nexts = requires.get(key, [])
            if index == len(nexts):
                stack.pop()
                walk.pop()
                colour[key] = 2
                continue
            stack[-1] = (key, index + 1)
            following = nexts[index]
            if colour.get(following) == 1:
                return [*walk[walk.index(following) :], following]
            if not colour.get(following):
                colour[following] = 1
                stack.append((following, 0))
                walk.append(following)
    return None


def topological_order(steps: Sequence[StepNode]) -> list[str]:
    """Keys in prerequisite order; among steps ready at once, the author's order wins."""
    position = {s.key: i for i, s in enumerate(steps)}
    waiting = {s.key: len(set(s.prerequisites)) for s in steps}
    unlocks: dict[str, list[str]] = {s.key: [] for s in steps}
    for step in steps:
        for required in set(step.prerequisites):
            unlocks[required].append(step.key)
    ready = [(position[k], k) for k, n in waiting.items() if n == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        _, key = heapq.heappop(ready)
        order.append(key)
        for follower in unlocks[key]:
            waiting[follower] -= 1
            if waiting[follower] == 0:
                heapq.heappush(ready, (position[follower], follower))
    if len(order) != len(steps):
        raise InvalidPath("the prerequisites form a cycle")
    return order


def missing_prerequisites(step: StepNode, finished: Iterable[str]) -> list[str]:
    done = finished if isinstance(finished, set | frozenset) else set(finished)
    return [key for key in step.prerequisites if key not in done]
