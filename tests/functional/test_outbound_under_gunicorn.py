"""Slow LMSs cannot take the web workers: each call ends at its deadline, so the health
check keeps answering while registrations point at an LMS that drips its answer."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.gunicorn import app_env, free_port, gunicorn
from tests.unruly_server import UnrulyServer, dripping

pytestmark = pytest.mark.gunicorn
CONCURRENT = 8  # twice the threads of the one worker below


def test_health_keeps_answering_while_registrations_hit_a_dripping_lms(database_url, tmp_path):
    lms = UnrulyServer(dripping(every=0.5))  # a whole answer would take over a minute
    port = free_port()
    env = app_env(database_url, f"http://127.0.0.1:{port}", tmp_path, HTTP_TIMEOUT_SECONDS="1")
    register = {
        "openid_configuration": lms.base_url + "/mod/lti/openid-configuration.php",
        "registration_token": "t",
    }
    try:
        with (
            gunicorn(env, port, workers=1) as tool,
            ThreadPoolExecutor(max_workers=CONCURRENT) as pool,
        ):
            pending = [
                pool.submit(requests.get, tool + "/lti/register", params=register, timeout=60)
                for _ in range(CONCURRENT)
            ]
            health = requests.get(tool + "/healthz", timeout=20)
            answers = [job.result() for job in pending]
    finally:
        lms.close()
    assert health.status_code == 200
    assert [a.status_code for a in answers] == [502] * CONCURRENT
    assert all("platform_too_slow" in a.text for a in answers)
