"""Launches whose state cookie the browser withheld (third-party cookies blocked)."""

from __future__ import annotations

import json
import re

from sqlalchemy import func, select

from paths.people import User
from tests.conftest import TOOL_BASE
from tests.platform import auth_request


def script_value(page: str, name: str) -> str:
    return json.loads(re.search(rf"{name}: (\"[^\"]*\")", page).group(1))


def drop_state_cookie(client, state: str) -> None:
    client.delete_cookie(f"lti_state_{state}", path="/lti")


def test_platform_storage_login_puts_the_binding_in_the_platform_frame(browser, platform):
    response = browser.login(platform, lti_storage_target="_parent")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '"lti.put_data"' in page and "event.origin !== expectOrigin" in page
    assert f'"{platform.server.base_url}"' in page  # messages only to/from the platform
    redirect = re.search(r'var expectOrigin = .*?, next = ("[^"]+")', page).group(1)
    assert json.loads(redirect).startswith(platform.issuer + "/auth?")
    assert "lti_state_" in response.headers["Set-Cookie"]


def test_launch_completes_through_platform_storage(browser, platform, session):
    login_page = browser.login(platform, lti_storage_target="_parent").get_data(as_text=True)
    next_url = json.loads(re.search(r'next = ("[^"]+")', login_page).group(1))
    binding = json.loads(re.search(r'value: ("[^"]+")', login_page).group(1))
    auth = auth_request(next_url)
    drop_state_cookie(browser.client, auth["state"])
    token = platform.sign(platform.claims(auth["nonce"], TOOL_BASE))

    waiting = browser.post_launch(token, auth["state"])
    page = waiting.get_data(as_text=True)
    assert waiting.status_code == 200 and '"lti.get_data"' in page
    assert session.scalar(select(func.count()).select_from(User)) == 0

    finished = browser.post_launch(token, auth["state"], lti_storage_binding=binding)
    assert finished.status_code == 200, finished.get_data(as_text=True)
    assert "Lan Pham" in finished.get_data(as_text=True)


def test_wrong_platform_storage_value_is_refused(browser, platform, session):
    login_page = browser.login(platform, lti_storage_target="_parent").get_data(as_text=True)
    auth = auth_request(json.loads(re.search(r'next = ("[^"]+")', login_page).group(1)))
    drop_state_cookie(browser.client, auth["state"])
    token = platform.sign(platform.claims(auth["nonce"], TOOL_BASE))
    response = browser.post_launch(token, auth["state"], lti_storage_binding="forged")
    assert response.status_code == 400 and "state_mismatch" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(User)) == 0


def test_without_cookie_or_platform_storage_the_tool_offers_a_new_window(
    browser, platform, session
):
    auth = browser.start(platform)
    drop_state_cookie(browser.client, auth["state"])
    token = platform.sign(platform.claims(auth["nonce"], TOOL_BASE))
    response = browser.post_launch(token, auth["state"])
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Open Selfpath in a new window" in page and 'target="_blank"' in page
    assert f'name="iss" value="{platform.issuer}"' in page
    assert 'name="lti_message_hint" value="hint-123"' in page
    assert session.scalar(select(func.count()).select_from(User)) == 0

    # The new window starts the login again, first-party, and its launch succeeds.
    reopened = browser.start(platform)
    fresh = platform.sign(platform.claims(reopened["nonce"], TOOL_BASE))
    assert browser.post_launch(fresh, reopened["state"]).status_code == 200
