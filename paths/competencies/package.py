"""A CASE package as read from its JSON binding, and the checks the JSON schema cannot
make: every association names a node of the package, and the hierarchy has no cycle."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from paths.errors import DomainError
from paths.graph import find_cycle

# Associations that order or nest nodes: a cycle in them has no meaning.
ACYCLIC_KINDS = ("isChildOf", "precedes")


class InvalidPackage(DomainError):
    """The CASE package is refused; the message names the identifiers involved."""

    code = "invalid_case_package"


@dataclass(frozen=True)
class DocumentData:
    identifier: str
    uri: str
    title: str
    creator: str = ""
    language: str | None = None
    version: str | None = None
    changed_at: datetime | None = None


@dataclass(frozen=True)
class ItemData:
    identifier: str
    uri: str
    statement: str
    code: str | None = None
    item_type: str | None = None
    language: str | None = None


@dataclass(frozen=True)
class AssociationData:
    identifier: str
    kind: str
    origin: str
    destination: str


@dataclass(frozen=True)
class Package:
    document: DocumentData
    items: tuple[ItemData, ...]
    associations: tuple[AssociationData, ...]


def check_package(package: Package) -> None:
    """Refuse duplicate identifiers, associations naming a node the package lacks (listed),
    and cycles in `isChildOf` or `precedes` (walked, e.g. `a → b → a`)."""
    nodes = [package.document.identifier, *(item.identifier for item in package.items)]
    duplicates = sorted({n for n in nodes if nodes.count(n) > 1})
    if duplicates:
        raise InvalidPackage(
            "these identifiers are used by more than one node: " + ", ".join(duplicates),
            params={"identifiers": ", ".join(duplicates)},
        )
    unknown = _unknown_nodes(package.associations, set(nodes))
    if unknown:
        raise InvalidPackage(
            "associations name identifiers that are not in the package: " + "; ".join(unknown),
            code="unknown_case_identifier",
            params={"identifiers": "; ".join(unknown)},
        )
    for kind in ACYCLIC_KINDS:
        cycle = _cycle_of(kind, package.associations)
        if cycle:
            named = " → ".join(cycle)
            raise InvalidPackage(
                f"the {kind} associations form a cycle: {named}",
                code="case_cycle",
                params={"cycle": named, "kind": kind},
            )


def _unknown_nodes(associations: Sequence[AssociationData], known: set[str]) -> list[str]:
    out: list[str] = []
    for association in associations:
        missing = [n for n in (association.origin, association.destination) if n not in known]
        if missing:
            out.append(f"{association.identifier} ({', '.join(missing)})")
    return out


@dataclass
class _Node:
    """A node of one association kind's graph, shaped as `find_cycle` walks it."""

    key: str
    prerequisites: list[str]
    remedial_for: str | None = None
    kind: str = ""


def _cycle_of(kind: str, associations: Sequence[AssociationData]) -> list[str] | None:
    edges: dict[str, list[str]] = {}
    for association in associations:
        if association.kind == kind:
            edges.setdefault(association.origin, []).append(association.destination)
            edges.setdefault(association.destination, [])
    return find_cycle([_Node(key, targets) for key, targets in edges.items()])
