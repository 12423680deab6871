"""Rate limits are checked by the views they guard, and by nothing else: a page without a
limit never counts, a limited view counts as it runs, for the methods it names, in its
own window, and a refusal says when to retry."""

from __future__ import annotations

import pytest

from service.rate_limits import EXTENSION, LimitReached, RateLimits
from tests.functional.admin_browser import AdminBrowser


@pytest.fixture
def checks(app, monkeypatch) -> list[tuple[str, str, str]]:
    """(limit, view, key) of every count while the test runs."""
    limits: RateLimits = app.extensions[EXTENSION]
    seen: list[tuple[str, str, str]] = []
    real = limits.check

    def counted(limit: str, scope: str, key: str, message: str) -> None:
        seen.append((limit, scope, key))
        real(limit, scope, key, message)

    monkeypatch.setattr(limits, "check", counted)
    return seen


def test_a_page_without_a_limit_never_counts(client, checks):
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 200
    assert checks == []


def test_a_limited_view_counts_only_the_methods_it_names(client, checks):
    admin = AdminBrowser(client)
    assert client.get("/admin/login").status_code == 200
    assert checks == []
    assert admin.sign_in(password="wrong").status_code == 401
    assert [scope for _limit, scope, _key in checks] == ["service.admin.sign_in.login"]


def test_each_view_counts_in_its_own_window(app):
    limits: RateLimits = app.extensions[EXTENSION]
    limits.check("2 per minute", "one view", "10.0.0.1", "slow down")
    limits.check("2 per minute", "one view", "10.0.0.1", "slow down")
    limits.check("2 per minute", "another view", "10.0.0.1", "slow down")
    limits.check("2 per minute", "one view", "10.0.0.2", "slow down")
    with pytest.raises(LimitReached) as refused:
        limits.check("2 per minute", "one view", "10.0.0.1", "slow down")
    assert refused.value.code == 429 and refused.value.description == "slow down"
    assert 1 <= refused.value.retry_after <= 60


def test_a_refusal_gives_the_whole_window_when_the_store_cannot_say(app, monkeypatch):
    limits: RateLimits = app.extensions[EXTENSION]
    for _ in range(2):
        limits.check("2 per hour", "a view", "10.0.0.3", "slow down")

    def gone(*args: object) -> None:
        raise ConnectionError("the store went away")

    monkeypatch.setattr(limits._windows, "get_window_stats", gone)
    with pytest.raises(LimitReached) as refused:
        limits.check("2 per hour", "a view", "10.0.0.3", "slow down")
    assert refused.value.retry_after == 3600
