"""`flask demo seed` registers the demo LMS; `flask admin hash-password` makes the value
of ADMIN_PASSWORD_HASH."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from service.extensions import db_session

demo = AppGroup("demo", help="The built-in demo LMS.")
admin = AppGroup("admin", help="The admin console.")


def register(app: Flask) -> None:
    app.cli.add_command(demo)
    app.cli.add_command(admin)


@admin.command("hash-password")
@click.password_option("--password", help="The admin password (asked for when not given).")
def admin_hash_password(password: str) -> None:
    """Print the ADMIN_PASSWORD_HASH for a password, so the password is not kept in
    the environment."""
    from werkzeug.security import generate_password_hash

    click.echo(generate_password_hash(password))


@demo.command("seed")
def demo_seed() -> None:
    """Register the demo LMS and seed its courses, demo paths and classes (safe to run
    again)."""
    from service.clock import now
    from service.demo.lms import register_demo_platform, seed_demo_classes, seed_demo_course

    platform = register_demo_platform(db_session())
    seed_demo_course(db_session(), platform, now())
    added = seed_demo_classes(db_session(), platform, now())
    db_session().commit()
    click.echo(f"Demo LMS registered: {platform.issuer} (client {platform.client_id}).")
    if added:
        click.echo(f"Demo classes seeded: {added} learners with progress.")
