"""The application class asks once per function whether it is a coroutine function."""

from __future__ import annotations

import flask.app

from service.application import SelfpathFlask


def test_a_function_is_asked_once_whether_it_is_a_coroutine(monkeypatch):
    app = SelfpathFlask(__name__)
    asked: list[object] = []
    real = flask.app.iscoroutinefunction
    monkeypatch.setattr(flask.app, "iscoroutinefunction", lambda f: asked.append(f) or real(f))

    def view() -> str:
        return "ok"

    assert app.ensure_sync(view) is view and app.ensure_sync(view) is view
    assert asked == [view]


def test_a_coroutine_function_is_still_made_synchronous(monkeypatch):
    app = SelfpathFlask(__name__)
    monkeypatch.setattr(app, "async_to_sync", lambda func: ("synchronous", func))

    async def view() -> str:
        return "ok"

    assert app.ensure_sync(view) == ("synchronous", view)
    assert app.ensure_sync(view) == ("synchronous", view)


def test_an_unhashable_callable_is_asked_every_time(monkeypatch):
    app = SelfpathFlask(__name__)
    asked: list[object] = []
    real = flask.app.iscoroutinefunction
    monkeypatch.setattr(flask.app, "iscoroutinefunction", lambda f: asked.append(f) or real(f))

    class Unhashable:
        __hash__ = None  # type: ignore[assignment]

        def __call__(self) -> str:
            return "ok"

    hook = Unhashable()
    assert app.ensure_sync(hook) is hook and app.ensure_sync(hook) is hook
    assert len(asked) == 2


def test_the_application_is_built_with_it(app):
    assert isinstance(app, SelfpathFlask)
