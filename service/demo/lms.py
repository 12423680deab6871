"""The demo LMS's own facts: its issuer, client, deployment, course and people."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from lti.models import Platform
from lti.registrations import (
    PlatformDetails,
    add_deployment,
    add_platform,
    find_deployment,
    find_platform,
)
from paths.authoring import create_path
from paths.catalog import LearningPath, PathVersion
from paths.catalog_queries import latest_version
from paths.enrollment import assign, assignment_for_activity
from paths.people import Activity, Course
from service.demo.classroom import ENGLISH_CLASS, VIETNAMESE_CLASS, seed_demo_class
from service.demo.platform import LaunchContext, PlatformKey
from service.path_json import load_path
from service.settings import current_settings

CLIENT_ID = "selfpath-demo"
DEPLOYMENT_ID = "demo-deployment-1"
COURSE = {"context_id": "demo-course-1", "context_title": "Digital skills 101"}
COURSE_VI = {"context_id": "demo-course-vi", "context_title": "Kỹ năng số 101"}
ACTIVITY = {"resource_link_id": "demo-activity-1", "resource_link_title": "My self-study path"}
ACTIVITY_VI = {
    "resource_link_id": "demo-activity-vi",
    "resource_link_title": "Lộ trình tự học của tôi",
}
# An activity the teacher has placed in each course but not chosen a path for yet: what a
# learner sees there before the teacher does.
ACTIVITY_NEW = {"resource_link_id": "demo-activity-2", "resource_link_title": "Next unit"}
ACTIVITY_NEW_VI = {
    "resource_link_id": "demo-activity-vi-2",
    "resource_link_title": "Chủ đề tiếp theo",
}
PEOPLE = {
    "learner": LaunchContext(
        subject="demo-learner-1",
        role="learner",
        name="An Nguyen",
        email="an.nguyen@demo.invalid",
        **COURSE,
        **ACTIVITY,
    ),
    "teacher": LaunchContext(
        subject="demo-teacher-1",
        role="teacher",
        name="Minh Tran",
        email="minh.tran@demo.invalid",
        **COURSE,
        **ACTIVITY,
    ),
    "learner-vi": LaunchContext(
        subject="demo-learner-2",
        role="learner",
        name="Bình Lê",
        email="binh.le@demo.invalid",
        locale="vi",
        **COURSE_VI,
        **ACTIVITY_VI,
    ),
    "teacher-vi": LaunchContext(
        subject="demo-teacher-2",
        role="teacher",
        name="Thu Hà",
        email="thu.ha@demo.invalid",
        locale="vi",
        **COURSE_VI,
        **ACTIVITY_VI,
    ),
    "learner-new": LaunchContext(
        subject="demo-learner-1",
        role="learner",
        name="An Nguyen",
        email="an.nguyen@demo.invalid",
        **COURSE,
        **ACTIVITY_NEW,
    ),
    "learner-new-vi": LaunchContext(
        subject="demo-learner-2",
        role="learner",
        name="Bình Lê",
        email="binh.le@demo.invalid",
        locale="vi",
        **COURSE_VI,
        **ACTIVITY_NEW_VI,
    ),
}
CONTENT = Path(__file__).resolve().parent / "content"


def issuer() -> str:
    """The demo LMS's issuer: its pages on DEMO_LMS_URL (another site than the tool's,
    as a real LMS is), or on the tool's own BASE_URL when that is unset."""
    settings = current_settings()
    return (settings.demo_lms_url or settings.base_url) + "/demo"


def demo_key() -> PlatformKey:
    key: PlatformKey | None = current_app.extensions.get("selfpath.demo_key")
    if key is None:
        path = Path(current_settings().instance_path) / "demo_lms_key.pem"
        key = PlatformKey.from_file(path)
        current_app.extensions["selfpath.demo_key"] = key
    return key


def register_demo_platform(session: Session) -> Platform:
    """Register the demo LMS with the tool (idempotent)."""
    existing = find_platform(session, issuer(), CLIENT_ID)
    if existing is not None:
        return existing
    base = issuer()
    platform = add_platform(
        session,
        PlatformDetails(
            name="Demo LMS",
            issuer=base,
            client_id=CLIENT_ID,
            auth_login_url=base + "/auth",
            auth_token_url=base + "/token",
            key_set_url=base + "/jwks",
        ),
    )
    add_deployment(session, platform.id, DEPLOYMENT_ID)
    return platform


def seed_demo_course(session: Session, platform: Platform, now: datetime) -> None:
    """The demo courses (one taught in English, one in Vietnamese), an activity in each, and
    the demo path in that language assigned to it (idempotent)."""
    tenant_id = _demo_tenant(session, platform)
    for language, course, place in (("en", COURSE, ACTIVITY), ("vi", COURSE_VI, ACTIVITY_VI)):
        activity = _demo_activity(session, tenant_id, course, place)
        if assignment_for_activity(session, activity.id) is None:
            version = _demo_path(session, tenant_id, language, now)
            assign(session, activity.id, version, assigned_by=None, now=now)


def seed_demo_classes(session: Session, platform: Platform, now: datetime) -> int:
    """A class of thirty on each demo activity, with progress (idempotent): the number
    of learners added."""
    tenant_id = _demo_tenant(session, platform)
    added = 0
    for course, place, names in (
        (COURSE, ACTIVITY, ENGLISH_CLASS),
        (COURSE_VI, ACTIVITY_VI, VIETNAMESE_CLASS),
    ):
        activity = _demo_activity(session, tenant_id, course, place)
        assignment = assignment_for_activity(session, activity.id)
        assert assignment is not None and activity.course_id is not None, "seed the course first"
        added += seed_demo_class(
            session, assignment, activity.course_id, platform.issuer, names, now
        )
    return added


def _demo_tenant(session: Session, platform: Platform) -> int:
    deployment = find_deployment(session, platform, DEPLOYMENT_ID)
    assert deployment is not None
    return deployment.tenant_id


def _demo_activity(
    session: Session, tenant_id: int, course: dict[str, str], place: dict[str, str]
) -> Activity:
    row = _get_or_add(
        session,
        Course,
        tenant_id=tenant_id,
        context_id=course["context_id"],
        title=course["context_title"],
    )
    activity: Activity = _get_or_add(
        session,
        Activity,
        tenant_id=tenant_id,
        course_id=row.id,
        resource_link_id=place["resource_link_id"],
        title=place["resource_link_title"],
    )
    return activity


def _demo_path(session: Session, tenant_id: int, language: str, now: datetime) -> PathVersion:
    draft = load_path(json.loads((CONTENT / f"digital_skills.{language}.json").read_text()))
    existing = session.scalars(
        select(LearningPath).where(
            LearningPath.tenant_id == tenant_id, LearningPath.title == draft.title
        )
    ).first()
    if existing is not None:
        return latest_version(session, existing.id)
    return create_path(session, draft, now=now, tenant_id=tenant_id, is_template=True)


def _get_or_add(session: Session, model: type[Any], **values: Any) -> Any:
    keys = {k: v for k, v in values.items() if k not in ("title",)}
    row = session.scalars(select(model).filter_by(**keys)).first()
    if row is None:
        row = model(**values)
        session.add(row)
        session.flush()
    return row
