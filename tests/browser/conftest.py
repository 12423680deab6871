"""Browser tests: Debian's Chromium, driven by Playwright, against Selfpath under gunicorn.

One gunicorn instance serves HTTPS (a throw-away self-signed certificate made here) and is
reached under two host names that are different sites: the tool at https://localhost:<port>
(BASE_URL) and the demo LMS at https://127.0.0.1:<port>/demo (DEMO_LMS_URL), whose course
page embeds Selfpath in an iframe, as Moodle and Canvas do. Cookies Selfpath sets inside
that iframe are therefore third-party cookies, as in a real LMS.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright

from config import Settings
from service import create_app
from service.clock import now
from service.demo.lms import register_demo_platform, seed_demo_course
from service.extensions import db
from service.library.starter import seed_library
from tests.browser.lms import CourseInTheLms
from tests.certificates import self_signed as _self_signed
from tests.conftest import ADMIN, empty_tables
from tests.gunicorn import app_env, free_port, gunicorn

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--ignore-certificate-errors",
]
PHONE = {"width": 360, "height": 640}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests are marked, and run after every other test: `make test` runs the
    PostgreSQL suite beside this one, and Chromium's pages then share the two cores with
    less of it."""
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.browser)
    items.sort(key=lambda item: here in item.path.parents)  # stable: the order within each


@dataclass(frozen=True)
class Sites:
    tool: str  # https://localhost:<port>: Selfpath's BASE_URL
    lms: str  # https://127.0.0.1:<port>: the demo LMS, another site
    app: Flask  # an in-process app on the same database, to reset the demo course


def _reset_demo(app: Flask) -> None:
    with app.app_context():
        empty_tables(db.session)
        seed_demo_course(db.session, register_demo_platform(db.session), now())
        seed_library(db.session, now())  # as `make run` does
        db.session.commit()
        db.session.remove()


@pytest.fixture(scope="package")
def sites(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sites]:
    folder = tmp_path_factory.mktemp("browser")
    cert, key = _self_signed(folder)
    port = free_port()
    tool, lms = f"https://localhost:{port}", f"https://127.0.0.1:{port}"
    # The tool fetches the demo LMS's key set over HTTPS: it trusts the test certificate.
    env = app_env(
        database_url,
        tool,
        folder,
        DEMO_LMS="1",
        DEMO_LMS_URL=lms,
        REQUESTS_CA_BUNDLE=str(cert),
        ADMIN_USERNAME=ADMIN[0],
        ADMIN_PASSWORD=ADMIN[1],
    )
    app = create_app(Settings.from_env(env))
    _reset_demo(app)  # before the first request: frame-ancestors must name the LMS
    # Chromium opens sockets ahead of need (preconnects) in every browser context; a thread
    # that takes one waits for its TLS handshake, so the browser's server has threads to spare.
    with gunicorn(env, port, tls=(cert, key), threads=16):
        yield Sites(tool=tool, lms=lms, app=app)
    with app.app_context():
        empty_tables(db.session)
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def demo(sites: Sites) -> Sites:
    """The demo course as `make run` seeds it, with no learner progress yet."""
    _reset_demo(sites.app)
    return sites


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        pytest.fail("Chromium is missing: `make test` installs Debian's chromium package")
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def chromium(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _context(browser: Browser, **options: object) -> BrowserContext:
    context = browser.new_context(ignore_https_errors=True, viewport=PHONE, **options)
    context.set_default_timeout(30_000)
    return context


@pytest.fixture
def course(chromium: Browser, demo: Sites) -> Iterator[CourseInTheLms]:
    """Chromium's default cookie policy: partitioned (CHIPS) third-party cookies, which
    Selfpath sets over HTTPS, reach the tool inside the LMS frame."""
    context = _context(chromium)
    yield CourseInTheLms(context.new_page(), demo)
    context.close()


@pytest.fixture
def course_without_javascript(chromium: Browser, demo: Sites) -> Iterator[CourseInTheLms]:
    context = _context(chromium, java_script_enabled=False)
    yield CourseInTheLms(context.new_page(), demo)
    context.close()


@pytest.fixture
def course_blocking_cookies(
    playwright: Playwright, demo: Sites, tmp_path: Path
) -> Iterator[CourseInTheLms]:
    """A browser that gives Selfpath no cookie at all inside the LMS frame.

    `--test-third-party-cookie-phaseout` blocks unpartitioned third-party cookies, but
    Chromium would still accept partitioned (CHIPS) ones, and Selfpath's cookies are
    partitioned. So the profile also carries a cookie exception, as a person or a school
    policy sets in Chrome's settings: cookies of the tool's site are blocked where the
    top-level page is the LMS's site (pattern "<tool>,<lms>"), which withholds partitioned
    cookies too. On its own site, in a window of its own, Selfpath's cookies still work.
    """
    profile = tmp_path / "profile"
    (profile / "Default").mkdir(parents=True)
    exceptions = {f"{demo.tool},{demo.lms}": {"setting": 2}}  # 2 = block
    (profile / "Default" / "Preferences").write_text(
        json.dumps({"profile": {"content_settings": {"exceptions": {"cookies": exceptions}}}})
    )
    context = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        ignore_https_errors=True,
        viewport=PHONE,
        args=[*CHROMIUM_ARGS, "--test-third-party-cookie-phaseout"],
    )
    context.set_default_timeout(30_000)
    yield CourseInTheLms(context.pages[0] if context.pages else context.new_page(), demo)
    context.close()
