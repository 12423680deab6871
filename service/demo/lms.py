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
from service.demo.platform import LaunchContext, PlatformKey
from service.path_json import load_path
from service.settings import current_settings

CLIENT_ID = "selfpath-demo"
DEPLOYMENT_ID = "demo-deployment-1"
COURSE = {"context_id": "demo-course-1", "context_title": "Digital skills 101"}
ACTIVITY = {"resource_link_id": "demo-activity-1", "resource_link_title": "My self-study path"}
ACTIVITY_VI = {
    "resource_link_id": "demo-activity-vi",
    "resource_link_title": "Lộ trình tự học của tôi",
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
        **COURSE,
        **ACTIVITY_VI,
    ),
    "teacher-vi": LaunchContext(
        subject="demo-teacher-2",
        role="teacher",
        name="Thu Hà",
        email="thu.ha@demo.invalid",
        locale="vi",
        **COURSE,
        **ACTIVITY_VI,
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
    """The demo course, its two activities, and the demo path in English and Vietnamese,
    each assigned to one activity (idempotent)."""
    deployment = find_deployment(session, platform, DEPLOYMENT_ID)
    assert deployment is not None
    tenant_id = deployment.tenant_id
    course = _get_or_add(
        session,
        Course,
        tenant_id=tenant_id,
        context_id=COURSE["context_id"],
        title=COURSE["context_title"],
    )
    for language, place in (("en", ACTIVITY), ("vi", ACTIVITY_VI)):
        activity = _get_or_add(
            session,
            Activity,
            tenant_id=tenant_id,
            course_id=course.id,
            resource_link_id=place["resource_link_id"],
            title=place["resource_link_title"],
        )
        if assignment_for_activity(session, activity.id) is None:
            version = _demo_path(session, tenant_id, language, now)
            assign(session, activity.id, version, assigned_by=None, now=now)


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
