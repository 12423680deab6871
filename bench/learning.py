"""Benchmark of the personalization engine: prediction, path efficiency and speed.

Run with `make bench-learning`; results go to bench/results/learning.json. Learners come from
the simulator in paths/learning/simulation.py (its docstring documents the generative model):
six skills in a chain with branches, prior knowledge varying across learners, guess, slip,
learning per step and forgetting over time. Figures, not pass/fail tests."""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import numpy as np

from paths.learning import (
    GraphStep,
    PathGraph,
    Placement,
    Snapshot,
    make_model,
    recommend,
    steps_to_test_out,
)
from paths.learning.evaluation import (
    cross_validate,
    gap_closed,
    model_predictions,
    score,
    skill_mean_predictions,
)
from paths.learning.families import DEFAULT_MODEL, MODEL_NAMES
from paths.learning.mastery import MasteryModel, Response, SkillState
from paths.learning.placement import QUESTIONS_PER_SKILL
from paths.learning.recommend import unit_steps_to_test_out
from paths.learning.responses import read_responses
from paths.learning.simulation import (
    SimLearner,
    SimSkill,
    default_skills,
    ideal_predictions,
    simulate_log,
)

RESULTS = Path(__file__).parent / "results" / "learning.json"
CHECK_QUESTIONS, CHECK_PASS = 4, 3


PRIOR = (0.0, 0.6)  # the learners' prior-knowledge range in the prediction logs


def prediction(skills: list[SimSkill]) -> dict[str, object]:
    """Held-out prediction beside two references that read the simulator: the ideal model
    (the exact Bayes filter with the true parameters: the most any model of the answers can
    reach) and the oracle (the hidden state itself)."""
    train = simulate_log(skills, 400, seed=1, prior=PRIOR)
    test = simulate_log(skills, 200, seed=2, prior=PRIOR, user_prefix="t")
    train_r = [Response(a.user, a.skill, a.correct, a.at) for a in train]
    test_r = [Response(a.user, a.skill, a.correct, a.at) for a in test]
    labels = [a.correct for a in test]
    rows = {"skill_mean": score(labels, skill_mean_predictions(train_r, test_r))}
    for name in MODEL_NAMES:
        rows[name] = score(labels, model_predictions(make_model(name).fit(train_r), test_r))
    rows["ideal"] = score(labels, ideal_predictions(skills, test, prior=PRIOR))
    rows["oracle"] = score(labels, [a.p_true for a in test])
    base, ideal, oracle = rows["skill_mean"].auc, rows["ideal"].auc, rows["oracle"].auc
    table = {
        name: {
            "auc": s.auc,
            "rmse": s.rmse,
            "log_loss": s.log_loss,
            "auc_gap_closed": gap_closed(s.auc, base, oracle),
            "reachable_gap_closed": gap_closed(s.auc, base, ideal),
        }
        for name, s in rows.items()
    }
    return {
        "train_answers": len(train),
        "test_answers": len(test),
        "models": table,
        "cross_validation": held_out_learners(train_r),
    }


def held_out_learners(train: list[Response], folds: int = 5) -> dict[str, dict[str, float]]:
    """Learner-level cross-validation of every family on the training log."""
    out = {}
    for name in MODEL_NAMES:
        cv = cross_validate(partial(make_model, name), train, folds)
        out[name] = {"auc": cv.pooled.auc, "auc_sd": cv.fold_auc_sd, "log_loss": cv.pooled.log_loss}
    return out


# -- path efficiency ----------------------------------------------------------------------


def path_for(skills: list[SimSkill]) -> PathGraph:
    """Per skill: read (10 min), practice (15 min, 3 questions), checkpoint (5 min, 4
    questions, pass at 3), and an optional remedial step (10 min) for a failed checkpoint."""
    steps = []
    for s in skills:
        after = tuple(f"{p}-check" for p in s.prerequisites)
        steps += [
            GraphStep(f"{s.key}-read", "read", (s.key,), 10, prerequisites=after),
            GraphStep(
                f"{s.key}-practice", "practice", (s.key,), 15, prerequisites=(f"{s.key}-read",)
            ),
            GraphStep(
                f"{s.key}-check", "checkpoint", (s.key,), 5, prerequisites=(f"{s.key}-practice",)
            ),
            GraphStep(
                f"{s.key}-fix",
                "practice",
                (s.key,),
                10,
                optional=True,
                prerequisites=(f"{s.key}-read",),
                remedial_for=f"{s.key}-check",
            ),
        ]
    return PathGraph(steps)


class Journey:
    """One simulated learner on the path, tracked by the engine's model."""

    def __init__(self, graph: PathGraph, learner: SimLearner, model: MasteryModel) -> None:
        self.graph, self.learner, self.model = graph, learner, model
        self.states: dict[str, SkillState] = {k: model.initial(k) for k in graph.skills}
        self.done: set[str] = set()
        self.tested_out: set[str] = set()
        self.failed: list[str] = []
        self.steps = 0
        self.minutes = 0.0

    def snapshot(self) -> Snapshot:
        return Snapshot(
            self.learner.now,
            frozenset(self.done),
            frozenset(self.tested_out),
            tuple(self.failed),
            self.states,
        )

    def answer(self, skill: str, practice: bool) -> bool:
        result = self.learner.answer(skill, practice=practice)
        self.states[skill] = self.model.update(
            self.states[skill], result.correct, self.learner.now, practice=practice
        )
        self.learner.wait(timedelta(minutes=1))
        return result.correct

    def place(self) -> None:
        budget = QUESTIONS_PER_SKILL * len(self.graph.required_skills)
        placement = Placement(
            self.model,
            self.graph.weights,
            self.states,
            budget=budget,
            prerequisites=self.graph.skill_prerequisites,
        )
        while (skill := placement.next_skill()) is not None:
            placement.record(
                skill, self.learner.answer(skill, practice=False).correct, self.learner.now
            )
            self.minutes += 1.0
            self.learner.wait(timedelta(minutes=1))
        result = placement.result()
        self.states.update(result.states)
        self.tested_out.update(steps_to_test_out(self.graph, self.snapshot(), result.mastered))

    def take(self, key: str) -> None:
        step = self.graph.by_key[key]
        skill = step.skills[0]
        self.steps += 1
        self.minutes += step.minutes
        if step.kind == "read" or step.remedial_for:
            self.learner.study(skill, 1.5 if step.remedial_for else 1.0)
            self.states[skill] = self.model.study(self.states[skill])
        elif step.kind == "practice":
            for _ in range(3):
                self.answer(skill, practice=True)
        if step.kind == "checkpoint":
            right = sum(self.answer(skill, practice=False) for _ in range(CHECK_QUESTIONS))
            if right < CHECK_PASS:
                self.failed = [key]
                self.done -= set(self.graph.remedial.get(key, ()))  # remediate again
            else:
                self.failed = [k for k in self.failed if k != key]
                self.done.add(key)
                self.tested_out.update(
                    unit_steps_to_test_out(self.graph, self.snapshot(), key, self.model)
                )
        else:
            self.done.add(key)
        self.learner.wait(timedelta(minutes=step.minutes))
        if self.steps % 4 == 0:
            self.learner.wait(timedelta(days=1))

    def required_left(self) -> bool:
        finished = self.done | self.tested_out
        return any(
            s.key not in finished
            for s in self.graph.order
            if not s.optional and s.remedial_for is None
        )


def fixed_order_next(journey: Journey) -> str:
    """The path in topological order; after a failed checkpoint, its remedial step."""
    finished = journey.done | journey.tested_out
    for checkpoint in journey.failed:
        for key in journey.graph.remedial.get(checkpoint, ()):
            if key not in finished:
                return key
    return next(
        s.key
        for s in journey.graph.order
        if s.key not in finished
        and not s.optional
        and s.remedial_for is None
        and all(p in finished for p in s.prerequisites)
    )


def recommended_next(journey: Journey) -> str:
    key = recommend(journey.graph, journey.snapshot(), journey.model).step_key
    assert key is not None
    return key


def run_policy(
    skills: list[SimSkill],
    prior: tuple[float, float],
    learners: int,
    choose: Callable[[Journey], str],
    place: bool,
    seed: int,
    model: MasteryModel,
) -> dict[str, float]:
    graph = path_for(skills)
    steps, minutes, known = [], [], []
    for i in range(learners):
        rng = random.Random(seed * 10_000 + i)
        learner = SimLearner(f"l{i}", skills, rng.uniform(*prior), rng)
        journey = Journey(graph, learner, model)
        if place:
            journey.place()
        while journey.required_left() and journey.steps < 200:
            journey.take(choose(journey))
        steps.append(journey.steps)
        minutes.append(journey.minutes)
        known.append(sum(learner.known.values()) / len(skills))
    return {
        "steps": statistics.mean(steps),
        "minutes": statistics.mean(minutes),
        "true_mastery_at_end": statistics.mean(known),
    }


SEEDS = (3, 4, 5, 6, 7)  # the path-efficiency runs; figures are mean ± 95 % CI over them
LEARNERS = 150  # per group, policy and seed
T_975 = {2: 12.71, 3: 4.30, 4: 3.18, 5: 2.78, 6: 2.57, 7: 2.45, 8: 2.36, 9: 2.31, 10: 2.26}
GROUPS = {
    "novices": (0.0, 0.1),
    "some prior knowledge": (0.3, 0.6),
    "much prior knowledge": (0.6, 0.9),
}


def interval(values: list[float]) -> tuple[float, float]:
    """Mean and half-width of its 95 % confidence interval (Student's t over the seeds)."""
    mean = statistics.mean(values)
    if len(values) < 2:
        return mean, 0.0
    return mean, T_975[min(len(values), 10)] * statistics.stdev(values) / len(values) ** 0.5


def efficiency(skills: list[SimSkill], seeds: tuple[int, ...] = SEEDS) -> dict[str, object]:
    """The engine uses the default model fitted on a separate simulated log, as the tool
    would after `flask skills fit`. Each seed draws new learners; the savings are computed
    per seed (same learners' draws for every policy) and summarised over the seeds."""
    log = simulate_log(skills, 400, seed=4, user_prefix="f")
    model = make_model(DEFAULT_MODEL).fit(Response(a.user, a.skill, a.correct, a.at) for a in log)
    policies = {
        "fixed order": (fixed_order_next, False),
        "fixed order + placement": (fixed_order_next, True),
        "recommender (with placement)": (recommended_next, True),
    }
    result: dict[str, object] = {}
    for group, prior in GROUPS.items():
        runs: dict[str, list[dict[str, float]]] = {name: [] for name in policies}
        for seed in seeds:
            for name, (choose, place) in policies.items():
                runs[name].append(run_policy(skills, prior, LEARNERS, choose, place, seed, model))
        rows: dict[str, object] = {}
        for name, per_seed in runs.items():
            rows[name] = {
                key: interval([r[key] for r in per_seed])
                for key in ("steps", "minutes", "true_mastery_at_end")
            }
        fixed, rec = runs["fixed order"], runs["recommender (with placement)"]
        rows["fewer_steps"] = interval(
            [1.0 - r["steps"] / f["steps"] for r, f in zip(rec, fixed, strict=True)]
        )
        rows["fewer_minutes"] = interval(
            [1.0 - r["minutes"] / f["minutes"] for r, f in zip(rec, fixed, strict=True)]
        )
        rows["mastery_difference"] = interval(
            [
                r["true_mastery_at_end"] - f["true_mastery_at_end"]
                for r, f in zip(rec, fixed, strict=True)
            ]
        )
        result[group] = rows
    return result


# -- fit at scale -------------------------------------------------------------------------

FIT_ANSWERS, FIT_SKILLS, FIT_TARGET_S = 1_000_000, 100, 20.0


def big_log(answers: int = FIT_ANSWERS, skills: int = FIT_SKILLS, seed: int = 7) -> list[str]:
    """A CSV log (lines) of `answers` answers over `skills` skills, generated from BKT with
    per-skill parameters drawn at random: learners answer 2-18 questions in a row on each of
    ten skills, three minutes apart."""
    rng = np.random.default_rng(seed)
    init, learn = rng.uniform(0.1, 0.5, skills), rng.uniform(0.05, 0.3, skills)
    guess, slip = rng.uniform(0.1, 0.3, skills), rng.uniform(0.05, 0.15, skills)
    lengths = rng.integers(2, 19, answers // 5)
    lengths = lengths[: int(np.searchsorted(np.cumsum(lengths), answers)) + 1]
    skill = rng.integers(0, skills, len(lengths))
    known = rng.random(len(lengths)) < init[skill]
    lines = ["user_id,skill_id,correct,timestamp"]
    start = datetime(2026, 1, 5, tzinfo=UTC).timestamp()
    columns = []
    for t in range(int(lengths.max())):
        running = lengths > t
        right = np.where(
            known, rng.random(len(known)) > slip[skill], rng.random(len(known)) < guess[skill]
        )
        columns.append(np.where(running, right.astype(int), -1))
        known |= rng.random(len(known)) < learn[skill]
    table = np.stack(columns, axis=1)
    for seq, row in enumerate(table):
        user, key = f"u{seq // 10}", f"k{skill[seq]}"
        base = start + 86400 * (seq // 10) + 3600 * (seq % 10)
        for t, answer in enumerate(row[: lengths[seq]]):
            at = datetime.fromtimestamp(base + 180 * t, tz=UTC).isoformat()
            lines.append(f"{user},{key},{answer},{at}")
            if len(lines) > answers:
                return lines
    return lines


def fit_speed() -> dict[str, float]:
    """Seconds to read and fit a log of a million answers over 100 skills (what `flask skills
    fit --from-csv` does), wall clock and process CPU, for each family."""
    lines = big_log()
    started, cpu = time.perf_counter(), time.process_time()
    log = read_responses(lines, name="the generated log")
    out = {
        "answers": float(len(log.responses)),
        "read_s": time.perf_counter() - started,
        "read_cpu_s": time.process_time() - cpu,
    }
    for name in MODEL_NAMES:
        started, cpu = time.perf_counter(), time.process_time()
        make_model(name).fit(log.responses)
        out[f"fit_{name}_s"] = time.perf_counter() - started
        out[f"fit_{name}_cpu_s"] = time.process_time() - cpu
    return out


# -- speed --------------------------------------------------------------------------------


def median_us(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


def big_graph(n: int = 1000, skills: int = 50, seed: int = 3) -> PathGraph:
    rng = random.Random(seed)
    steps = []
    for i in range(n):
        kind = "checkpoint" if i % 5 == 4 else rng.choice(["read", "practice", "watch"])
        prereqs = tuple(sorted({f"x{i - 1}", f"x{rng.randrange(i)}"})) if i else ()
        named = (f"k{i * skills // n}", f"k{rng.randrange(skills)}")
        steps.append(
            GraphStep(
                f"x{i}",
                kind,
                named,
                rng.choice([5, 10, 20]),
                optional=i % 17 == 0,
                prerequisites=prereqs,
            )
        )
    return PathGraph(steps)


def speed() -> dict[str, float]:
    out: dict[str, float] = {}
    for name in MODEL_NAMES:
        model = make_model(name)
        state = model.initial("k")
        out[f"update_{name}_us"] = median_us(lambda m=model, s=state: m.update(s, True), 20_000)
    graph = big_graph()
    model = make_model(DEFAULT_MODEL)
    now = simulate_log(default_skills(1), 1)[0].at
    snapshot = Snapshot(
        now,
        frozenset(s.key for s in graph.order[:400]),
        mastery={k: model.initial(k) for k in graph.skills},
        minutes_per_week=120,
        due_at=now + timedelta(days=30),
    )
    out["recommend_1000_steps_50_skills_us"] = median_us(
        lambda: recommend(graph, snapshot, model), 2_000
    )
    out["build_graph_1000_steps_us"] = median_us(big_graph, 20)
    return out


def measure() -> dict[str, object]:
    """Every figure of this benchmark, also written to bench/results/learning.json."""
    skills = default_skills(6)
    started = time.perf_counter()
    results = {
        "prediction": prediction(skills),
        "efficiency": efficiency(skills),
        "speed": speed(),
        "fit_speed": fit_speed(),
        "python": sys.version.split()[0],
    }
    results["seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return results


def main() -> int:
    print_tables(measure())
    return 0


def _pm(value: tuple[float, float], spec: str) -> str:
    mean, half = value
    return f"{format(mean, spec)} ± {format(half, spec.lstrip('+'))}"


def print_tables(results: dict[str, object]) -> None:
    pred = results["prediction"]
    assert isinstance(pred, dict)
    print(
        f"Prediction of held-out answers ({pred['test_answers']} answers, "
        f"fitted on {pred['train_answers']})"
    )
    print(
        f"{'model':<12}{'AUC':>8}{'RMSE':>8}{'log loss':>10}{'AUC gap closed':>16}"
        f"{'of the reachable':>18}"
    )
    for name, row in pred["models"].items():
        marker = " (default)" if name == DEFAULT_MODEL else ""
        print(
            f"{name:<12}{row['auc']:>8.4f}{row['rmse']:>8.4f}{row['log_loss']:>10.4f}"
            f"{row['auc_gap_closed']:>16.1%}{row['reachable_gap_closed']:>18.1%}{marker}"
        )
    print_held_out(pred["cross_validation"])
    print(
        f"\nPath efficiency to every required checkpoint ({LEARNERS} learners per group and "
        f"seed, mean ± 95 % CI over {len(SEEDS)} seeds)"
    )
    print(f"{'learners':<22}{'policy':<30}{'steps':>14}{'minutes':>16}{'true mastery':>18}")
    eff = results["efficiency"]
    assert isinstance(eff, dict)
    for group, rows in eff.items():
        for policy, row in rows.items():
            if not isinstance(row, dict):
                continue
            print(
                f"{group:<22}{policy:<30}{_pm(row['steps'], '.1f'):>14}"
                f"{_pm(row['minutes'], '.0f'):>16}{_pm(row['true_mastery_at_end'], '.1%'):>18}"
            )
        print(
            f"{'':<22}{'recommender vs fixed order':<30}"
            f"{_pm(rows['fewer_steps'], '.1%') + ' fewer steps':>26}, "
            f"{_pm(rows['fewer_minutes'], '.1%')} fewer minutes, "
            f"true mastery {_pm(rows['mastery_difference'], '+.1%')}"
        )
    print("\nSpeed (median of many runs)")
    for name, value in results["speed"].items():  # type: ignore[union-attr]
        print(f"{name:<40}{value:>10.1f} µs")
    print_fit_speed(results["fit_speed"])  # type: ignore[arg-type]
    print(f"\nWritten to {RESULTS}")


def print_held_out(rows: dict[str, dict[str, float]]) -> None:
    print("\nLearner-level 5-fold cross-validation on the training log (held-out learners)")
    print(f"{'model':<12}{'AUC':>8}{'± sd':>8}{'log loss':>10}")
    for name, row in rows.items():
        marker = " (default)" if name == DEFAULT_MODEL else ""
        print(f"{name:<12}{row['auc']:>8.4f}{row['auc_sd']:>8.4f}{row['log_loss']:>10.4f}{marker}")


def print_fit_speed(row: dict[str, float]) -> None:
    print(
        f"\nFit of {row['answers']:,.0f} answers over {FIT_SKILLS} skills (generated log, "
        f"seed 7; target: read and fit under {FIT_TARGET_S:.0f} s)"
    )
    print(f"{'step':<22}{'wall s':>8}{'CPU s':>8}")
    print(f"{'read the CSV':<22}{row['read_s']:>8.1f}{row['read_cpu_s']:>8.1f}")
    for name in MODEL_NAMES:
        print(f"{'fit ' + name:<22}{row[f'fit_{name}_s']:>8.1f}{row[f'fit_{name}_cpu_s']:>8.1f}")
    total = row["read_s"] + row[f"fit_{DEFAULT_MODEL}_s"]
    met = "met" if total < FIT_TARGET_S else "MISSED"
    print(f"read + fit {DEFAULT_MODEL}: {total:.1f} s wall (target {FIT_TARGET_S:.0f} s: {met})")


if __name__ == "__main__":
    raise SystemExit(main())
