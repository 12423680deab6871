"""`flask platforms ...`, `flask deployments ...`, `flask keys ...`, `flask worker`,
`flask scores ...` and `flask launches ...`."""

from __future__ import annotations

import signal
import threading
from datetime import timedelta

import click
from flask import Flask
from flask.cli import AppGroup

from lti import grade_status, keys, registrations
from lti.grade_worker import GradeWorker, WorkerSettings
from lti.housekeeping import PeriodicPurge, parse_age, purge_launches
from lti.score_wakeups import ScoreWakeups
from paths.db import utcnow
from paths.errors import DomainError
from service.extensions import db_session
from service.lti.services import lti_services
from service.settings import current_settings

platforms = AppGroup("platforms", help="LMS platforms registered with Selfpath.")
deployments = AppGroup("deployments", help="Deployments of Selfpath on a platform.")
keys_cli = AppGroup("keys", help="The tool's signing keys.")
launches_cli = AppGroup("launches", help="The launch log and the state of logins in flight.")
PURGE_EVERY = timedelta(hours=1)  # how often each worker purges the launch log


def register(app: Flask) -> None:
    for group in (platforms, deployments, keys_cli, scores_cli, launches_cli):
        app.cli.add_command(group)
    app.cli.add_command(worker_command)


@platforms.command("add")
@click.option("--name", default="", help="A name an admin recognises, e.g. the school.")
@click.option("--issuer", required=True, help="Platform ID (issuer) shown by the LMS.")
@click.option("--client-id", required=True, help="Client ID the LMS gave Selfpath.")
@click.option("--auth-login-url", required=True, help="Authentication request URL.")
@click.option("--auth-token-url", required=True, help="Access token URL.")
@click.option("--key-set-url", required=True, help="Public keyset URL of the LMS.")
@click.option("--auth-audience", default=None, help="Token audience, if not the token URL.")
@click.option("--deployment", "deployment_ids", multiple=True, help="Deployment ID (repeatable).")
def platforms_add(
    name: str,
    issuer: str,
    client_id: str,
    auth_login_url: str,
    auth_token_url: str,
    key_set_url: str,
    auth_audience: str | None,
    deployment_ids: tuple[str, ...],
) -> None:
    """Register an LMS platform (and its deployments)."""
    details = registrations.PlatformDetails(
        name=name,
        issuer=issuer,
        client_id=client_id,
        auth_login_url=auth_login_url,
        auth_token_url=auth_token_url,
        key_set_url=key_set_url,
        auth_audience=auth_audience,
    )
    try:
        platform = registrations.register_by_hand(
            db_session(), details, deployment_ids, addresses=current_settings().addresses
        )
    except DomainError as error:
        db_session().rollback()
        raise click.ClickException(error.message) from error
    db_session().commit()
    click.echo(
        f"Added platform {platform.id}: {platform.issuer} (client {platform.client_id})"
        f" with {len(deployment_ids)} deployment(s)."
    )


@platforms.command("list")
def platforms_list() -> None:
    """List registered platforms and their deployments."""
    rows = registrations.list_platforms(db_session())
    if not rows:
        click.echo("No platforms are registered yet. Add one with `flask platforms add`.")
    for platform in rows:
        state = "enabled" if platform.enabled else "DISABLED"
        click.echo(
            f"{platform.id}\t{state}\t{platform.issuer}\tclient {platform.client_id}"
            f"\t{platform.name}"
        )
        for deployment in platform.deployments:
            dstate = "enabled" if deployment.enabled else "DISABLED"
            click.echo(f"\tdeployment {deployment.deployment_id}\t{dstate}")


@platforms.command("disable")
@click.argument("platform_id", type=int)
def platforms_disable(platform_id: int) -> None:
    """Refuse every launch from a platform until it is enabled again."""
    _set_enabled(platform_id, False)


@platforms.command("enable")
@click.argument("platform_id", type=int)
def platforms_enable(platform_id: int) -> None:
    """Accept launches from a platform again."""
    _set_enabled(platform_id, True)


def _set_enabled(platform_id: int, enabled: bool) -> None:
    try:
        platform = registrations.set_platform_enabled(db_session(), platform_id, enabled)
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db_session().commit()
    click.echo(
        f"Platform {platform.id} ({platform.issuer}) is now {'enabled' if enabled else 'disabled'}."
    )


@deployments.command("add")
@click.argument("platform_id", type=int)
@click.argument("deployment_id")
def deployments_add(platform_id: int, deployment_id: str) -> None:
    """Allow launches from DEPLOYMENT_ID of platform PLATFORM_ID."""
    try:
        registrations.add_deployment(db_session(), platform_id, deployment_id)
    except DomainError as error:
        db_session().rollback()
        raise click.ClickException(error.message) from error
    db_session().commit()
    click.echo(f"Added deployment {deployment_id} to platform {platform_id}.")


@keys_cli.command("rotate")
@click.option(
    "--grace-seconds",
    type=int,
    default=None,
    help="How long the previous key stays published (default KEY_GRACE_SECONDS).",
)
def keys_rotate(grace_seconds: int | None) -> None:
    """Start signing with a new key; keep the previous one in the JWKS for a while."""
    grace = current_settings().key_grace_seconds if grace_seconds is None else grace_seconds
    row = keys.rotate(db_session(), utcnow(), grace)
    db_session().commit()
    click.echo(f"Now signing with key {row.kid}; previous keys stay published for {grace} s.")


@keys_cli.command("list")
def keys_list() -> None:
    """Show the published keys and when retired ones leave the JWKS."""
    now = utcnow()
    keys.ensure_key(db_session(), now)
    for row in keys.published_keys(db_session(), now):
        until = "active" if row.retired_at is None else f"published until {row.published_until}"
        click.echo(f"{row.kid}\t{until}")
    db_session().commit()


# -- grade sync --------------------------------------------------------------------------

scores_cli = AppGroup("scores", help="Scores in the LMS gradebooks.")


def worker_settings(batch: int | None = None, threads: int | None = None) -> WorkerSettings:
    settings = current_settings()
    return WorkerSettings(
        batch=batch or settings.grade_batch_size,
        threads=threads or settings.grade_send_threads,
        lease_seconds=settings.grade_lease_seconds,
        retry_base_seconds=settings.grade_retry_base_seconds,
        retry_max_seconds=settings.grade_retry_max_seconds,
        timeout=float(settings.http_timeout_seconds),
        addresses=settings.addresses,
    )


@click.command("worker")
@click.option("--once", is_flag=True, help="Send what is due now, then exit.")
@click.option(
    "--batch",
    type=click.IntRange(1, 1000),
    default=None,
    help="Scores claimed at a time (default GRADE_BATCH_SIZE).",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    default=None,
    help="Scores sent in parallel (default GRADE_SEND_THREADS).",
)
@click.option(
    "--idle-sleep",
    type=click.FloatRange(0.05, 600),
    default=2.0,
    show_default=True,
    help="Seconds to wait when nothing is due.",
)
def worker_command(once: bool, batch: int | None, threads: int | None, idle_sleep: float) -> None:
    """Send every score the LMS has not acknowledged yet (run as many as you like)."""
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    purge = PeriodicPurge(
        older_than=timedelta(days=current_settings().launch_log_days),
        every=PURGE_EVERY,
        clock=utcnow,
    )
    client = lti_services().redis
    wakeups = ScoreWakeups(client) if client is not None else None
    worker = GradeWorker(
        worker_settings(batch, threads), purge=purge, idle=wakeups.wait if wakeups else None
    )
    try:
        total = worker.run(db_session(), once=once, idle_sleep=idle_sleep, stop=stop)
    finally:
        db_session().rollback()
        worker.close()
        if wakeups is not None:
            wakeups.close()
    click.echo(
        f"Grade sync stopped: sent {total.sent}, retrying {total.retrying}, failed {total.failed}."
    )


@scores_cli.command("status")
def scores_status() -> None:
    """Pending, failed and sent scores per platform."""
    rows = grade_status.queue_health(db_session())
    db_session().rollback()
    if not rows:
        click.echo("No platforms are registered yet.")
        return
    click.echo(
        f"{'platform':<32} {'pending':>8} {'retrying':>8} {'failed':>7} {'sent':>7} "
        f"{'no column':>9}  oldest pending"
    )
    for q in rows:
        oldest = q.oldest_pending.isoformat(timespec="seconds") if q.oldest_pending else "-"
        click.echo(
            f"{q.platform_id:>3} {q.name[:28]:<28} {q.pending:>8} {q.retrying:>8} "
            f"{q.failed:>7} {q.sent:>7} {q.not_linked:>9}  {oldest}"
        )


@scores_cli.command("resync")
@click.option(
    "--course", required=True, help="The course's id in Selfpath, or its context id in the LMS."
)
def scores_resync(course: str) -> None:
    """Send a course's held and waiting scores again at the next worker pass."""
    count = grade_status.resync_course(db_session(), course)
    db_session().commit()
    click.echo(f"{count} score(s) of course {course} will be sent again.")


# -- the launch log -------------------------------------------------------------------------


class Age(click.ParamType):
    name = "age"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> timedelta:
        if isinstance(value, timedelta):
            return value
        try:
            return parse_age(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


@launches_cli.command("purge")
@click.option(
    "--older-than",
    "older_than",
    type=Age(),
    required=True,
    help="Remove launch records older than this, e.g. 30d or 12h.",
)
def launches_purge(older_than: timedelta) -> None:
    """Remove old launch records, and every expired launch state and seen nonce."""
    report = purge_launches(db_session(), now=utcnow(), older_than=older_than)
    click.echo(f"Removed {report}.")
