"""`flask library seed`: the starter catalogue in the open library."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from service.extensions import db_session

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
    click.echo(f"Starter library: {seeded.added} added, {seeded.updated} updated, "
               f"{seeded.unchanged} unchanged.")
