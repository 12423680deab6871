"""`flask demo seed`: register the demo LMS and its course with the tool."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from service.extensions import db_session

demo = AppGroup("demo", help="The built-in demo LMS.")


def register(app: Flask) -> None:
    app.cli.add_command(demo)


@demo.command("seed")
def demo_seed() -> None:
    """Register the demo LMS as a platform (safe to run again)."""
    from service.demo.lms import register_demo_platform

    platform = register_demo_platform(db_session())
    db_session().commit()
    click.echo(f"Demo LMS registered: {platform.issuer} (client {platform.client_id}).")
