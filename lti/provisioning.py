"""A launch's people, course, activity and membership, created or brought up to date.

Most launches are a learner coming back with nothing changed: one read of the stored
columns (no ORM rows) compares them with the launch's claims, and when they all match
nothing more is read or written. Otherwise the rows are read, and only what is new or
changed is written."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import RowMapping, Table, and_, bindparam, select
from sqlalchemy.orm import Session

from lti.ags_endpoint import endpoint_unchanged, store_endpoint
from lti.launch import Launch
from lti.models import AgsEndpoint, Deployment
from lti.rosters import remember_roster_address
from paths.db import insert_or_get
from paths.enrollment import Assignment
from paths.people import TEACHER, Activity, Course, Membership, Tenant, User

# "Last seen" and "last launch" move on when older than this, so a learner who reopens the
# activity within minutes does not rewrite their rows on every launch.
LAST_SEEN_PRECISION = timedelta(minutes=5)

KnownParties = tuple[
    Tenant, Course | None, Activity | None, Assignment | None, User | None, Membership | None
]


@dataclass(frozen=True)
class LaunchParties:
    user_id: int
    course_id: int | None
    activity_id: int | None
    tenant_id: int  # the school of the launch's deployment
    assignment_id: int | None = None  # the path placed on the activity, if any


def provision(session: Session, launch: Launch, now: datetime) -> LaunchParties:
    """The launch's parties as stored, when the launch changes none of them; else one
    lookup, then only what is new or changed is written. A row another launch inserts
    meanwhile (the same person in two browsers) is taken as found."""
    unchanged = unchanged_parties(session, launch, now)
    if unchanged is not None:
        return unchanged
    tenant, course, activity, assignment, user, membership = find_parties(session, launch)
    if launch.context_id:
        course = _course(session, launch, tenant, course)
    else:
        course, membership = None, None
    user = _user(session, launch, user, now)
    activity = (
        _activity(session, launch, tenant, course, activity) if launch.resource_link_id else None
    )
    if course is not None:
        _membership(session, user, course, membership, launch.role, now)
        if launch.role == TEACHER and launch.nrps:
            url = launch.nrps.get("context_memberships_url")
            if isinstance(url, str) and url:
                remember_roster_address(session, course.id, launch.platform_id, url)
    if activity is not None and launch.ags:
        store_endpoint(session, activity.id, launch.platform_id, launch.ags, now)
    session.flush()
    return LaunchParties(
        user_id=user.id,
        course_id=course.id if course else None,
        activity_id=activity.id if activity else None,
        tenant_id=tenant.id,
        assignment_id=assignment.id if assignment else None,
    )


def unchanged_parties(session: Session, launch: Launch, now: datetime) -> LaunchParties | None:
    """The parties in one read of their columns when the launch would write nothing;
    None when anything is new or changed (or the launch is a teacher's that names the
    course roster, which is kept on every such launch)."""
    if launch.role == TEACHER and launch.nrps:
        return None
    row = session.execute(STORED_COLUMNS, _launch_keys(launch)).mappings().first()
    if row is None or row["user_id"] is None or not _same_person(row, launch, now):
        return None
    if launch.context_id and not _same_course(row, launch, now):
        return None
    if launch.resource_link_id and not _same_activity(row, launch):
        return None
    course_id = row["course_id"] if launch.context_id else None
    activity_id = row["activity_id"] if launch.resource_link_id else None
    return LaunchParties(
        user_id=row["user_id"],
        course_id=course_id,
        activity_id=activity_id,
        tenant_id=row["tenant_id"],
        assignment_id=row["assignment_id"] if activity_id else None,
    )


def _stored_columns_statement() -> Any:
    """Built once: its cache key is computed once, not on every launch. Of the tables'
    columns, not the mapped classes' attributes: a select of those is read through the
    ORM's layer even when it returns only columns (about 60 us more per launch)."""
    deployment, course, activity, assignment, user, membership, endpoint = (
        cast(Table, model.__table__)
        for model in (Deployment, Course, Activity, Assignment, User, Membership, AgsEndpoint)
    )
    return (
        select(
            deployment.c.tenant_id,
            course.c.id.label("course_id"),
            course.c.title.label("course_title"),
            course.c.label.label("course_label"),
            activity.c.id.label("activity_id"),
            activity.c.course_id.label("activity_course_id"),
            activity.c.title.label("activity_title"),
            assignment.c.id.label("assignment_id"),
            user.c.id.label("user_id"),
            user.c.name,
            user.c.email,
            user.c.locale,
            user.c.last_seen_at,
            membership.c.id.label("membership_id"),
            membership.c.role,
            membership.c.last_launch_at,
            endpoint.c.id.label("endpoint_id"),
            endpoint.c.platform_id,
            endpoint.c.lineitem_url,
            endpoint.c.lineitems_url,
            endpoint.c.scopes,
            endpoint.c.line_item_created,
        )
        .select_from(deployment)
        .outerjoin(
            course,
            and_(
                course.c.tenant_id == deployment.c.tenant_id,
                course.c.context_id == bindparam("context_id"),
            ),
        )
        .outerjoin(
            activity,
            and_(
                activity.c.tenant_id == deployment.c.tenant_id,
                activity.c.resource_link_id == bindparam("resource_link_id"),
            ),
        )
        .outerjoin(assignment, assignment.c.activity_id == activity.c.id)
        .outerjoin(endpoint, endpoint.c.activity_id == activity.c.id)
        .outerjoin(
            user,
            and_(user.c.issuer == bindparam("issuer"), user.c.subject == bindparam("subject")),
        )
        .outerjoin(
            membership,
            and_(membership.c.user_id == user.c.id, membership.c.course_id == course.c.id),
        )
        .where(
            deployment.c.platform_id == bindparam("platform_id"),
            deployment.c.deployment_id == bindparam("deployment_id"),
        )
    )


STORED_COLUMNS = _stored_columns_statement()


def _launch_keys(launch: Launch) -> dict[str, Any]:
    return {
        "platform_id": launch.platform_id,
        "deployment_id": launch.deployment_id,
        "context_id": launch.context_id,
        "resource_link_id": launch.resource_link_id,
        "issuer": launch.issuer,
        "subject": launch.subject,
    }


def _kept(stored: object, claimed: object) -> bool:
    """A claim the platform left out keeps what is stored (it may withhold PII)."""
    return claimed is None or claimed == stored


def _same_person(row: RowMapping, launch: Launch, now: datetime) -> bool:
    return (
        _kept(row["name"], launch.name)
        and _kept(row["email"], launch.email)
        and _kept(row["locale"], launch.locale)
        and not _stale(row["last_seen_at"], now)
    )


def _same_course(row: RowMapping, launch: Launch, now: datetime) -> bool:
    return (
        row["course_id"] is not None
        and _kept(row["course_title"], launch.context_title)
        and _kept(row["course_label"], launch.context_label)
        and row["membership_id"] is not None
        and row["role"] == launch.role
        and not _stale(row["last_launch_at"], now)
    )


def _same_activity(row: RowMapping, launch: Launch) -> bool:
    course_id = row["course_id"] if launch.context_id else None
    if row["activity_id"] is None or not _kept(row["activity_title"], launch.resource_link_title):
        return False
    if course_id is not None and row["activity_course_id"] != course_id:
        return False
    if not launch.ags:
        return True
    return row["endpoint_id"] is not None and endpoint_unchanged(
        row, launch.platform_id, launch.ags
    )


def find_parties(session: Session, launch: Launch) -> KnownParties:
    """The tenant of the launch's deployment, course, activity and its assignment, user
    and membership in one statement; None for each the LMS has not launched Selfpath with
    before."""
    row = session.execute(
        select(Tenant, Course, Activity, Assignment, User, Membership)
        .select_from(Deployment)
        .join(Tenant, Tenant.id == Deployment.tenant_id)
        .outerjoin(
            Course, and_(Course.tenant_id == Tenant.id, Course.context_id == launch.context_id)
        )
        .outerjoin(
            Activity,
            and_(
                Activity.tenant_id == Tenant.id,
                Activity.resource_link_id == launch.resource_link_id,
            ),
        )
        .outerjoin(Assignment, Assignment.activity_id == Activity.id)
        .outerjoin(User, and_(User.issuer == launch.issuer, User.subject == launch.subject))
        .outerjoin(
            Membership, and_(Membership.user_id == User.id, Membership.course_id == Course.id)
        )
        .where(
            Deployment.platform_id == launch.platform_id,
            Deployment.deployment_id == launch.deployment_id,
        )
    ).one()
    return row._tuple()


def _changed(row: object, **values: object) -> None:
    """Assign only what differs, so an unchanged launch writes nothing."""
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def _stale(seen: datetime | None, now: datetime) -> bool:
    return seen is None or now - seen >= LAST_SEEN_PRECISION


def _user(session: Session, launch: Launch, user: User | None, now: datetime) -> User:
    if user is None:
        user = insert_or_get(
            session,
            User,
            {
                "issuer": launch.issuer,
                "subject": launch.subject,
                "name": launch.name,
                "email": launch.email,
                "locale": launch.locale,
                "created_at": now,
                "last_seen_at": now,
            },
            ["issuer", "subject"],
        )
    # Name and email only when the platform shares them (it may withhold PII).
    _changed(
        user,
        name=launch.name or user.name,
        email=launch.email or user.email,
        locale=launch.locale or user.locale,
    )
    if _stale(user.last_seen_at, now):
        user.last_seen_at = now
    return user


def _course(session: Session, launch: Launch, tenant: Tenant, course: Course | None) -> Course:
    if course is None:
        course = insert_or_get(
            session,
            Course,
            {
                "tenant_id": tenant.id,
                "context_id": launch.context_id,
                "title": launch.context_title,
                "label": launch.context_label,
            },
            ["tenant_id", "context_id"],
        )
    _changed(
        course,
        title=launch.context_title or course.title,
        label=launch.context_label or course.label,
    )
    return course


def _activity(
    session: Session,
    launch: Launch,
    tenant: Tenant,
    course: Course | None,
    activity: Activity | None,
) -> Activity:
    course_id = course.id if course else None
    if activity is None:
        activity = insert_or_get(
            session,
            Activity,
            {
                "tenant_id": tenant.id,
                "resource_link_id": launch.resource_link_id,
                "course_id": course_id,
                "title": launch.resource_link_title,
            },
            ["tenant_id", "resource_link_id"],
        )
    # A launch without a course claim leaves the activity in the course it was placed in.
    _changed(
        activity,
        course_id=course_id or activity.course_id,
        title=launch.resource_link_title or activity.title,
    )
    return activity


def _membership(
    session: Session,
    user: User,
    course: Course,
    membership: Membership | None,
    role: str,
    now: datetime,
) -> None:
    if membership is None:
        membership = insert_or_get(
            session,
            Membership,
            {"user_id": user.id, "course_id": course.id, "role": role, "last_launch_at": now},
            ["user_id", "course_id"],
        )
    # The role follows the latest launch: a learner made teaching assistant teaches.
    _changed(membership, role=role)
    if _stale(membership.last_launch_at, now):
        membership.last_launch_at = now
