"""CPU time and memory of the server processes under test (Linux, through psutil)."""

from __future__ import annotations

from dataclasses import dataclass

import psutil


@dataclass(frozen=True)
class CpuSample:
    app: float  # seconds of CPU used by the gunicorn master and its workers
    database: float  # seconds used by PostgreSQL backends serving the benchmark database


def _cpu(process: psutil.Process) -> float:
    try:
        times = process.cpu_times()
    except psutil.Error:
        return 0.0
    return float(times.user + times.system)


def gunicorn_processes(master_pid: int) -> list[psutil.Process]:
    master = psutil.Process(master_pid)
    return [master, *master.children(recursive=True)]


def postgres_backends(database: str | None) -> list[psutil.Process]:
    """Backends whose process title names `database` (PostgreSQL retitles each one)."""
    if not database:
        return []
    found = []
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = " ".join(process.info.get("cmdline") or [])
        if cmdline.startswith("postgres: ") and f" {database} " in cmdline:
            found.append(process)
    return found


def cpu_sample(master_pid: int, database: str | None) -> CpuSample:
    return CpuSample(
        app=sum(_cpu(p) for p in gunicorn_processes(master_pid)),
        database=sum(_cpu(p) for p in postgres_backends(database)),
    )


def process_cpu(pid: int, *, children: bool = False) -> float:
    """Seconds of CPU used by process `pid` (and, with `children`, by its descendants)."""
    try:
        process = psutil.Process(pid)
        family = [process, *(process.children(recursive=True) if children else [])]
    except psutil.Error:
        return 0.0
    return sum(_cpu(p) for p in family)


def database_cpu(database: str | None) -> float:
    """Seconds of CPU used by the PostgreSQL backends serving `database` now."""
    return sum(_cpu(p) for p in postgres_backends(database))


def machine_busy() -> float:
    """Seconds of CPU the whole machine spent not idle, over all cores, since boot."""
    times = psutil.cpu_times()
    return float(
        sum(getattr(times, name, 0.0) for name in ("user", "nice", "system", "irq", "softirq"))
    )


def worker_rss_mb(master_pid: int) -> list[float]:
    """Resident memory of each gunicorn worker, in MB (10^6 bytes)."""
    workers = psutil.Process(master_pid).children()
    return [w.memory_info().rss / 1e6 for w in workers]


def worker_pss_mb(master_pid: int) -> list[float]:
    """Proportional set size of each gunicorn worker, in MB: its resident pages, with each
    page it shares (with the master after the fork, with the other workers) divided among
    the processes sharing it. Read from /proc/PID/smaps_rollup (Linux 4.14+); RSS counts
    shared pages in full in every worker, so the workers' PSS add up to what they cost."""
    return [pss_mb(w.pid) for w in psutil.Process(master_pid).children()]


def pss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/smaps_rollup") as rollup:
        for line in rollup:
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024 / 1e6  # the file counts in kB
    raise ValueError(f"/proc/{pid}/smaps_rollup has no Pss line")
