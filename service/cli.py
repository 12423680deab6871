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
    """Register the demo LMS and seed its course and demo path (safe to run again)."""
    from service.clock import now
    from service.demo.lms import register_demo_platform, seed_demo_course

    platform = register_demo_platform(db_session())
    seed_demo_course(db_session(), platform, now())
    db_session().commit()
    click.echo(f"Demo LMS registered: {platform.issuer} (client {platform.client_id}).")
