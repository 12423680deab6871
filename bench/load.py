"""The load generator: closed-loop virtual clients over loopback HTTP (aiohttp).

Each client runs one operation after another (a request, or the several requests of a
launch) until the run's time or count is used up; every operation's latency is kept.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import aiohttp

Operation = Callable[[aiohttp.ClientSession, int], Awaitable[None]]


@dataclass
class Run:
    clients: int
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Latency at percentile `p` (0-100), in milliseconds (nearest rank)."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[rank] * 1000


def client_session(clients: int) -> aiohttp.ClientSession:
    # gunicorn's sync workers close every connection: open a new one per request, always.
    connector = aiohttp.TCPConnector(limit=clients, force_close=True)
    return aiohttp.ClientSession(
        connector=connector,
        cookie_jar=aiohttp.DummyCookieJar(),
        timeout=aiohttp.ClientTimeout(total=30),
    )


async def drive(operation: Operation, clients: int, *, seconds: float, max_count: int) -> Run:
    """Run `operation` from `clients` concurrent clients for `seconds` or `max_count` ops."""
    run = Run(clients=clients)
    issued = 0
    async with client_session(clients) as http:
        started = time.perf_counter()
        deadline = started + seconds

        async def client() -> None:
            nonlocal issued
            while issued < max_count and time.perf_counter() < deadline:
                index = issued
                issued += 1
                began = time.perf_counter()
                try:
                    await operation(http, index)
                except Exception as exc:  # noqa: BLE001 - every failure is counted, then shown
                    run.errors.append(f"{type(exc).__name__}: {exc}"[:300])
                    continue
                run.latencies.append(time.perf_counter() - began)

        await asyncio.gather(*(client() for _ in range(clients)))
        run.seconds = time.perf_counter() - started
    return run


def run_sync(operation: Operation, clients: int, *, seconds: float, max_count: int) -> Run:
    return asyncio.run(drive(operation, clients, seconds=seconds, max_count=max_count))
