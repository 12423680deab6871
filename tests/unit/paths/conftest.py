import json
from pathlib import Path

import pytest

from paths.authoring import create_path
from paths.db import utcnow
from paths.enrollment import assign, enroll
from paths.people import Activity, Course, User
from service.path_json import load_path
from tests.platform import TestPlatform

DEMO = Path(__file__).resolve().parents[3] / "service/demo/content/digital_skills.en.json"


@pytest.fixture
def demo_draft():
    return load_path(json.loads(DEMO.read_text()))


@pytest.fixture
def enrollment(session, platform_server, demo_draft):
    lms = TestPlatform(platform_server, name="unit", client_id="unit-1")
    lms.register(session)
    from lti.models import Deployment

    tenant_id = session.query(Deployment.tenant_id).scalar()
    course = Course(tenant_id=tenant_id, context_id="c1", title="Course")
    session.add(course)
    session.flush()
    activity = Activity(tenant_id=tenant_id, course_id=course.id, resource_link_id="r1")
    user = User(issuer=lms.issuer, subject="u1")
    session.add_all([activity, user])
    session.flush()
    version = create_path(session, demo_draft, now=utcnow(), tenant_id=tenant_id)
    assignment = assign(session, activity.id, version, assigned_by=None, now=utcnow())
    row = enroll(session, assignment, user.id, utcnow())
    session.commit()
    return row
