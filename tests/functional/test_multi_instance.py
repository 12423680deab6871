"""Launches across separate gunicorn instances that share the database (or Redis),
and the demo LMS served as `make run` serves it."""

from __future__ import annotations

import html
import re
import subprocess
import sys

import pytest
import requests

from tests.gunicorn import ROOT, app_env, free_port, gunicorn
from tests.platform import LEARNER, auth_request
from tests.redis_db import TEST_REDIS_URL as REDIS_URL

pytestmark = pytest.mark.gunicorn


def _two_instances_launch(database_url, platform, tmp_path, **extra_env):
    port_a, port_b = free_port(), free_port()
    base = f"http://127.0.0.1:{port_a}"  # both instances sit behind this one address
    env = app_env(database_url, base, tmp_path, **extra_env)
    with gunicorn(env, port_a) as first, gunicorn(env, port_b) as second:
        browser = requests.Session()
        login = browser.post(
            first + "/lti/login", allow_redirects=False, data=platform.login_params(base, LEARNER)
        )
        assert login.status_code == 302, login.text
        auth = auth_request(login.headers["Location"])
        token = platform.sign(platform.claims(auth["nonce"], base))
        launch = browser.post(
            second + "/lti/launch", data={"id_token": token, "state": auth["state"]}
        )
        assert launch.status_code == 200, launch.text
        assert "Lan Pham" in launch.text
        replay = requests.post(
            first + "/lti/launch", data={"id_token": token, "state": auth["state"]}
        )
        assert replay.status_code == 400


def test_login_on_one_instance_launch_on_another_sharing_the_database(
    database_url, platform, tmp_path
):
    _two_instances_launch(database_url, platform, tmp_path)


def test_login_on_one_instance_launch_on_another_sharing_redis(database_url, platform, tmp_path):
    _two_instances_launch(database_url, platform, tmp_path, REDIS_URL=REDIS_URL)


def test_demo_lms_launches_a_learner_through_the_full_oidc_flow(database_url, app, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = app_env(database_url, base, tmp_path, DEMO_LMS="1")
    seed = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi:app", "demo", "seed"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert seed.returncode == 0, seed.stderr
    with gunicorn(env, port) as tool:
        browser = requests.Session()
        course = browser.get(tool + "/demo?storage=0")  # as Moodle: no platform storage
        form = course.text.split("</form>")[0]
        fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
        assert fields["login_hint"] == "learner"
        auth_page = browser.post(tool + "/lti/login", data=fields)  # follows to /demo/auth
        assert auth_page.status_code == 200, auth_page.text
        posted = {
            k: html.unescape(v)
            for k, v in re.findall(r'name="(\w+)" value="([^"]*)"', auth_page.text)
        }
        action = html.unescape(re.search(r'action="([^"]+)"', auth_page.text).group(1))
        landing = browser.post(action, data=posted)
        assert landing.status_code == 200, landing.text
        assert landing.url == tool + "/path"
        assert "Digital skills for lifelong learners" in landing.text
        assert 'data-testid="up-next"' in landing.text and "How search engines work" in landing.text


def test_instances_sharing_redis_share_the_login_rate_limit(database_url, platform, tmp_path):
    port_a, port_b = free_port(), free_port()
    base = f"http://127.0.0.1:{port_a}"  # its host and port keep these counters apart
    env = app_env(
        database_url, base, tmp_path, REDIS_URL=REDIS_URL, LTI_LOGIN_RATE_LIMIT="3 per minute"
    )
    with gunicorn(env, port_a) as first, gunicorn(env, port_b) as second:
        params = platform.login_params(base, LEARNER)
        statuses = [
            requests.post(address + "/lti/login", data=params, allow_redirects=False).status_code
            for address in (first, second, first, second)
        ]
    assert statuses == [302, 302, 302, 429]


def _wrong_admin_passwords(first: str, second: str, attempts: int) -> list[int]:
    """Wrong passwords posted alternately to the two instances by one browser."""
    browser = requests.Session()
    statuses = []
    for n in range(attempts):
        address = (first, second)[n % 2]
        page = browser.get(address + "/admin/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        statuses.append(
            browser.post(
                address + "/admin/login",
                allow_redirects=False,
                data={"csrf_token": token, "username": "it-office", "password": f"guess {n}"},
            ).status_code
        )
    return statuses


def test_instances_sharing_redis_count_wrong_admin_passwords_together(database_url, tmp_path):
    port_a, port_b = free_port(), free_port()
    base = f"http://127.0.0.1:{port_a}"  # its host and port keep these counters apart
    env = app_env(
        database_url,
        base,
        tmp_path,
        REDIS_URL=REDIS_URL,
        ADMIN_USERNAME="it-office",
        ADMIN_PASSWORD="correct horse battery staple",
        ADMIN_LOGIN_RATE_LIMIT="3 per minute",
    )
    # two instances of two workers each: four processes, one count
    with gunicorn(env, port_a) as first, gunicorn(env, port_b) as second:
        statuses = _wrong_admin_passwords(first, second, 5)
    assert statuses == [401, 401, 401, 429, 429]
