"""A launch's people, course, activity and membership, created or brought up to date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from lti.ags_endpoint import store_endpoint
from lti.launch import Launch
from lti.models import Deployment, Platform
from lti.registrations import find_deployment
from paths.people import Activity, Course, Membership, User


@dataclass(frozen=True)
class LaunchParties:
    user: User
    course: Course | None
    activity: Activity | None
    tenant: Deployment


def provision(session: Session, launch: Launch, now: datetime) -> LaunchParties:
    platform = session.get(Platform, launch.platform_id)
    assert platform is not None
    tenant = find_deployment(session, platform, launch.deployment_id)
    assert tenant is not None
    user = _user(session, launch, now)
    course = _course(session, launch, tenant) if launch.context_id else None
    activity = _activity(session, launch, tenant, course) if launch.resource_link_id else None
    if course is not None:
        _membership(session, user, course, launch.role, now)
    if activity is not None and launch.ags:
        store_endpoint(session, activity.id, platform.id, launch.ags, now)
    session.flush()
    return LaunchParties(user=user, course=course, activity=activity, tenant=tenant)


def _changed(row: object, **values: object) -> None:
    """Assign only what differs, so an unchanged launch writes nothing."""
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)


def _user(session: Session, launch: Launch, now: datetime) -> User:
    user = session.scalars(select(User).where(User.issuer == launch.issuer,
                                              User.subject == launch.subject)).first()
    if user is None:
        user = User(issuer=launch.issuer, subject=launch.subject, created_at=now)
        session.add(user)
    # Name and email only when the platform shares them (it may withhold PII).
    _changed(user, name=launch.name or user.name, email=launch.email or user.email,
             locale=launch.locale or user.locale, last_seen_at=now)
    return user


def _course(session: Session, launch: Launch, tenant: Deployment) -> Course:
    course = session.scalars(select(Course).where(Course.tenant_id == tenant.id,
                                                  Course.context_id == launch.context_id)).first()
    if course is None:
        course = Course(tenant_id=tenant.id, context_id=launch.context_id)
        session.add(course)
    _changed(course, title=launch.context_title or course.title,
             label=launch.context_label or course.label)
    return course


def _activity(session: Session, launch: Launch, tenant: Deployment,
              course: Course | None) -> Activity:
    activity = session.scalars(select(Activity).where(
        Activity.tenant_id == tenant.id,
        Activity.resource_link_id == launch.resource_link_id)).first()
    if activity is None:
        activity = Activity(tenant_id=tenant.id, resource_link_id=launch.resource_link_id)
        session.add(activity)
        session.flush()
    _changed(activity, course_id=course.id if course else activity.course_id,
             title=launch.resource_link_title or activity.title)
    return activity


def _membership(session: Session, user: User, course: Course, role: str, now: datetime) -> None:
    session.flush()
    membership = session.scalars(select(Membership).where(
        Membership.user_id == user.id, Membership.course_id == course.id)).first()
    if membership is None:
        session.add(Membership(user_id=user.id, course_id=course.id, role=role,
                               last_launch_at=now))
        return
    _changed(membership, role=role, last_launch_at=now)
