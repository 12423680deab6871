"""The benchmark's table and its comparison with the SPEC §5 targets, from the JSON figures.

python -m bench.report [bench/results/latest.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

TARGET_CLIENTS = 16  # ratios are judged where the server is busy but not swamped
WORKER_RSS_LIMIT_MB = 100.0


def _hello(document: dict[str, Any], backend: str, clients: int) -> dict[str, Any] | None:
    for figure in document["figures"]:
        if (figure["scenario"], figure["backend"], figure["clients"]) == (
            "hello",
            backend,
            clients,
        ):
            return figure
    return None


def ratios(document: dict[str, Any], figure: dict[str, Any]) -> tuple[float, float]:
    """(server CPU per operation, throughput) of `figure` as multiples of hello's: the hello
    measured beside it when there is one, else the backend's at the same concurrency."""
    base = hello_of(document, figure)
    if base is None or not base[0] or not figure["per_second"]:
        return float("nan"), float("nan")
    return figure["cpu_ms"] / base[0], base[1] / figure["per_second"]


def hello_of(document: dict[str, Any], figure: dict[str, Any]) -> tuple[float, float] | None:
    """(server CPU per operation, operations per second) of the hello `figure` is set beside."""
    if figure.get("hello_cpu_ms"):
        return figure["hello_cpu_ms"], figure["hello_per_second"]
    base = _hello(document, figure["backend"], figure["clients"])
    return (base["cpu_ms"], base["per_second"]) if base is not None else None


def figures_table(document: dict[str, Any]) -> list[str]:
    lines = [
        "| backend | scenario | clients | ops/s | p50 ms | p99 ms | server CPU ms/op "
        "| hello beside, CPU ms/op | x hello (CPU/op) | x hello (ops/s) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for figure in document["figures"]:
        cpu_ratio, rate_ratio = ratios(document, figure)
        beside = f"{figure['hello_cpu_ms']:.2f}" if figure.get("hello_cpu_ms") else ""
        errors = f" ({figure['errors']} errors)" if figure["errors"] else ""
        sql = round_trips(figure)
        db = f" (db {figure['db_cpu_ms']:.2f})" if figure["db_cpu_ms"] else ""
        lines.append(
            f"| {figure['backend']} | {figure['scenario']}{sql}{errors} | {figure['clients']} "
            f"| {figure['per_second']:,.0f} | {figure['p50_ms']:.2f} | {figure['p99_ms']:.2f} "
            f"| {figure['cpu_ms']:.2f}{db} | {beside} | {cpu_ratio:.2f}x | {rate_ratio:.2f}x |"
        )
    for scenario in document["scenarios"]:
        if not scenario["measured"]:
            lines.append(f"| all | {scenario['name']} | | not yet measured | | | | | | |")
    return lines


def target_rows(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Each SPEC §5 target with the measured value and whether it is met, per backend."""
    backends = document["settings"]["backends"]
    rows = []
    for scenario in document["scenarios"]:
        row: dict[str, Any] = {"target": f"{scenario['name']} {scenario['target']}", "results": {}}
        for backend in backends:
            row["results"][backend] = _result(document, scenario, backend)
        rows.append(row)
    memory = {
        "target": f"a gunicorn worker under {WORKER_RSS_LIMIT_MB:.0f} MB resident",
        "results": {},
    }
    for backend in backends:
        value = document["worker_rss_mb"].get(backend)
        memory["results"][backend] = (
            (f"{value:.0f} MB", value < WORKER_RSS_LIMIT_MB)
            if value is not None
            else ("not measured", None)
        )
    rows.append(memory)
    return rows


def _figure(
    document: dict[str, Any], name: str, backend: str, clients: int
) -> dict[str, Any] | None:
    return next(
        (
            f
            for f in document["figures"]
            if f["scenario"] == name and f["backend"] == backend and f["clients"] == clients
        ),
        None,
    )


def _result(
    document: dict[str, Any], scenario: dict[str, Any], backend: str
) -> tuple[str, bool | None]:
    """(what was measured, whether it meets the target; None when there is no target)."""
    if scenario.get("limit_ms") is not None:
        return _latency_result(document, scenario, backend)
    figure = _figure(document, scenario["name"], backend, TARGET_CLIENTS)
    if figure is None:
        return "not yet measured", None
    value = ratios(document, figure)[0]
    if scenario["limit"] is None:
        return f"{value:.2f}x (no target)", None
    return f"{value:.2f}x", value <= scenario["limit"]


def _latency_result(
    document: dict[str, Any], scenario: dict[str, Any], backend: str
) -> tuple[str, bool | None]:
    """Median latency of one client, and SQL statements that do not grow with the class
    (the same page for a class a tenth of the size must run as many)."""
    figure = _figure(document, scenario["name"], backend, 1)
    if figure is None:
        return "not yet measured", None
    counts = document.get("statements", {}).get(backend, {})
    big, smaller = counts.get(scenario["name"]), scenario.get("same_statements_as")
    small = counts.get(smaller) if smaller else big
    met = figure["p50_ms"] < scenario["limit_ms"] and big is not None and big == small
    return (
        f"p50 {figure['p50_ms']:.0f} ms, p99 {figure['p99_ms']:.0f} ms; {big} SQL"
        + (f" ({smaller}: {small})" if smaller else "")
    ), met


def round_trips(figure: dict[str, Any]) -> str:
    """ " (6 SQL, 1 Redis)": what one such request sends, counted in-process."""
    sql, redis = figure.get("statements"), figure.get("redis_round_trips")
    if sql is None:
        return ""
    return f" ({sql} SQL, {redis} Redis)" if redis else f" ({sql} SQL)"


def statements_line(document: dict[str, Any]) -> str:
    parts = []
    redis = document.get("redis_round_trips", {})
    for backend, counts in document.get("statements", {}).items():
        if counts:
            trips = redis.get(backend, {})
            parts.append(
                f"{backend}: "
                + ", ".join(
                    f"{name} {sql}" + (f" + {trips[name]} Redis" if trips.get(name) else "")
                    for name, sql in counts.items()
                )
            )
    return (
        "SQL statements (+ Redis round trips) per request, counted in-process: "
        + "; ".join(parts)
        + "."
    )


def targets_table(document: dict[str, Any]) -> list[str]:
    backends = document["settings"]["backends"]
    lines = [
        "| SPEC §5 target (ratios at 16 clients) | " + " | ".join(backends) + " |",
        "|---|" + "---|" * len(backends),
    ]
    for row in target_rows(document):
        cells = []
        for backend in backends:
            text, met = row["results"][backend]
            cells.append(text if met is None else f"{text} {'met' if met else 'MISSED'}")
        lines.append(f"| {row['target']} | " + " | ".join(cells) + " |")
    return lines


def fit_speed_row(fit: dict[str, float], default: str) -> tuple[str, str, str]:
    """Reading and fitting a million-answer log, as `flask skills fit --from-csv` does."""
    wall = fit["read_s"] + fit[f"fit_{default}_s"]
    cpu = fit["read_cpu_s"] + fit[f"fit_{default}_cpu_s"]
    return (
        f"read and fit {fit['answers']:,.0f} answers over 100 skills ({default})",
        f"{wall:.1f} s ({cpu:.1f} s CPU)",
        _verdict("under 20 s", wall < 20.0),
    )


def engine_rows(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(figure, value, target and verdict) for the personalization engine and grade sync,
    measured in the same run without a server (`bench/learning.py`, `bench/grades.py`)."""
    rows: list[tuple[str, str, str]] = []
    learning = document.get("learning")
    if learning:
        speed, models = learning["speed"], learning["prediction"]["models"]
        default = learning.get("default_model", "bkt")
        recommend_ms = speed["recommend_1000_steps_50_skills_us"] / 1000
        update_us = speed[f"update_{default}_us"]
        closed = models[default]["auc_gap_closed"]
        reachable = models[default]["reachable_gap_closed"]
        rows += [
            (
                "a recommendation on a 1,000-step path with 50 skills",
                f"{recommend_ms:.2f} ms",
                _verdict("under 1 ms (SPEC §5)", recommend_ms < 1.0),
            ),
            (
                f"a learner model update ({default})",
                f"{update_us:.1f} µs",
                _verdict("under 50 µs", update_us < 50),
            ),
            (
                f"reachable AUC gap (baseline → the ideal model of the answers) closed by "
                f"{default}",
                f"{reachable:.1%} (of the gap to the oracle: {closed:.0%}; the ideal model's: "
                f"{models['ideal']['auc_gap_closed']:.0%})",
                _verdict("at least 97%", reachable >= 0.97),
            ),
        ]
        for group, figures in learning["efficiency"].items():
            fewer, spread = _mean_and_spread(figures["fewer_steps"])
            mastery, mastery_spread = _mean_and_spread(figures.get("mastery_difference", 0.0))
            target = (
                ("never more steps", fewer >= 0)
                if group == "novices"
                else ("at least 25% fewer steps", fewer >= 0.25)
            )
            rows.append(
                (
                    f"recommender vs fixed order, {group}",
                    f"{fewer:.1%} ± {spread:.1%} fewer steps; true mastery at the end "
                    f"{mastery:+.1%} ± {mastery_spread:.1%}",
                    _verdict(*target),
                )
            )
    if learning and "fit_speed" in learning:
        rows.append(fit_speed_row(learning["fit_speed"], learning.get("default_model", "bkt")))
    for round_ in document.get("grades") or []:
        rows.append(
            (
                f"grade sync, one worker, {round_['worker']}, LMS answering in "
                f"{round_['lms_latency_ms']} ms",
                f"{round_['scores_per_second']} scores/s, "
                f"{round_['token_requests']} token request(s)",
                "not set",
            )
        )
    return rows


def _mean_and_spread(figure: Any) -> tuple[float, float]:
    """A figure as (mean, 95 % CI half-width over seeds); a single number has no spread."""
    if isinstance(figure, list | tuple):
        return float(figure[0]), float(figure[1])
    return float(figure), 0.0


def _verdict(target: str, met: bool) -> str:
    return f"{target}: {'met' if met else 'MISSED'}"


def engine_table(document: dict[str, Any]) -> list[str]:
    rows = engine_rows(document)
    if not rows:
        return []
    return [
        "| personalization and grade sync (same run, no server) | measured | target |",
        "|---|---|---|",
        *[f"| {a} | {b} | {c} |" for a, b, c in rows],
    ]


def render(document: dict[str, Any]) -> str:
    settings, machine = document["settings"], document["machine"]
    head = (
        f"Selfpath benchmark, {document['date']}, {machine['cpus']} CPUs, Python "
        f"{machine['python']}; gunicorn {settings['workers']} workers x "
        f"{settings['threads']} thread(s) for Selfpath and hello alike; "
        f"SELFPATH_ENV={settings['selfpath_env']}; {settings['seconds_per_run']:g} s per run."
    )
    rss = ", ".join(f"{k} {v:.0f} MB" for k, v in document["worker_rss_mb"].items())
    pss = ", ".join(f"{k} {v:.0f} MB" for k, v in document.get("worker_pss_mb", {}).items())
    return "\n".join(
        [
            head,
            "",
            *figures_table(document),
            "",
            f"Largest worker RSS after the run: {rss}"
            + (
                f"; largest worker PSS (shared pages divided among their sharers): {pss}"
                if pss
                else ""
            )
            + f". Platform key-set fetches: {document['platform_jwks_fetches']}.",
            statements_line(document),
            "",
            *targets_table(document),
            "",
            *engine_table(document),
        ]
    )


if __name__ == "__main__":
    path = (
        Path(sys.argv[1])
        if len(sys.argv) > 1
        else (Path(__file__).resolve().parent / "results" / "latest.json")
    )
    print(render(json.loads(path.read_text())))
