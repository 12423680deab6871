"""The admin console: its own credentials, CSRF-protected forms, and what it changes."""

from __future__ import annotations

import re
from datetime import timedelta

import jwt
import pytest
from sqlalchemy import delete, select

from lti import claims, keys
from lti.models import Deployment, LaunchRecord, Platform, ToolKey
from paths.db import utcnow
from service.admin_sessions import AdminSession
from tests.functional.admin_browser import AdminBrowser
from tests.platform import TEACHER


@pytest.fixture
def admin(client) -> AdminBrowser:
    console = AdminBrowser(client)
    assert console.sign_in().status_code == 302
    return console


def deployment_row(session, platform, deployment_id="deploy-1") -> Deployment:
    return session.scalars(
        select(Deployment).where(
            Deployment.platform_id == platform.platform_id,
            Deployment.deployment_id == deployment_id,
        )
    ).one()


@pytest.mark.parametrize(
    "page", ["/admin/", "/admin/launches", "/admin/keys", "/admin/platforms/1/delete"]
)
def test_pages_need_the_admin_credentials(client, page):
    response = client.get(page)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/login")


def test_actions_need_the_admin_credentials(client, session):
    console = AdminBrowser(client)
    before = keys.signing_key(session, utcnow()).kid
    session.commit()
    response = client.post("/admin/keys/rotate", data={"csrf_token": console.csrf()})
    assert response.status_code == 401
    assert [k.kid for k in session.scalars(select(ToolKey))] == [before]


def test_wrong_password_is_refused(client):
    console = AdminBrowser(client)
    response = console.sign_in(password="guess")
    assert response.status_code == 401 and "do not match" in response.get_data(as_text=True)
    assert "selfpath_admin" not in response.headers.get("Set-Cookie", "")
    assert client.get("/admin/").status_code == 302


def test_sign_in_sets_a_strict_cookie_of_its_own(client, platform):
    response = AdminBrowser(client).sign_in()
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("selfpath_admin=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/admin" in cookie
    page = client.get("/admin/")
    assert page.status_code == 200 and platform.issuer in page.get_data(as_text=True)
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["Cache-Control"] == "no-store"


def test_sign_out_ends_the_admin_session(admin, client):
    assert admin.post("/admin/logout").status_code == 302
    assert client.get("/admin/").status_code == 302


def admin_cookie(client) -> str:
    return client.get_cookie("selfpath_admin", path="/admin").value


def test_after_sign_out_the_old_cookie_is_sent_to_sign_in(admin, client, session):
    copied = admin_cookie(client)
    assert admin.post("/admin/logout").status_code == 302
    client.set_cookie("selfpath_admin", copied, path="/admin")  # a copy kept from before
    response = client.get("/admin/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    assert session.scalars(select(AdminSession)).all() == []


def test_signing_out_ends_only_that_admin_session(app, admin, client):
    other = AdminBrowser(app.test_client())
    assert other.sign_in().status_code == 302
    assert admin.post("/admin/logout").status_code == 302
    assert other.client.get("/admin/").status_code == 200


def test_sign_in_purges_expired_admin_sessions(client, session):
    long_ago = utcnow() - timedelta(days=2)
    session.add(
        AdminSession(
            id_hash="0" * 64, created_at=long_ago, expires_at=long_ago + timedelta(hours=8)
        )
    )
    session.commit()
    assert AdminBrowser(client).sign_in().status_code == 302
    assert [row.id_hash for row in session.scalars(select(AdminSession))] != ["0" * 64]
    assert session.scalars(select(AdminSession)).one().expires_at > utcnow()


def test_a_signed_cookie_without_a_server_session_is_refused(admin, client, session):
    session.execute(delete(AdminSession))  # e.g. a cookie from before sessions were kept
    session.commit()
    response = client.get("/admin/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")


def test_an_lti_launch_session_does_not_reach_the_console(browser, platform, client):
    assert browser.launch(platform, TEACHER).status_code == 303
    response = client.get("/admin/")
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")


def test_changing_the_admin_password_ends_admin_sessions(admin, app, client, monkeypatch):
    changed = app.extensions["selfpath.settings"].with_changes(admin_password="a new passphrase")
    monkeypatch.setitem(app.extensions, "selfpath.settings", changed)
    assert client.get("/admin/").status_code == 302


def test_console_is_off_without_admin_credentials(app, client, monkeypatch):
    off = app.extensions["selfpath.settings"].with_changes(admin_username="", admin_password="")
    monkeypatch.setitem(app.extensions, "selfpath.settings", off)
    response = client.get("/admin/login")
    assert response.status_code == 404 and "ADMIN_USERNAME" in response.get_data(as_text=True)


def test_sign_in_attempts_are_rate_limited(app, client, monkeypatch):
    strict = app.extensions["selfpath.settings"].with_changes(admin_login_rate_limit="2/minute")
    monkeypatch.setitem(app.extensions, "selfpath.settings", strict)
    console = AdminBrowser(client)
    assert [console.sign_in(password="guess").status_code for _ in range(2)] == [401, 401]
    response = console.sign_in()  # even the right password waits now
    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.get_data(as_text=True)


def test_disabling_and_enabling_a_deployment_decides_its_launches(
    admin, browser, platform, session
):
    row = deployment_row(session, platform)
    assert admin.post(f"/admin/deployments/{row.id}/disable").status_code == 302
    refused = browser.launch(platform)
    assert refused.status_code == 403 and "deployment_disabled" in refused.get_data(as_text=True)
    assert admin.post(f"/admin/deployments/{row.id}/enable").status_code == 302
    assert browser.launch(platform).status_code == 200


def test_a_deployment_seen_in_a_launch_waits_for_the_admin(
    admin, browser, platform, session, client
):
    assert browser.launch(platform, **{claims.DEPLOYMENT_ID: "new-course-site"}).status_code == 403
    page = client.get("/admin/").get_data(as_text=True)
    assert "new-course-site" in page and 'aria-label="Enable deployment new-course-site"' in page
    row = deployment_row(session, platform, "new-course-site")
    admin.post(f"/admin/deployments/{row.id}/enable")
    assert browser.launch(platform, **{claims.DEPLOYMENT_ID: "new-course-site"}).status_code == 200


def test_disabling_a_platform_refuses_its_logins(admin, browser, platform):
    admin.post(f"/admin/platforms/{platform.platform_id}/disable")
    assert browser.login(platform).status_code == 403
    admin.post(f"/admin/platforms/{platform.platform_id}/enable")
    assert browser.login(platform).status_code == 302


def test_new_deployment_policy_can_be_switched(admin, platform, session):
    admin.post(f"/admin/platforms/{platform.platform_id}/new-deployments/accept")
    assert session.get(Platform, platform.platform_id).accepts_new_deployments is True
    admin.post(f"/admin/platforms/{platform.platform_id}/new-deployments/hold")
    session.expire_all()
    assert session.get(Platform, platform.platform_id).accepts_new_deployments is False


def test_deleting_a_platform_asks_first(admin, client, platform, session):
    confirm = client.get(f"/admin/platforms/{platform.platform_id}/delete")
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Delete moodle (client client-42)?" in page
    assert session.get(Platform, platform.platform_id) is not None  # asking deletes nothing
    response = admin.post(f"/admin/platforms/{platform.platform_id}/delete")
    assert response.status_code == 302
    assert session.scalars(select(Platform)).all() == []
    assert session.scalars(select(Deployment)).all() == []
    assert "was deleted" in client.get("/admin/").get_data(as_text=True)


def test_deleting_a_deployment_asks_first(admin, client, second_platform, session):
    row = deployment_row(session, second_platform, "deploy-b")
    page = client.get(f"/admin/deployments/{row.id}/delete").get_data(as_text=True)
    assert "Delete deployment deploy-b of canvas?" in page
    admin.post(f"/admin/deployments/{row.id}/delete")
    remaining = session.scalars(select(Deployment.deployment_id)).all()
    assert remaining == ["deploy-a"]


def test_unknown_rows_are_a_clear_404(admin):
    assert admin.post("/admin/deployments/9999/disable").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/admin/deployments/{row}/disable",
        "/admin/keys/rotate",
        "/admin/platforms/{platform}/delete",
    ],
)
def test_a_form_without_its_csrf_token_changes_nothing(admin, client, platform, session, path):
    row = deployment_row(session, platform)
    kid = keys.signing_key(session, utcnow()).kid
    session.commit()
    response = client.post(path.format(row=row.id, platform=platform.platform_id), data={})
    assert response.status_code == 400 and "csrf" in response.get_data(as_text=True)
    session.expire_all()
    assert deployment_row(session, platform).enabled is True
    assert session.get(Platform, platform.platform_id) is not None
    assert keys.signing_key(session, utcnow()).kid == kid


def test_key_rotation_from_the_console_keeps_the_previous_key_verifiable(admin, client, session):
    before = keys.signing_key(session, utcnow())
    token = jwt.encode(
        {"sub": "deep-link"}, before.private_key, algorithm="RS256", headers={"kid": before.kid}
    )
    session.commit()
    response = admin.post("/admin/keys/rotate")
    assert response.status_code == 302
    page = client.get("/admin/keys").get_data(as_text=True)
    after = keys.signing_key(session, utcnow())
    assert after.kid != before.kid
    assert f'<code data-testid="active-kid">{after.kid}</code>' in page
    assert before.kid in page and "Leaves the key set" in page
    published = {k["kid"]: k for k in client.get("/lti/jwks").get_json()["keys"]}
    assert set(published) == {before.kid, after.kid}
    old_key = jwt.PyJWK(published[before.kid]).key
    assert jwt.decode(token, old_key, algorithms=["RS256"])["sub"] == "deep-link"


def test_recent_launches_show_outcomes_and_reasons(
    admin, browser, client, platform, second_platform
):
    browser.launch(platform)
    browser.launch(platform, **{claims.DEPLOYMENT_ID: "abc"})
    browser.launch(second_platform)
    page = client.get("/admin/launches").get_data(as_text=True)
    assert page.count("Accepted</span>") == 2 and page.count("Refused</span>") == 1
    assert "deployment &#39;abc&#39; is not registered for" in page
    refused = client.get("/admin/launches", query_string={"outcome": "refused"})
    assert refused.get_data(as_text=True).count("<tr>") == 2  # header and one launch
    only_canvas = client.get(
        "/admin/launches", query_string={"platform": second_platform.platform_id, "outcome": ""}
    ).get_data(as_text=True)
    assert only_canvas.count("Accepted</span>") == 1 and "client client-7" in only_canvas
    assert "client client-42</span>" not in only_canvas


@pytest.mark.parametrize("query", [{"outcome": "maybe"}, {"platform": "x"}])
def test_a_bad_launch_filter_is_a_clear_400(admin, client, query):
    response = client.get("/admin/launches", query_string=query)
    assert response.status_code == 400 and "filter is not valid" in response.get_data(as_text=True)


def test_hash_password_command_makes_a_working_hash(app, client, monkeypatch):
    result = app.test_cli_runner().invoke(
        args=["admin", "hash-password", "--password", "river kettle lotus 42"]
    )
    hashed = result.output.strip()
    assert result.exit_code == 0 and hashed.startswith("scrypt:")
    with_hash = app.extensions["selfpath.settings"].with_changes(
        admin_password="", admin_password_hash=hashed
    )
    with_hash.check()
    monkeypatch.setitem(app.extensions, "selfpath.settings", with_hash)
    assert AdminBrowser(client).sign_in(password="river kettle lotus 42").status_code == 302


def test_launch_records_are_kept_when_a_platform_is_deleted(admin, browser, platform, session):
    browser.launch(platform)
    assert admin.post(f"/admin/platforms/{platform.platform_id}/delete").status_code == 302
    session.expire_all()
    (record,) = session.scalars(select(LaunchRecord)).all()
    assert record.platform_id is None and record.issuer == platform.issuer


def test_grade_sync_health_per_platform(admin, client, platform, session, gradebook, worker):
    from tests.grades import drain, learners, linked_activity

    activity = linked_activity(session, platform, gradebook.claim(gradebook.add_line_item()))
    learners(session, platform, activity, 3)
    session.commit()
    page = client.get("/admin/grades").get_data(as_text=True)
    row = page.split(f'data-platform="{platform.platform_id}"')[1].split("</tr>")[0]
    assert re.findall(r"<td>(\d+)</td>", row)[:4] == ["3", "0", "0", "0"]
    drain(worker, session)
    page = client.get("/admin/grades").get_data(as_text=True)
    row = page.split(f'data-platform="{platform.platform_id}"')[1].split("</tr>")[0]
    assert re.findall(r"<td>(\d+)</td>", row)[:4] == ["0", "0", "0", "3"]


def test_grade_sync_page_needs_the_admin(client):
    assert client.get("/admin/grades").status_code == 302


def waiting_platform(session, issuer="https://moodle.school.example", client_id="c-9"):
    from lti.registrations import PlatformDetails, add_platform

    platform = add_platform(
        session,
        PlatformDetails(
            name="Moodle at moodle.school.example",
            issuer=issuer,
            client_id=client_id,
            auth_login_url=issuer + "/auth",
            auth_token_url=issuer + "/token",
            key_set_url=issuer + "/jwks",
            awaiting_approval=True,
        ),
    )
    session.commit()
    return platform


def test_registrations_awaiting_approval_are_listed_first(admin, client, platform, session):
    waiting = waiting_platform(session)
    page = client.get("/admin/").get_data(as_text=True)
    assert page.index(waiting.name) < page.index(platform.name)
    assert "Waiting for your approval" in page
    assert f'aria-label="Approve {waiting.name} (client c-9)"' in page
    assert f'aria-label="Refuse and remove {waiting.name} (client c-9)"' in page
    assert f'aria-label="Approve {platform.name}' not in page  # an enabled one has no button


def test_refusing_a_registration_removes_it(admin, session):
    waiting = waiting_platform(session)
    response = admin.post(f"/admin/platforms/{waiting.id}/refuse")
    assert response.status_code == 302
    session.expire_all()
    assert session.get(Platform, waiting.id) is None


@pytest.mark.parametrize("action", ["approve", "refuse"])
def test_only_a_registration_awaiting_approval_can_be_approved_or_refused(
    admin, platform, session, action
):
    response = admin.post(f"/admin/platforms/{platform.platform_id}/{action}")
    assert response.status_code == 409
    assert "is not waiting for approval" in response.get_data(as_text=True)
    session.expire_all()
    row = session.get(Platform, platform.platform_id)
    assert (row.enabled, row.awaiting_approval) == (True, False)


@pytest.mark.parametrize("action", ["approve", "refuse"])
def test_approving_needs_the_console_form(admin, client, session, action):
    waiting = waiting_platform(session)
    without_token = client.post(f"/admin/platforms/{waiting.id}/{action}")
    assert without_token.status_code == 400
    session.expire_all()
    row = session.get(Platform, waiting.id)
    assert (row.enabled, row.awaiting_approval) == (False, True)


def test_enabling_a_registration_awaiting_approval_approves_it(admin, session):
    waiting = waiting_platform(session)
    assert admin.post(f"/admin/platforms/{waiting.id}/enable").status_code == 302
    session.expire_all()
    row = session.get(Platform, waiting.id)
    assert (row.enabled, row.awaiting_approval) == (True, False)
