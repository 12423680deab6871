"""Keep workers small: share what the master loaded, and give freed memory back.

With `preload_app` the master builds the application and forks the workers, which share its
memory until they write to it. Python's cycle collector writes to the header of every object
it examines, so the first full collection in a worker copied nearly every page the master
had filled (modules, classes, functions: about 13 MB per worker, measured as PSS). Once the
application is loaded, `when_ready` collects the master's garbage and moves what remains to
the collector's permanent generation (`gc.freeze`), which collections never examine: those
pages stay shared, and each collection in a worker has fewer objects to walk.

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
import gc
import time
from collections.abc import Callable
from typing import Any

from config.web_server import optimization_advice

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


def freeze_loaded_objects(collect: Callable[[], Any] = gc.collect) -> int:
    """Collect the garbage, then leave every object alive now out of later collections;
    how many objects were frozen."""
    collect()
    gc.freeze()
    return gc.get_freeze_count()


def when_ready(server: Any) -> None:
    """gunicorn's hook once the master has loaded the application, before any fork."""
    frozen = freeze_loaded_objects()
    server.log.info("%d objects loaded by the master are left out of garbage collection", frozen)
    advice = optimization_advice()
    if advice:
        server.log.warning(advice)
