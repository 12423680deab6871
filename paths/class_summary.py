"""What the class dashboard's charts say, computed from the class view in memory (no query):
how many learners are in each status, how far along the class is, and which checkpoint
questions the class gets wrong."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from paths.dashboard import (
    BEHIND,
    CELL_DONE,
    CELL_FAILED,
    CELL_TESTED_OUT,
    CELL_TODO,
    DONE,
    NOT_STARTED,
    ON_TRACK,
    STUCK,
    ClassView,
)

# The order the dashboard shows statuses in: who needs help first.
STATUS_ORDER = (STUCK, BEHIND, NOT_STARTED, ON_TRACK, DONE)
# A heat map cell's status, by the symbol the class view (and the CSV) gives it.
CELL_STATUS = {
    CELL_DONE: "done",
    CELL_TESTED_OUT: "tested_out",
    CELL_FAILED: "failed",
    CELL_TODO: "todo",
}
BIN_WIDTH = 10  # percentage points per bar of the progress distribution


@dataclass(frozen=True)
class ProgressBin:
    low: int
    high: int  # inclusive
    learners: int


@dataclass(frozen=True)
class QuestionRate:
    """How many learners got one checkpoint question right in their latest attempt."""

    step_number: int
    step_key: str
    step_title: str
    question: int  # 1-based, as the learner saw it
    prompt: str
    right: int
    answered: int

    @property
    def percent(self) -> int:
        return round(100 * self.right / self.answered) if self.answered else 0


@dataclass(frozen=True)
class CellRun:
    """Neighbouring steps with the same status in one learner's row of the heat map."""

    status: str
    first: int  # index of the first step
    length: int


def status_counts(view: ClassView) -> list[tuple[str, int]]:
    return [(status, view.count(status)) for status in STATUS_ORDER]


def progress_distribution(view: ClassView) -> list[ProgressBin]:
    """Learners per band of percent done: 0–9, 10–19, …, 90–100 (done counts in the last)."""
    bins = [0] * (100 // BIN_WIDTH)
    for row in view.rows:
        bins[min(row.percent // BIN_WIDTH, len(bins) - 1)] += 1
    return [
        ProgressBin(i * BIN_WIDTH, 100 if i == len(bins) - 1 else (i + 1) * BIN_WIDTH - 1, n)
        for i, n in enumerate(bins)
    ]


def question_pass_rates(view: ClassView) -> list[QuestionRate]:
    """Per checkpoint question, in the path's order, the share of learners who attempted
    the checkpoint and got it right in their latest attempt (the attempt their skill
    results come from too)."""
    right: dict[tuple[str, int], int] = {}
    answered: dict[tuple[str, int], int] = {}
    # A class's latest attempts repeat a few patterns of answers: each is tallied once.
    patterns = Counter(
        (key, checkpoint.correct)
        for row in view.rows
        for key, checkpoint in row.progress.checkpoints.items()
    )
    for (key, answers), learners in patterns.items():
        for index, correct in enumerate(answers):
            answered[key, index] = answered.get((key, index), 0) + learners
            right[key, index] = right.get((key, index), 0) + learners * int(bool(correct))
    return [
        QuestionRate(
            step.number,
            step.key,
            step.title,
            index + 1,
            prompt,
            right.get((step.key, index), 0),
            answered.get((step.key, index), 0),
        )
        for step in view.steps
        for index, prompt in enumerate(view.questions.get(step.key, ()))
    ]


def cell_runs(cells: Sequence[str]) -> list[CellRun]:
    """The row's cells grouped into runs of one status, so a long row of finished (or
    untouched) steps is one cell spanning their columns, not hundreds. One object per run,
    not per cell: a 200-step row is mostly a few long runs."""
    runs: list[CellRun] = []
    first = 0
    for status, run in groupby(cells, CELL_STATUS.__getitem__):
        length = sum(1 for _ in run)
        runs.append(CellRun(status, first, length))
        first += length
    return runs
