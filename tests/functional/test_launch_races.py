"""Two launches that find nothing and then both create it (one person in two browsers, two
teachers opening a new course at once) both succeed, and leave one row of each.

The race is made to happen, not hoped for: each launch waits, after looking its parties up
and before writing anything, until the other has looked too. Each runs in its own thread,
so with its own application context and database session, as in two server workers."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from lti import claims, provisioning
from service.lti.services import EXTENSION as LTI_SERVICES
from tests.conftest import TOOL_BASE
from tests.functional.conftest import LtiBrowser
from tests.functional.launch_steps import Step, assert_provisioned, launch_claims, run
from tests.redis_db import TEST_REDIS_URL as REDIS_URL

# How long one launch waits for the other to have looked. Only a launch that fails before
# its lookup makes it wait this long; it keeps such a failure from hanging the run.
BARRIER_SECONDS = 30


@pytest.fixture(params=["database", "redis"])
def state_kept_in(request: pytest.FixtureRequest, app: Flask, database_url: str) -> Iterator[str]:
    """Where launch state lives. With SQLite and state in the database, a launch holds the
    database's single write lock from the moment it spends its state, so two launches take
    turns and cannot race; the race exists there only with state in Redis."""
    if request.param == "database":
        if database_url.startswith("sqlite"):
            pytest.skip("SQLite serialises launches that keep their state in the database")
        yield "database"
        return
    import valkey

    client = valkey.Valkey.from_url(REDIS_URL)
    client.flushdb()
    services = app.extensions[LTI_SERVICES]
    app.extensions[LTI_SERVICES] = replace(services, redis=client)
    try:
        yield "redis"
    finally:
        app.extensions[LTI_SERVICES] = services
        client.flushdb()
        client.close()


def signed_launch(
    browser: LtiBrowser, platform: Any, step: Step, **more_claims: Any
) -> tuple[str, str]:
    who, message, extra = launch_claims(platform, step)
    auth = browser.start(platform, who)
    body = platform.claims(auth["nonce"], TOOL_BASE, who, message, **extra, **more_claims)
    return platform.sign(body), auth["state"]


def wait_for_each_other(
    monkeypatch: pytest.MonkeyPatch, module: Any, name: str, launches: int
) -> list[Any]:
    """Make `module.name` wait, once per launch after reading, until every launch has read;
    returns what each read."""
    barrier = threading.Barrier(launches)
    read = getattr(module, name)
    found: list[Any] = []
    waited = threading.local()

    def read_then_wait(*args: Any) -> Any:
        result = read(*args)
        if not getattr(waited, "done", False):
            waited.done = True
            found.append(result)
            barrier.wait(timeout=BARRIER_SECONDS)
        return result

    monkeypatch.setattr(module, name, read_then_wait)
    return found


def race(
    app: Flask,
    platform: Any,
    steps: list[Step],
    monkeypatch: pytest.MonkeyPatch,
    **more_claims: Any,
) -> tuple[list[Any], list[Any]]:
    """Post the launches at once; each writes only after every one has looked. Returns
    the responses (or errors) and what each lookup found."""
    browsers = [LtiBrowser(app.test_client()) for _ in steps]
    launches = [
        signed_launch(b, platform, s, **more_claims) for b, s in zip(browsers, steps, strict=True)
    ]
    found = wait_for_each_other(monkeypatch, provisioning, "find_parties", len(steps))
    outcomes: list[Any] = [None] * len(steps)

    def post(number: int) -> None:
        try:
            outcomes[number] = browsers[number].post_launch(*launches[number])
        except Exception as error:  # noqa: BLE001 - reported by the test, not the thread
            outcomes[number] = error

    threads = [threading.Thread(target=post, args=(n,)) for n in range(len(steps))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    monkeypatch.undo()
    return outcomes, found


def assert_all_succeeded(outcomes: list[Any]) -> None:
    for outcome in outcomes:
        assert not isinstance(outcome, Exception), repr(outcome)
        assert outcome.status_code in (200, 303), outcome.get_data(as_text=True)[:500]


S = Step
RACES = {
    # (launches before the race, the launches that race, what neither found)
    "the same learner on a new link in two browsers": (
        [S("hoa", role="teacher", ags=True), S("lan", ags=True)],
        [S("lan", link="link-2", ags=True), S("lan", link="link-2", ags=True)],
        ("activity",),
    ),
    "a new learner's first launch, in a new course, in two browsers": (
        [],
        [S("lan", ags=True), S("lan", ags=True)],
        ("course", "activity", "user", "membership"),
    ),
    "two teachers opening a new course at once": (
        [],
        [
            S("hoa", role="teacher", ags=True, nrps=True),
            S("minh", role="assistant", ags=True, nrps=True),
        ],
        ("course", "activity"),
    ),
}
PARTIES = ("tenant", "course", "activity", "assignment", "user", "membership")


@pytest.mark.parametrize(("before", "racing", "missing"), RACES.values(), ids=RACES.keys())
def test_racing_first_launches_both_succeed_with_one_row_each(
    app, browser, platform, session, state_kept_in, monkeypatch, before, racing, missing
):
    run(browser, platform, before)
    outcomes, found = race(app, platform, racing, monkeypatch)
    assert_all_succeeded(outcomes)
    for parties in found:  # both looked before either wrote: the race happened
        assert all(parties[PARTIES.index(name)] is None for name in missing), parties
    assert_provisioned(session, before + racing)


def test_a_class_opening_a_newly_placed_path_at_once_gets_one_assignment(
    app, browser, platform, session, state_kept_in, monkeypatch
):
    """The path a teacher placed by deep linking is assigned on the activity's first
    launch; two learners opening it at once both land on it."""
    from paths import enrollment
    from paths.enrollment import Assignment
    from tests.functional.deep_links import template_path

    version = template_path(session, platform)
    custom = {"path_id": str(version.path_id), "path_version": str(version.number)}
    found = wait_for_each_other(monkeypatch, enrollment, "assignment_for_activity", 2)
    outcomes, _ = race(app, platform, [S("lan"), S("minh")], monkeypatch, **{claims.CUSTOM: custom})
    assert_all_succeeded(outcomes)
    assert found == [None, None]  # both looked before either assigned: the race happened
    assert [o.headers["Location"] for o in outcomes] == ["/path", "/path"]
    assert_provisioned(session, [S("lan"), S("minh")])
    assert session.scalars(select(Assignment.path_version_id)).all() == [version.id]
