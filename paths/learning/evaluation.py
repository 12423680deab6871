"""Offline evaluation of next-answer predictions: AUC, RMSE and log loss."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from paths.learning.mastery import MasteryModel, Response, SkillState


@dataclass(frozen=True, slots=True)
class Scores:
    count: int
    auc: float
    rmse: float
    log_loss: float


def auc(labels: Sequence[bool], predictions: Sequence[float]) -> float:
    """Area under the ROC curve (Mann-Whitney, ties count half); NaN with one class only."""
    pairs = sorted(zip(predictions, labels, strict=True))
    positives = sum(1 for label in labels if label)
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        return math.nan
    rank_sum = 0.0
    i = 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        mean_rank = (i + 1 + j) / 2.0
        rank_sum += mean_rank * sum(1 for k in range(i, j) if pairs[k][1])
        i = j
    return (rank_sum - positives * (positives + 1) / 2.0) / (positives * negatives)


def score(labels: Sequence[bool], predictions: Sequence[float]) -> Scores:
    n = len(labels)
    if n == 0:
        return Scores(0, math.nan, math.nan, math.nan)
    squared = loss = 0.0
    for label, p in zip(labels, predictions, strict=True):
        p = min(1.0 - 1e-6, max(1e-6, p))
        squared += ((1.0 if label else 0.0) - p) ** 2
        loss -= math.log(p if label else 1.0 - p)
    return Scores(n, auc(labels, predictions), math.sqrt(squared / n), loss / n)


def model_predictions(model: MasteryModel, responses: Iterable[Response]) -> list[float]:
    """For each response, the model's prediction made before seeing it (states per learner)."""
    states: dict[tuple[str, str], SkillState] = {}
    predictions = []
    for r in responses:
        key = (r.user, r.skill)
        state = states.get(key) or model.initial(r.skill)
        predictions.append(model.predict(state, r.at))
        states[key] = model.update(state, r.correct, r.at)
    return predictions


def skill_mean_predictions(train: Iterable[Response], test: Iterable[Response]) -> list[float]:
    """Baseline: each skill's share of correct answers in the training log."""
    right: dict[str, int] = {}
    total: dict[str, int] = {}
    for r in train:
        total[r.skill] = total.get(r.skill, 0) + 1
        right[r.skill] = right.get(r.skill, 0) + r.correct
    overall = sum(right.values()) / max(1, sum(total.values()))
    return [right[r.skill] / total[r.skill] if r.skill in total else overall for r in test]


def gap_closed(model_auc: float, baseline_auc: float, oracle_auc: float) -> float:
    """Share of the AUC gap between the baseline and the oracle that a model closes."""
    gap = oracle_auc - baseline_auc
    return (model_auc - baseline_auc) / gap if gap > 0 else math.nan
