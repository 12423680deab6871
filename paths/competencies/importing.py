"""Importing a CASE package: a new framework, or the same framework (same CFDocument
identifier) brought up to date in place, so importing a file twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from paths.competencies.models import Competency, CompetencyLink, Framework
from paths.competencies.package import Package, check_package
from paths.errors import Conflict


@dataclass(frozen=True)
class Imported:
    framework: Framework
    created: bool
    items: int
    associations: int


def import_framework(
    session: Session, package: Package, *, scope: int | None, now: datetime, may_move: bool = False
) -> Imported:
    """Store the package as the framework of `scope` (a school, or None: the library).

    A framework another scope holds is refused unless `may_move` (the site administrator's
    command line); a school's teachers cannot take over the library's or another school's.
    """
    check_package(package)
    framework = session.scalars(
        select(Framework).where(Framework.identifier == package.document.identifier)
    ).first()
    created = framework is None
    if framework is None:
        framework = Framework(identifier=package.document.identifier, scope=scope)
        session.add(framework)
    elif framework.scope != scope and not may_move:
        raise Conflict(
            "This framework is already on Selfpath for "
            + ("every school" if framework.scope is None else "another school")
            + ": it cannot be imported again here.",
            code="framework_elsewhere",
        )
    _describe(framework, package, scope, now)
    session.flush()
    _store_items(session, framework, package)
    _store_links(session, framework, package)
    session.flush()
    return Imported(framework, created, len(package.items), len(package.associations))


def _describe(framework: Framework, package: Package, scope: int | None, now: datetime) -> None:
    document = package.document
    framework.uri, framework.title, framework.creator = (
        document.uri,
        document.title,
        document.creator,
    )
    framework.language, framework.version = document.language, document.version
    framework.changed_at, framework.scope, framework.imported_at = document.changed_at, scope, now


def _store_items(session: Session, framework: Framework, package: Package) -> None:
    """Items keep their rows (and so the alignments to them); items the package no longer
    has are removed, with their alignments."""
    existing = {
        c.identifier: c
        for c in session.scalars(select(Competency).where(Competency.framework_id == framework.id))
    }
    for position, item in enumerate(package.items):
        row = existing.pop(item.identifier, None) or Competency(
            framework_id=framework.id, identifier=item.identifier
        )
        row.uri, row.statement, row.code = item.uri, item.statement, item.code
        row.item_type, row.language, row.position = item.item_type, item.language, position
        session.add(row)
    for gone in existing.values():
        session.delete(gone)


def _store_links(session: Session, framework: Framework, package: Package) -> None:
    session.execute(delete(CompetencyLink).where(CompetencyLink.framework_id == framework.id))
    session.add_all(
        CompetencyLink(
            framework_id=framework.id,
            identifier=a.identifier,
            kind=a.kind,
            origin=a.origin,
            destination=a.destination,
        )
        for a in package.associations
    )
