"""Answer sequences laid out for vectorised fitting: every learner's sequence on every skill,
sorted longest first, so the sequences still running at step t are a prefix of them, and
stored time-major: block t (`offsets[t]:offsets[t + 1]`) holds their t-th answers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import numpy as np
else:
    from paths.learning.lazy_numpy import np


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Layout:
    seq_skill: np.ndarray  # skill index per sequence, longest sequence first
    offsets: np.ndarray  # start of each step's block, and the end
    skill: np.ndarray  # skill index per answer, time-major
    order: np.ndarray  # per time-major answer, its index in the sequences laid end to end
    lengths: np.ndarray  # per sequence
    skills: int

    @property
    def steps(self) -> int:
        return len(self.offsets) - 1

    def block(self, t: int) -> tuple[int, int]:
        return int(self.offsets[t]), int(self.offsets[t + 1])


def time_major(per_skill: Sequence[Sequence[Sequence[T]]]) -> tuple[Layout, list[T]]:
    """The layout of `per_skill` (skill -> sequences -> items) and its items laid end to end,
    sequence by sequence in the layout's order (`items[layout.order]` is time-major)."""
    seqs = [(i, seq) for i, group in enumerate(per_skill) for seq in group if seq]
    seqs.sort(key=lambda item: -len(item[1]))
    items = [item for _, seq in seqs for item in seq]
    lengths = np.array([len(seq) for _, seq in seqs], dtype=np.intp)
    seq_skill = np.array([i for i, _ in seqs], dtype=np.intp)
    if not seqs:
        empty = np.zeros(0, dtype=np.intp)
        start = np.zeros(1, dtype=np.intp)
        return Layout(empty, start, empty, empty, empty, len(per_skill)), items
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    running = np.searchsorted(-lengths, -np.arange(int(lengths[0])), side="left")
    order = np.concatenate([starts[:k] + t for t, k in enumerate(running)])
    offsets = np.concatenate(([0], np.cumsum(running)))
    skill = np.concatenate([seq_skill[:k] for k in running])
    return Layout(seq_skill, offsets, skill, order, lengths, len(per_skill)), items
