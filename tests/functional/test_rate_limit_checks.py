"""Rate limits are checked by the views they guard, and by nothing else: a page without a
limit never asks the limiter."""

from __future__ import annotations

from service.extensions import limiter
from tests.functional.admin_browser import AdminBrowser


def test_a_page_without_a_limit_never_asks_the_limiter(client, monkeypatch):
    asked = []
    resolve = limiter.limit_manager.resolve_limits
    monkeypatch.setattr(
        limiter.limit_manager, "resolve_limits", lambda *a, **k: asked.append(a) or resolve(*a, **k)
    )
    assert client.get("/healthz").status_code == 200
    assert asked == []


def test_a_limited_view_still_asks_the_limiter(client, monkeypatch):
    asked = []
    resolve = limiter.limit_manager.resolve_limits
    monkeypatch.setattr(
        limiter.limit_manager, "resolve_limits", lambda *a, **k: asked.append(a) or resolve(*a, **k)
    )
    admin = AdminBrowser(client)
    assert admin.sign_in(password="wrong").status_code == 401
    assert asked  # the sign-in view asked, as it runs
