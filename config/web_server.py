"""How Python runs the web server (docs/deploy.md, section 2).

With PYTHONOPTIMIZE=2, Python leaves the docstrings (and the `assert` statements) out of
every module it loads: with the libraries a worker loads, about 6 MB of each worker's
resident memory (`make bench`, PostgreSQL + Redis: 100.1 MB with them, 94.2 MB without).
Nothing Selfpath serves reads a docstring, and none of its checks is an `assert` (a
refusal raises an error of its own); the command line (`flask ...`) is started without it
and keeps its help texts.
"""

from __future__ import annotations

import sys

WEB_SERVER_PYTHON = {"PYTHONOPTIMIZE": "2"}


def optimization_advice(optimize: int | None = None) -> str | None:
    """What the master logs when it serves with docstrings loaded; None when it does not."""
    level = sys.flags.optimize if optimize is None else optimize
    if level >= 2:
        return None
    return (
        "Python keeps docstrings in every worker: start gunicorn with PYTHONOPTIMIZE=2 "
        "to leave out about 6 MB per worker (docs/deploy.md, section 2)"
    )
