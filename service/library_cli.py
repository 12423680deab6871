"""`flask library seed`: the starter catalogue in the open library; `flask library
harvest`: other repositories' resources into the resource catalogue."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from service.extensions import db_session
from service.lti.services import lti_services

library = AppGroup("library", help="The open library shared by every school.")


def register(app: Flask) -> None:
    app.cli.add_command(library)


@library.command("seed")
def library_seed() -> None:
    """Put the starter paths (Vietnamese and English) in the library; safe to run again."""
    from service.clock import now
    from service.library.starter import seed_library

    seeded = seed_library(db_session(), now())
    db_session().commit()
    click.echo(
        f"Starter library: {seeded.added} added, {seeded.updated} updated, "
        f"{seeded.unchanged} unchanged."
    )


@library.command("harvest")
@click.argument("base_url")
@click.option(
    "--max-pages",
    type=click.IntRange(1, 100_000),
    default=1000,
    show_default=True,
    help="Stop with an error past this many pages (a repository that never ends).",
)
def library_harvest(base_url: str, max_pages: int) -> None:
    """Import resource records (oai_dc) from the OAI-PMH repository at BASE_URL into the
    resource catalogue, from its last complete harvest on; safe to run again."""
    from service.clock import now
    from service.library.harvest import harvest
    from service.library.oai_client import OaiRepository, check_base_url
    from service.library.oai_xml import HarvestError

    settings = current_app.extensions["selfpath.settings"]
    try:
        url = check_base_url(base_url, production=settings.is_production)
        repository = OaiRepository(
            lti_services().http, url, max_pages=max_pages, timeout=settings.http_timeout_seconds
        )
        done = harvest(db_session(), repository, now)
    except HarvestError as error:
        db_session().rollback()
        raise click.ClickException(
            f"Harvest stopped: {error}. Pages already imported are "
            "kept; the next harvest starts again from the last "
            "complete one."
        ) from None
    since = f"changes since {done.since}" if done.since else "everything"
    count = done.count
    click.echo(
        f"Harvested {url} ({since}, {done.pages} pages): {count.added} added, "
        f"{count.updated} updated, {count.deleted} deleted, {count.unchanged} "
        f"unchanged, {count.skipped} skipped."
    )
