"""The pages an LMS administrator uses, opened in Chromium: the registration addresses
with their copy buttons, in both languages, and the admin console through its forms."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.lms import ARTIFACTS, check_page, full_page_screenshot
from tests.conftest import ADMIN


def _page(chromium: Browser, width: int, **options: object):
    context = chromium.new_context(
        ignore_https_errors=True, viewport={"width": width, "height": 800}, **options
    )
    return context, context.new_page()


@pytest.mark.parametrize("lang", ["en", "vi"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_registration_addresses_page(chromium: Browser, demo, lang, width):
    context, page = _page(chromium, width, permissions=["clipboard-read", "clipboard-write"])
    try:
        page.goto(f"{demo.tool}/lti/setup?hl={lang}")
        check_page(page.main_frame, lang)
        full_page_screenshot(page, ARTIFACTS / f"setup-{lang}-{width}.png")
        copy = page.get_by_role(
            "button",
            name="Sao chép địa chỉ đăng ký tự động"
            if lang == "vi"
            else "Copy the dynamic registration URL",
        ).first
        expect(copy).to_be_visible()
        copy.click()
        expect(copy).to_have_text("Đã sao chép" if lang == "vi" else "Copied")
        assert page.evaluate("navigator.clipboard.readText()") == f"{demo.tool}/lti/register"
    finally:
        context.close()


def test_without_javascript_the_addresses_are_plain_text(chromium: Browser, demo):
    context, page = _page(chromium, 360, java_script_enabled=False)
    try:
        page.goto(f"{demo.tool}/lti/setup")
        expect(page.get_by_test_id("register-url")).to_have_text(f"{demo.tool}/lti/register")
        assert page.get_by_role("button", name="Copy the dynamic registration URL").count() == 0
        check_page(page.main_frame, "en", scripts=False)
    finally:
        context.close()


@pytest.mark.parametrize("width", [360, 1280])
def test_an_admin_signs_in_and_adds_a_platform_through_the_pages(chromium: Browser, demo, width):
    context, page = _page(chromium, width)
    try:
        page.goto(f"{demo.tool}/admin/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check_page(page.main_frame, "en")
        full_page_screenshot(page, ARTIFACTS / f"admin-sign-in-{width}.png")
        page.get_by_label("Username").fill(ADMIN[0])
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("alert").or_(page.locator(".error"))).to_be_visible()
        page.get_by_label("Password").fill(ADMIN[1])
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("heading", name="Platforms and deployments")).to_be_visible()
        check_page(page.main_frame, "en")
        page.get_by_role("link", name="Add a platform by hand").click()
        check_page(page.main_frame, "en")
        full_page_screenshot(page, ARTIFACTS / f"admin-add-platform-{width}.png")
        page.get_by_label("Platform ID (issuer)").fill("https://moodle.school.example")
        page.get_by_label("Client ID").fill(f"client-{width}")
        page.get_by_label("Authentication request URL").fill("ftp://wrong.example/auth")
        page.get_by_label("Access token URL").fill("https://moodle.school.example/token")
        page.get_by_label("Public keyset URL").fill("https://moodle.school.example/certs")
        page.get_by_role("button", name="Add the platform").click()
        expect(page.get_by_role("alert")).to_contain_text("http(s)")
        expect(page.get_by_label("Client ID")).to_have_value(f"client-{width}")  # kept
        page.get_by_label("Authentication request URL").fill("https://moodle.school.example/auth")
        page.get_by_label("Deployment IDs").fill("1")
        page.get_by_role("button", name="Add the platform").click()
        expect(page.get_by_role("status")).to_contain_text("is registered with 1 deployment(s)")
        check_page(page.main_frame, "en")
    finally:
        context.close()
