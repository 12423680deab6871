"""`flask competencies import FILE [--school DEPLOYMENT_ID]`: a CASE 1.1 framework for one
school (its deployment, as the LMS names it) or, without --school, for every school."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from lti.models import Deployment
from paths.errors import DomainError
from service.extensions import db_session

competencies = AppGroup("competencies", help="Competency frameworks (1EdTech CASE 1.1).")


def register(app: Flask) -> None:
    app.cli.add_command(competencies)


@competencies.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--school",
    "deployment_id",
    default=None,
    help="The school's deployment ID; without it, the framework is for every school.",
)
@click.option(
    "--platform",
    "platform_id",
    type=int,
    default=None,
    help="The platform's number (`flask platforms list`) when several have the deployment ID.",
)
def import_command(file: Path, deployment_id: str | None, platform_id: int | None) -> None:
    """Import (or bring up to date) a CASE package: CFDocument, CFItems, CFAssociations."""
    from paths.competencies.importing import import_framework
    from service.case_json import read_package
    from service.clock import now

    try:
        scope = _school(deployment_id, platform_id) if deployment_id else None
        imported = import_framework(
            db_session(), read_package(file.read_bytes()), scope=scope, now=now(), may_move=True
        )
    except DomainError as error:
        db_session().rollback()
        raise click.ClickException(error.message) from error
    db_session().commit()
    verb = "imported" if imported.created else "brought up to date"
    where = f"school {deployment_id}" if deployment_id else "every school"
    click.echo(
        f"“{imported.framework.title}” {verb} for {where}: {imported.items} "
        f"competencies, {imported.associations} associations."
    )


def _school(deployment_id: str, platform_id: int | None) -> int:
    query = select(Deployment.tenant_id).where(Deployment.deployment_id == deployment_id)
    if platform_id is not None:
        query = query.where(Deployment.platform_id == platform_id)
    found = db_session().scalars(query).all()
    if not found:
        raise DomainError(f"No deployment {deployment_id!r} is registered.")
    if len(found) > 1:
        raise DomainError(
            f"Several platforms have a deployment {deployment_id!r}: say which with --platform."
        )
    return found[0]
