"""Alignments of a path's skills to competencies: what a draft says, how publishing turns
it into rows, and how pages read a version's alignments (one statement)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from paths.competencies.models import Competency, CompetencyAlignment, Framework
from paths.errors import DomainError
from paths.library.normalise import query_terms, searchable

SEARCH_LIMIT = 50


@dataclass(frozen=True)
class AlignmentDraft:
    """As the `selfpath-path/1` format writes it: a skill key, the framework's URI, and the
    competency's CASE identifier (or URI); optionally the step the alignment is about."""

    skill: str
    framework: str
    item: str
    step: str | None = None


@dataclass(frozen=True)
class Aligned:
    """A version's alignment with what pages show of its competency."""

    skill: str
    step: str | None
    competency_id: int
    identifier: str
    uri: str
    code: str | None
    statement: str
    framework_uri: str
    framework_title: str

    @property
    def label(self) -> str:
        return f"{self.code} — {self.statement}" if self.code else self.statement


def visible(tenant_id: int | None) -> Any:
    """Frameworks a school's authors may align to: the library's and their own."""
    if tenant_id is None:
        return Framework.scope.is_(None)
    return or_(Framework.scope.is_(None), Framework.scope == tenant_id)


def frameworks_for(session: Session, tenant_id: int | None) -> Sequence[Framework]:
    return session.scalars(
        select(Framework).where(visible(tenant_id)).order_by(Framework.title, Framework.id)
    ).all()


def find_competencies(
    session: Session, tenant_id: int | None, words: str = "", limit: int = SEARCH_LIMIT
) -> list[Competency]:
    """Competencies of the visible frameworks whose code or statement holds every word
    (case and diacritics ignored), in framework order; at most `limit`."""
    wanted = query_terms(words)
    rows = session.scalars(
        select(Competency)
        .join(Framework)
        .where(visible(tenant_id))
        .order_by(Framework.title, Framework.id, Competency.position)
    )
    out: list[Competency] = []
    for row in rows:
        text = searchable(f"{row.code or ''} {row.statement}")
        if all(word in text for word in wanted):
            out.append(row)
            if len(out) == limit:
                break
    return out


def visible_competency(
    session: Session, tenant_id: int | None, competency_id: int
) -> Competency | None:
    return session.scalars(
        select(Competency).join(Framework).where(Competency.id == competency_id, visible(tenant_id))
    ).first()


def draft_alignment(competency: Competency, skill: str) -> AlignmentDraft:
    return AlignmentDraft(
        skill=skill, framework=competency.framework.uri, item=competency.identifier
    )


def alignment_rows(
    session: Session, alignments: Sequence[AlignmentDraft], tenant_id: int | None
) -> list[CompetencyAlignment]:
    """Rows for a version being published; an alignment to a competency this school cannot
    see is refused, naming it the way the format does (`alignments[0].item`)."""
    rows: list[CompetencyAlignment] = []
    for index, alignment in enumerate(alignments):
        competency = competency_for(session, alignment, tenant_id)
        if competency is None:
            raise DomainError(
                f"alignments[{index}].item: no competency {alignment.item!r} in "
                f"a framework {alignment.framework!r} available to this school",
                code="unknown_competency",
            )
        rows.append(
            CompetencyAlignment(
                skill=alignment.skill,
                step_key=alignment.step,
                competency_id=competency.id,
                position=index,
            )
        )
    return rows


def available(
    session: Session, alignments: Sequence[AlignmentDraft], tenant_id: int | None
) -> tuple[AlignmentDraft, ...]:
    """The alignments this school can see (a copy of another school's path keeps those)."""
    return tuple(a for a in alignments if competency_for(session, a, tenant_id) is not None)


def competency_for(
    session: Session, alignment: AlignmentDraft, tenant_id: int | None
) -> Competency | None:
    return session.scalars(
        select(Competency)
        .join(Framework)
        .where(
            Framework.uri == alignment.framework,
            visible(tenant_id),
            or_(Competency.identifier == alignment.item, Competency.uri == alignment.item),
        )
        .order_by(Framework.id)
    ).first()


def version_alignments(session: Session, version_id: int) -> list[Aligned]:
    """The version's alignments in the author's order (one statement)."""
    return [Aligned(*row) for row in session.execute(_aligned(version_id))]


def _aligned(version_id: int) -> Select[Any]:
    return (
        select(
            CompetencyAlignment.skill,
            CompetencyAlignment.step_key,
            Competency.id,
            Competency.identifier,
            Competency.uri,
            Competency.code,
            Competency.statement,
            Framework.uri,
            Framework.title,
        )
        .join(Competency, Competency.id == CompetencyAlignment.competency_id)
        .join(Framework, Framework.id == Competency.framework_id)
        .where(CompetencyAlignment.version_id == version_id)
        .order_by(CompetencyAlignment.position, CompetencyAlignment.id)
    )


def educational_alignment(aligned: Sequence[Aligned]) -> list[dict[str, str]]:
    """schema.org/LRMI `AlignmentObject`s: the path teaches each aligned competency."""
    seen: dict[int, dict[str, str]] = {}
    for a in aligned:
        seen.setdefault(
            a.competency_id,
            {
                "@type": "AlignmentObject",
                "alignmentType": "teaches",
                "targetName": a.label,
                "targetUrl": a.uri,
                "educationalFramework": a.framework_title,
            },
        )
    return list(seen.values())
