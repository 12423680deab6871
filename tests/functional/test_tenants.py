"""Every deployment serves one school (a tenant of the domain): created with it, the owner
of its courses and paths, and deleted with it."""

from __future__ import annotations

from sqlalchemy import select

from lti import claims
from lti.models import Deployment
from lti.registrations import delete_deployment, delete_platform, find_deployment, find_platform
from paths.people import Activity, Course, Tenant
from tests.platform import TestPlatform


def deployment_of(session, lms: TestPlatform, deployment_id: str) -> Deployment:
    found = find_deployment(
        session, find_platform(session, lms.issuer, lms.client_id), deployment_id
    )
    assert found is not None
    return found


def test_each_registered_deployment_gets_its_own_school(second_platform, session):
    first = deployment_of(session, second_platform, "deploy-a")
    second = deployment_of(session, second_platform, "deploy-b")
    assert first.tenant_id != second.tenant_id
    assert session.get(Tenant, second.tenant_id).name == "canvas — deploy-b"


def test_a_deployment_first_seen_in_a_launch_gets_its_school(browser, platform, session):
    browser.launch(platform, **{claims.DEPLOYMENT_ID: "sub-account-9"})
    recorded = deployment_of(session, platform, "sub-account-9")
    assert session.get(Tenant, recorded.tenant_id).name == "moodle — sub-account-9"


def test_a_launch_files_course_and_activity_under_the_deployments_school(
    app, platform_server, browser, session
):
    session.add(Tenant(name="a school whose deployment is gone"))
    session.commit()  # so the next tenant's id is not the next deployment's
    lms = TestPlatform(platform_server, name="moodle", client_id="client-42")
    lms.register(session)
    session.commit()
    deployment = deployment_of(session, lms, "deploy-1")
    assert deployment.tenant_id != deployment.id
    assert browser.launch(lms).status_code == 200
    assert session.scalars(select(Course.tenant_id)).all() == [deployment.tenant_id]
    assert session.scalars(select(Activity.tenant_id)).all() == [deployment.tenant_id]
    with browser.client.session_transaction() as web_session:
        assert web_session["tenant_id"] == deployment.tenant_id
    assert browser.launch(lms).status_code == 200  # a returning launch finds them again
    assert len(session.scalars(select(Course)).all()) == 1


def test_deleting_a_deployment_deletes_its_school_and_courses(browser, second_platform, session):
    assert browser.launch(second_platform).status_code == 200  # a course under deploy-a
    gone = deployment_of(session, second_platform, "deploy-a")
    kept = deployment_of(session, second_platform, "deploy-b").tenant_id
    tenant_id = gone.tenant_id
    delete_deployment(session, gone.id)
    session.commit()
    assert session.scalars(select(Tenant.id)).all() == [kept]
    assert session.get(Tenant, tenant_id) is None
    assert session.scalars(select(Course)).all() == []


def test_deleting_a_platform_deletes_its_schools(browser, platform, second_platform, session):
    assert browser.launch(second_platform).status_code == 200
    kept = deployment_of(session, platform, "deploy-1").tenant_id
    delete_platform(session, second_platform.platform_id)
    session.commit()
    assert session.scalars(select(Tenant.id)).all() == [kept]
    assert session.scalars(select(Course)).all() == []
