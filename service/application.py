"""The Flask application class: Flask, with what it asks of every request answered once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

SYNCED_KEPT = 1024  # functions whose answer is kept: the application's hooks and views


class SelfpathFlask(Flask):
    """Flask asks, before calling each hook and view of a request, whether it is a
    coroutine function (`ensure_sync`: four calls into `inspect` each, and a page runs a
    dozen hooks). A function's answer does not change, so it is kept."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._synced: dict[Callable[..., Any], Callable[..., Any]] = {}

    def ensure_sync(self, func: Callable[..., Any]) -> Callable[..., Any]:
        try:
            return self._synced[func]
        except KeyError:
            pass
        except TypeError:  # an unhashable callable: asked every time
            return super().ensure_sync(func)
        synced = super().ensure_sync(func)
        if len(self._synced) < SYNCED_KEPT:
            self._synced[func] = synced
        return synced
