"""Finding paths a course may use."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from paths.catalog import LearningPath, PathVersion
from paths.errors import NotFound


def paths_for_course(session: Session, tenant_id: int, course_id: int | None
                     ) -> list[LearningPath]:
    """The course's own paths, its school's templates, and shared templates."""
    conditions: list[ColumnElement[bool]] = [LearningPath.is_template.is_(True) & (
        (LearningPath.tenant_id == tenant_id) | LearningPath.tenant_id.is_(None))]
    if course_id is not None:
        conditions.append(LearningPath.course_id == course_id)
    return list(session.scalars(select(LearningPath).where(or_(*conditions))
                                .order_by(LearningPath.title, LearningPath.id)))


def latest_version(session: Session, path_id: int) -> PathVersion:
    version = session.scalars(select(PathVersion).where(PathVersion.path_id == path_id)
                              .order_by(PathVersion.number.desc()).limit(1)).first()
    if version is None:
        raise NotFound("That path has no published version.", code="path_not_available")
    return version
