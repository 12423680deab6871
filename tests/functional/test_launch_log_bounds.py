"""Nothing from an anonymous login or launch is stored unbounded: oversize login parameters
are refused with a short launch-log record, launch state stays small, and old launch
records and expired launch state are purged by command and by the worker."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from datetime import timedelta

import pytest
import valkey
from sqlalchemy import func, select

from config.logging import JsonFormatter
from lti import claims
from lti.errors import LaunchRefused
from lti.housekeeping import PeriodicPurge, PurgeReport, parse_age, purge_launches
from lti.launch_log import MAX_REASON, record_launch
from lti.models import LaunchRecord, LaunchState, SeenNonce
from lti.state_store import DatabaseStateStore, PendingLogin, RedisStateStore
from paths.db import utcnow
from tests.conftest import TOOL_BASE
from tests.functional.launch_steps import b64
from tests.grades import quick_worker
from tests.redis_db import TEST_REDIS_URL as REDIS_URL

MEGABYTE = 1024 * 1024


def count(session, model) -> int:
    session.expire_all()
    return session.scalar(select(func.count()).select_from(model))


def longest_stored(session) -> int:
    """The longest value any launch record holds."""
    session.expire_all()
    values = [
        v
        for r in session.scalars(select(LaunchRecord))
        for v in (r.issuer, r.client_id, r.deployment_id, r.message_type, r.reason_code, r.reason)
    ]
    return max(len(v) for v in values if v)


# -- login initiation ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "size"),
    [
        ("iss", MEGABYTE),
        ("lti_message_hint", 100 * 1024),
        ("login_hint", 5000),
        ("client_id", 300),
        ("target_link_uri", 3000),
        ("lti_deployment_id", 300),
        ("lti_storage_target", 300),
    ],
)
def test_an_oversize_login_parameter_is_refused_and_not_stored(
    browser, platform, session, name, size
):
    response = browser.login(platform, **{name: "x" * size})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Location" not in response.headers
    assert "login_param_too_long" in page and name in page
    assert count(session, LaunchState) == 0
    record = session.scalars(select(LaunchRecord)).one()
    assert record.reason_code == "login_param_too_long"
    assert longest_stored(session) <= 255


def test_a_canvas_sized_message_hint_still_logs_in(browser, platform, session):
    hint = ".".join(
        b64(
            {
                "verifier": "v" * 600,
                "canvas_domain": "school.instructure.com",
                "context_type": "Course",
                "context_id": "c" * 40,
            }
        )
        for _ in range(3)
    )
    assert 1500 < len(hint) < 4096
    auth = browser.start(platform, lti_message_hint=hint)
    assert auth["lti_message_hint"] == hint
    assert count(session, LaunchState) == 1


HUGE_LOGIN = PendingLogin(
    state="s", nonce="n", binding="b", platform_id=1, login={"lti_message_hint": "x" * 100 * 1024}
)


def test_launch_state_larger_than_any_login_is_never_stored(session):
    with pytest.raises(LaunchRefused) as refused:
        DatabaseStateStore(session).save(HUGE_LOGIN, 60, utcnow())
    assert refused.value.code == "launch_state_too_large"
    assert count(session, LaunchState) == 0


def test_launch_state_larger_than_any_login_is_never_stored_in_redis():
    client = valkey.Valkey.from_url(REDIS_URL)
    prefix = f"selfpath-test:{uuid.uuid4().hex}:"
    try:
        with pytest.raises(LaunchRefused):
            RedisStateStore(client, prefix=prefix).save(HUGE_LOGIN, 60, utcnow())
        assert list(client.scan_iter(prefix + "*")) == []
    finally:
        for key in client.scan_iter(prefix + "*"):
            client.delete(key)
        client.close()


# -- refusals that quote unverified claims ----------------------------------------------


def unsigned_launch(browser, platform, **claim_overrides):
    """An id_token POST for a real login, whose token is forged (not signed by the LMS)."""
    auth = browser.start(platform)
    body = platform.claims(auth["nonce"], TOOL_BASE, **claim_overrides)
    token = f"{b64({'alg': 'RS256', 'kid': 'k'})}.{b64(body)}.{b64({'x': 1})}"
    return browser.post_launch(token, auth["state"])


@pytest.mark.parametrize(
    "claim_overrides",
    [
        {"aud": "a" * MEGABYTE, "azp": "b" * 1000},
        {"iss": "https://" + "i" * MEGABYTE},
        {claims.MESSAGE_TYPE: "M" * 1000, claims.DEPLOYMENT_ID: "d" * 1000},
    ],
)
def test_refusal_reasons_quoting_the_token_are_bounded(browser, platform, session, claim_overrides):
    response = unsigned_launch(browser, platform, **claim_overrides)
    assert 400 <= response.status_code < 500
    record = session.scalars(select(LaunchRecord)).one()
    assert record.outcome == "refused"
    assert longest_stored(session) <= MAX_REASON + 40
    assert len(record.message_type or "") <= 64


def test_a_long_reason_is_cut_with_a_marker(session):
    row = record_launch(
        session, outcome="refused", now=utcnow(), reason_code="x", reason="r" * (MAX_REASON + 5000)
    )
    assert row["reason"] == "r" * MAX_REASON + "…[truncated 5000 chars]"
    stored = session.scalars(select(LaunchRecord)).one()
    assert stored.reason == row["reason"]
    session.rollback()


def test_log_lines_cut_long_values_with_a_marker():
    record = logging.LogRecord("selfpath.lti", logging.INFO, __file__, 1, "m" * 3000, None, None)
    record.fields = {"issuer": "i" * MEGABYTE, "count": 3}
    line = json.loads(JsonFormatter().format(record))
    assert line["issuer"].endswith(f"…[truncated {MEGABYTE - 2000} chars]")
    assert len(line["issuer"]) < 2100 and line["msg"].endswith("…[truncated 1000 chars]")
    assert line["count"] == 3


# -- purging ------------------------------------------------------------------------


def fill_launch_tables(session, now, suffix=""):
    for days in (1, 29, 31, 400):
        record_launch(session, outcome="accepted", now=now - timedelta(days=days))
    for name, expires in (
        ("gone" + suffix, now - timedelta(seconds=1)),
        ("live" + suffix, now + timedelta(minutes=10)),
    ):
        session.add(LaunchState(state=name, payload="{}", expires_at=expires))
        session.add(SeenNonce(nonce=name, expires_at=expires))
    session.commit()


def test_purge_command_removes_old_records_and_expired_state(app, session):
    fill_launch_tables(session, utcnow())
    result = app.test_cli_runner().invoke(args=["launches", "purge", "--older-than", "30d"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (
        "Removed 2 launch record(s), 1 expired launch state(s) and 1 expired nonce(s)."
    )
    assert count(session, LaunchRecord) == 2
    assert session.scalars(select(LaunchState.state)).all() == ["live"]
    assert session.scalars(select(SeenNonce.nonce)).all() == ["live"]


@pytest.mark.parametrize(
    "age", ["", "30", "d", "-3d", "0d", "3w", "thirty days", "99999999999999999999d", "1.5d"]
)
def test_purge_command_refuses_an_age_it_cannot_read(app, session, age):
    fill_launch_tables(session, utcnow())
    result = app.test_cli_runner().invoke(args=["launches", "purge", "--older-than", age])
    assert result.exit_code == 2
    assert "--older-than" in result.output and (
        "not an age" in result.output or "out of range" in result.output
    )
    assert count(session, LaunchRecord) == 4


@pytest.mark.parametrize(
    ("text", "age"),
    [("30d", timedelta(days=30)), ("12h", timedelta(hours=12)), ("90m", timedelta(minutes=90))],
)
def test_ages_read_in_days_hours_or_minutes(text, age):
    assert parse_age(text) == age


def test_purge_goes_in_batches(session):
    now = utcnow()
    for _ in range(7):
        record_launch(session, outcome="refused", now=now - timedelta(days=40))
    session.commit()
    report = purge_launches(session, now=now, older_than=timedelta(days=30), batch=3)
    assert report == PurgeReport(launch_records=7)
    assert count(session, LaunchRecord) == 0


class Clock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def test_a_worker_purges_at_most_once_an_hour(session):
    clock = Clock(utcnow())
    purge = PeriodicPurge(older_than=timedelta(days=30), every=timedelta(hours=1), clock=clock)
    fill_launch_tables(session, clock.now)
    assert purge.run_if_due(session) == PurgeReport(2, 1, 1)
    fill_launch_tables(session, clock.now, suffix="-2")
    clock.now += timedelta(minutes=59)
    assert purge.run_if_due(session) is None
    assert count(session, LaunchRecord) == 6
    clock.now += timedelta(minutes=1)
    assert purge.run_if_due(session) == PurgeReport(2, 3, 3)  # live ones expired meanwhile
    assert count(session, LaunchRecord) == 4


def test_the_grade_worker_loop_runs_the_purge(session):
    fill_launch_tables(session, utcnow())
    worker = quick_worker()
    worker.purge = PeriodicPurge(
        older_than=timedelta(days=30), every=timedelta(hours=1), clock=utcnow
    )
    try:
        worker.run(session, once=True, idle_sleep=0.05, stop=threading.Event())
    finally:
        worker.close()
    assert count(session, LaunchRecord) == 2
    assert count(session, LaunchState) == 1
