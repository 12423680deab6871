"""Offline evaluation of next-answer predictions: AUC, RMSE and log loss, on a given split or
by learner-level cross-validation."""

from __future__ import annotations

import math
import random
import statistics
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from paths.errors import DomainError
from paths.learning.mastery import MasteryModel, Response, SkillState

if TYPE_CHECKING:
    import numpy as np
else:
    from paths.learning.lazy_numpy import np


@dataclass(frozen=True, slots=True)
class Scores:
    count: int
    auc: float
    rmse: float
    log_loss: float


def auc(labels: Sequence[bool], predictions: Sequence[float]) -> float:
    """Area under the ROC curve (Mann-Whitney, ties count half); NaN with one class only."""
    y = np.asarray(labels, dtype=bool)
    positives = int(y.sum())
    negatives = len(y) - positives
    if positives == 0 or negatives == 0:
        return math.nan
    p = np.asarray(predictions, dtype=float)
    order = np.argsort(p, kind="mergesort")
    sorted_p = p[order]
    # mean rank of each run of tied predictions (ranks from 1)
    starts = np.flatnonzero(np.concatenate(([True], sorted_p[1:] != sorted_p[:-1])))
    ends = np.concatenate((starts[1:], [len(p)]))
    mean_rank = np.repeat((starts + 1 + ends) / 2.0, ends - starts)
    rank_sum = float(mean_rank[y[order]].sum())
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


@dataclass(frozen=True, slots=True)
class CrossValidation:
    """Learner-level k-fold cross-validation: scores of the pooled held-out predictions, the
    mean and spread of the per-fold AUCs, and the mean fit time."""

    pooled: Scores
    fold_auc_mean: float
    fold_auc_sd: float
    fit_seconds: float


def learner_folds(responses: Sequence[Response], folds: int, seed: int = 0) -> list[set[str]]:
    """The learners split into `folds` groups at random (fixed seed): every answer of a
    learner is in the same fold, so a model is scored on learners it has not seen."""
    if folds < 2:
        raise DomainError("Cross-validation needs at least 2 folds.")
    users = sorted({r.user for r in responses})
    if len(users) < folds:
        raise DomainError(
            f"Cross-validation with {folds} folds needs at least {folds} learners; "
            f"the log has {len(users)}."
        )
    random.Random(seed).shuffle(users)
    return [set(users[i::folds]) for i in range(folds)]


def timed_fit(model: MasteryModel, responses: Sequence[Response]) -> tuple[MasteryModel, float]:
    """The fitted model and the seconds the fit took."""
    started = time.perf_counter()
    fitted = model.fit(responses)
    return fitted, time.perf_counter() - started


def cross_validate(
    make: Callable[[], MasteryModel], responses: Sequence[Response], folds: int = 5, seed: int = 0
) -> CrossValidation:
    """Fit a fresh model (`make()`) on all folds but one, predict the held-out learners'
    answers, for each fold in turn."""
    labels: list[bool] = []
    predictions: list[float] = []
    aucs, seconds = [], []
    for held_out in learner_folds(responses, folds, seed):
        train = [r for r in responses if r.user not in held_out]
        test = [r for r in responses if r.user in held_out]
        fitted, took = timed_fit(make(), train)
        fold_labels = [r.correct for r in test]
        fold_predictions = model_predictions(fitted, test)
        labels += fold_labels
        predictions += fold_predictions
        aucs.append(auc(fold_labels, fold_predictions))
        seconds.append(took)
    finite = [a for a in aucs if a == a]
    return CrossValidation(
        score(labels, predictions),
        statistics.fmean(finite) if finite else math.nan,
        statistics.stdev(finite) if len(finite) > 1 else math.nan,
        statistics.fmean(seconds),
    )
