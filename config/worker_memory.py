"""Give a worker's freed memory back to the system after a heavy request.

A class dashboard or an export allocates many megabytes for one page and frees them; the C
allocator keeps what was freed for later, so a worker that once served a big class stays
that big. After a request that took more than HEAVY_CPU_SECONDS of the worker's CPU, glibc's
`malloc_trim` returns the free pages (a fraction of a millisecond when there is little to
return, a few when there is much; never on a light request, and only once the response is
sent). Where the C library has no `malloc_trim` (musl, macOS) nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import time
from collections.abc import Callable
from typing import Any

HEAVY_CPU_SECONDS = 0.02


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError):
        return None
    return trim


class MemoryRelease:
    """Counts each request's CPU time in the worker; trims after the heavy ones."""

    def __init__(
        self,
        trim: Callable[[int], int] | None = None,
        cpu: Callable[[], float] = time.process_time,
        heavy_seconds: float = HEAVY_CPU_SECONDS,
    ) -> None:
        self._trim = trim
        self._cpu = cpu
        self._heavy = heavy_seconds
        self._started: float | None = None
        self.trims = 0

    def started(self) -> None:
        self._started = self._cpu()

    def finished(self) -> None:
        started, self._started = self._started, None
        if self._trim is None or started is None or self._cpu() - started <= self._heavy:
            return
        self._trim(0)
        self.trims += 1


RELEASE = MemoryRelease(_malloc_trim())


def pre_request(worker: Any, req: Any) -> None:
    RELEASE.started()


def post_request(worker: Any, req: Any, environ: Any, resp: Any) -> None:
    RELEASE.finished()
