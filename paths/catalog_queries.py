"""Finding paths a course may use."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.orm import Session

from paths.catalog import LearningPath, PathVersion
from paths.errors import NotFound


def paths_for_course(session: Session, tenant_id: int, course_id: int | None) -> list[LearningPath]:
    """The course's own paths, its school's templates, and shared templates."""
    conditions: list[ColumnElement[bool]] = [
        LearningPath.is_template.is_(True)
        & ((LearningPath.tenant_id == tenant_id) | LearningPath.tenant_id.is_(None))
    ]
    if course_id is not None:
        conditions.append(LearningPath.course_id == course_id)
    published = select(PathVersion.path_id)
    return list(
        session.scalars(
            select(LearningPath)
            .where(or_(*conditions), LearningPath.id.in_(published))
            .order_by(LearningPath.title, LearningPath.id)
        )
    )


def latest_version(session: Session, path_id: int) -> PathVersion:
    version = session.scalars(
        select(PathVersion)
        .where(PathVersion.path_id == path_id)
        .order_by(PathVersion.number.desc())
        .limit(1)
    ).first()
    if version is None:
        raise NotFound("That path has no published version.", code="path_not_available")
    return version


def paths_for_teacher(
    session: Session, tenant_id: int, course_id: int | None, user_id: int
) -> dict[str, list[LearningPath]]:
    """Paths a teacher can place in a course, grouped as the selection page shows them."""
    published = select(PathVersion.path_id)
    rows = session.scalars(
        select(LearningPath)
        .where(
            LearningPath.id.in_(published),
            or_(LearningPath.tenant_id == tenant_id, LearningPath.tenant_id.is_(None)),
            or_(
                LearningPath.owner_id == user_id,
                LearningPath.is_template.is_(True),
                LearningPath.course_id == course_id if course_id is not None else false(),
            ),
        )
        .order_by(LearningPath.title, LearningPath.id)
    ).all()
    groups: dict[str, list[LearningPath]] = {"mine": [], "course": [], "templates": []}
    for path in rows:
        if path.owner_id == user_id:
            groups["mine"].append(path)
        elif course_id is not None and path.course_id == course_id:
            groups["course"].append(path)
        else:
            groups["templates"].append(path)
    return groups


def find_placeable_path(
    session: Session, path_id: int, tenant_id: int, course_id: int | None, user_id: int | None
) -> LearningPath:
    """The path if this course may use it; otherwise NotFound (no hint of other courses)."""
    path = session.get(LearningPath, path_id)
    allowed = (
        path is not None
        and path.tenant_id in (tenant_id, None)
        and (
            path.is_template
            or path.owner_id == user_id
            or (course_id is not None and path.course_id == course_id)
        )
    )
    if not allowed or path is None:
        raise NotFound("That path is not available to this course.", code="path_not_available")
    return path


def version_of(session: Session, path_id: int, number: int | None) -> PathVersion:
    if number is None:
        return latest_version(session, path_id)
    version = session.scalars(
        select(PathVersion).where(PathVersion.path_id == path_id, PathVersion.number == number)
    ).first()
    return version or latest_version(session, path_id)
