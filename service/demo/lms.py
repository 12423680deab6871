"""The demo LMS's own facts: its issuer, client, deployment, course and people."""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from sqlalchemy.orm import Session

from lti.models import Platform
from lti.registrations import PlatformDetails, add_deployment, add_platform, find_platform
from service.demo.platform import LaunchContext, PlatformKey
from service.settings import current_settings

CLIENT_ID = "selfpath-demo"
DEPLOYMENT_ID = "demo-deployment-1"
COURSE = {"context_id": "demo-course-1", "context_title": "Digital skills 101"}
ACTIVITY = {"resource_link_id": "demo-activity-1",
            "resource_link_title": "My self-study path"}
PEOPLE = {
    "learner": LaunchContext(subject="demo-learner-1", role="learner", name="An Nguyen",
                             email="an.nguyen@demo.invalid", **COURSE, **ACTIVITY),
    "teacher": LaunchContext(subject="demo-teacher-1", role="teacher", name="Minh Tran",
                             email="minh.tran@demo.invalid", **COURSE, **ACTIVITY),
}


def issuer() -> str:
    return current_settings().base_url + "/demo"


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
    platform = add_platform(session, PlatformDetails(
        name="Demo LMS", issuer=base, client_id=CLIENT_ID, auth_login_url=base + "/auth",
        auth_token_url=base + "/token", key_set_url=base + "/jwks"))
    add_deployment(session, platform.id, DEPLOYMENT_ID)
    return platform
