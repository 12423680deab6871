"""Every page a person can reach, opened in Chromium in English and Vietnamese, on a phone
(360 x 640) and a laptop (1280 x 800): an HTML document in the right language, under
60 KB, no sideways scroll, no serious or critical axe-core violation, and a screenshot in
tests/browser/artifacts/ (`<page>-<lang>-<width>.png`).

The pages are a table: each row names a page, who opens it and how to reach it, the way
that person would (links followed and forms submitted by clicking). A new page is one
row. One browser and one server serve the whole table; each person launches once, in
their language, and every row of theirs reuses that launch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

import pytest
from playwright.sync_api import Browser, BrowserContext, Frame, Locator, Page, TimeoutError, expect
from sqlalchemy import select

from paths.authoring import publish
from paths.drafts import find_step, replace_step
from paths.enrollment import assignment_for_activity, enroll
from paths.people import Activity, User
from paths.study import completion
from service.clock import now
from service.demo import lms
from service.demo.lms import register_demo_platform, seed_demo_classes
from service.extensions import db
from service.path_json import dump_path, load_path
from tests.browser.conftest import Sites, _reset_demo
from tests.browser.lms import (
    ARTIFACTS,
    DEEP_LINK,
    DEEP_LINK_VI,
    LEARNER,
    LEARNER_NEW,
    LEARNER_NEW_VI,
    LEARNER_VI,
    MAX_SHOT_HEIGHT,
    TEACHER,
    TEACHER_VI,
    WIDTHS,
    check_page,
    choose,
    full_page_screenshot,
)
from tests.conftest import ADMIN

SIZES = WIDTHS
LAUNCHES = {
    ("learner", "en"): LEARNER,
    ("learner", "vi"): LEARNER_VI,
    ("teacher", "en"): TEACHER,
    ("teacher", "vi"): TEACHER_VI,
    ("deep-link", "en"): DEEP_LINK,
    ("deep-link", "vi"): DEEP_LINK_VI,
    ("learner-no-path", "en"): LEARNER_NEW,
    ("learner-no-path", "vi"): LEARNER_NEW_VI,
}
DEMO_LEARNERS = {"en": ("demo-learner-1", lms.ACTIVITY), "vi": ("demo-learner-2", lms.ACTIVITY_VI)}
STARTED = ("search-basics", "search-queries")  # so the first checkpoint is open


# -- the people -----------------------------------------------------------------------------


@dataclass
class Person:
    """One person in one language, with their own browser context. Inside the LMS
    (learners, teachers) their pages are in the LMS's tool frame; elsewhere, the page."""

    role: str
    lang: str
    page: Page
    sites: Sites
    launched: bool = False

    @property
    def in_lms(self) -> bool:
        return (self.role, self.lang) in LAUNCHES

    @property
    def frame(self) -> Frame:
        if not self.in_lms:
            return self.page.main_frame
        frame = self.page.frame(name="tool-frame")
        assert frame is not None
        return frame

    def launch(self) -> None:
        """Open the course page and launch Selfpath from it (again for a deep link, which
        ends with its answer to the LMS)."""
        self.page.goto(self.sites.lms + "/demo?storage=0")
        self.page.get_by_role("button", name=LAUNCHES[self.role, self.lang], exact=True).click()
        path = {"deep-link": "/teach/deep-link", "learner": "/path"}.get(self.role, "/teach")
        path = "/lti/launch" if self.role == "learner-no-path" else path  # answered in place
        try:
            self.frame.wait_for_url(f"{self.sites.tool}{path}*")
        except TimeoutError as error:  # say where the frame is instead
            text = self.frame.locator("body").inner_text(timeout=1000)[:500]
            raise AssertionError(f"the tool's frame is at {self.frame.url}: {text}") from error
        self.launched = True

    def open(self, path: str) -> Frame:
        """Go to one of the tool's pages, as a link to it would."""
        if self.in_lms and not self.launched:
            self.launch()
        url = path if path.startswith("http") else self.sites.tool + path
        self.frame.goto(url)
        return self.frame

    def click(self, target: str | Locator, *, wait_for: str = "**") -> Frame:
        """Click a link or a form's button (a CSS selector or a locator) and wait for the
        next page."""
        with self.frame.expect_navigation(url=wait_for):
            (self.frame.locator(target) if isinstance(target, str) else target).first.click()
        return self.frame


@dataclass
class People:
    browser: Browser
    sites: Sites
    known: dict[tuple[str, str], Person] = field(default_factory=dict)
    contexts: list[BrowserContext] = field(default_factory=list)

    def get(self, role: str, lang: str) -> Person:
        if (role, lang) not in self.known:
            context = self.browser.new_context(
                ignore_https_errors=True,
                viewport=SIZES[360],
                locale="vi-VN" if lang == "vi" else "en-GB",
            )
            context.set_default_timeout(30_000)
            self.contexts.append(context)
            self.known[role, lang] = Person(role, lang, context.new_page(), self.sites)
        return self.known[role, lang]


def _start_the_demo_learners(sites: Sites) -> None:
    """The demo classes as `make run` seeds them, and the two demo learners a few steps
    into their path, so their checkpoint is open."""
    with sites.app.app_context():
        session = db.session
        platform = register_demo_platform(session)
        seed_demo_classes(session, platform, now())
        for subject, place in DEMO_LEARNERS.values():
            activity = session.scalars(
                select(Activity).where(Activity.resource_link_id == place["resource_link_id"])
            ).one()
            assignment = assignment_for_activity(session, activity.id)
            assert assignment is not None
            user = User(issuer=platform.issuer, subject=subject, name=subject)
            session.add(user)
            session.flush()
            enrollment = enroll(session, assignment, user.id, now())
            for key in STARTED:
                completion.complete_step(session, enrollment, key, now=now())
        session.commit()
        session.remove()


@pytest.fixture(scope="module")
def people(chromium: Browser, sites: Sites) -> Iterator[People]:
    _reset_demo(sites.app)
    _start_the_demo_learners(sites)
    everyone = People(chromium, sites)
    yield everyone
    for context in everyone.contexts:
        context.close()


# -- how each page is reached ----------------------------------------------------------------

Reach = Callable[[Person], Frame]


def go(path: str) -> Reach:
    return lambda person: person.open(path)


def public(path: str) -> Reach:
    """A public page, in the language the browser asks for."""
    return lambda person: person.open(path)


def _checkpoint_result(person: Person) -> Frame:
    person.open("/path/steps/check-search")
    choose(person.frame.locator('input[name="q0"][value="1"]'))
    return person.click('form[action$="/checkpoint"] button[type="submit"]')


def _placement_result(person: Person) -> Frame:
    person.open("/path/placement")
    return person.click('form[action$="/placement/finish"] button', wait_for="**/path/placement")


def _goal_saved(person: Person) -> Frame:
    person.open("/path")
    person.frame.locator("#minutes_per_week").fill("90")
    return person.click('form[action$="/path/goal"] button', wait_for="**/path")


def _second_page_of_the_class(person: Person) -> Frame:
    person.open("/teach")
    return person.click('nav a[href*="page=2"]')


def _learner_for_teacher(person: Person) -> Frame:
    person.open("/teach")
    return person.click('table.heat a[href*="/teach/learners/"]')


def _new_path(person: Person) -> Frame:
    person.open("/teach/paths")
    person.frame.locator("#new-title").fill("Đọc hiểu" if person.lang == "vi" else "Reading")
    return person.click('form[action$="/teach/paths"] button', wait_for="**/teach/paths/*")


def _path_editor(person: Person) -> Frame:
    person.open("/teach/paths")
    return person.click('form[action$="/clone"] button', wait_for="**/teach/paths/*")


def _step_editor(person: Person) -> Frame:
    _path_editor(person)
    return person.click('a[href$="/steps/check-search"]')


def _question_editor(person: Person) -> Frame:
    _step_editor(person)
    return person.click('a[href$="/questions/1"]')


def _change_path(person: Person) -> Frame:
    """Another path for an activity learners have started: the confirmation page."""
    person.open("/teach")
    choose(
        person.frame.locator(
            'form[action$="/teach/assign"] input[name="path_id"]:not(:checked)'
        ).first
    )
    return person.click('form[action$="/teach/assign"] button', wait_for="**/teach/assign")


def _library_preview(person: Person) -> Frame:
    person.open("/teach/library")
    return person.click('a[href*="/teach/library/"]')


def _library_publish(person: Person) -> Frame:
    _path_editor(person)
    return person.click('a[href*="/teach/library/publish/"]')


def _library_publish_refused(person: Person) -> Frame:
    """Credit by the school's name with no school named."""
    _library_publish(person)
    choose(person.frame.locator('input[name="credit"][value="school"]'))
    person.frame.locator("#publish-school").fill("")
    return person.click('form[action*="/teach/library/publish/"] button[type="submit"]')


def _library_report_refused(person: Person) -> Frame:
    """A report whose reason is only spaces, which the browser lets through."""
    _library_preview(person)
    person.frame.locator("#report summary").click()
    person.frame.locator("#report-reason").fill("   ")
    return person.click('form[action$="/report"] button[type="submit"]')


def _second_version_of_the_class_path(person: Person) -> None:
    """A version 2 of the path the person's demo class follows (its first step retitled),
    so the activity can move to another version."""
    activity_place = DEMO_LEARNERS[person.lang][1]
    with person.sites.app.app_context():
        session = db.session
        activity = session.scalars(
            select(Activity).where(Activity.resource_link_id == activity_place["resource_link_id"])
        ).one()
        assignment = assignment_for_activity(session, activity.id)
        assert assignment is not None
        path = assignment.version.path
        if len(path.versions) == 1:
            draft = load_path(dump_path(assignment.version))
            first = draft.steps[0]
            retitled = replace(find_step(draft, first.key), title=first.title + " (2)")
            publish(session, path, replace_step(draft, retitled), now=now())
            session.commit()
        session.remove()


def _version_move_review(person: Person) -> Frame:
    _second_version_of_the_class_path(person)
    person.open("/teach")
    return person.click(
        'form[action$="/teach/paths/activity/move"] button', wait_for="**/activity/move*"
    )


def _launched(person: Person) -> Frame:
    """The page the launch itself answers with (a learner on an activity with no path yet)."""
    person.launch()
    return person.frame


def _library_entry(person: Person) -> Frame:
    person.open("/library")
    return person.click('article a[href^="/library/"]')


def _deep_linking(person: Person) -> Frame:
    person.launch()
    return person.frame


def _deep_linking_nothing_chosen(person: Person) -> Frame:
    person.launch()
    return person.click("#choose-paths > p > button:not([name])")


def _deep_linking_returned(person: Person) -> Frame:
    person.launch()
    choose(person.frame.locator('#choose-paths input[type="checkbox"]').first)
    return person.click("#choose-paths > p > button:not([name])", wait_for="**/demo/**")


def _admin_sign_in(person: Person) -> Frame:
    return person.open("/admin/")  # a person who never signed in: the sign-in page


def _admin_sign_in_refused(person: Person) -> Frame:
    person.open("/admin/login")
    person.frame.get_by_label("Username").fill(ADMIN[0])
    person.frame.get_by_label("Password").fill("not the password")
    return person.click('form button[type="submit"]')


def _signed_in(person: Person) -> None:
    person.open("/admin/")
    if person.frame.get_by_label("Password").count():
        person.frame.get_by_label("Username").fill(ADMIN[0])
        person.frame.get_by_label("Password").fill(ADMIN[1])
        person.click('form button[type="submit"]')


def admin(path: str) -> Reach:
    def reach(person: Person) -> Frame:
        _signed_in(person)
        return person.open(path)

    return reach


def _admin_new_platform_refused(person: Person) -> Frame:
    admin("/admin/platforms/new")(person)
    person.frame.get_by_label("Platform ID (issuer)").fill("https://moodle.school.example")
    person.frame.get_by_label("Client ID").fill("client-1")
    person.frame.get_by_label("Authentication request URL").fill("ftp://wrong.example/auth")
    person.frame.get_by_label("Access token URL").fill("https://moodle.school.example/token")
    person.frame.get_by_label("Public keyset URL").fill("https://moodle.school.example/certs")
    return person.click(person.frame.get_by_role("button", name="Add the platform"))


@dataclass(frozen=True)
class Row:
    name: str
    who: str  # learner, teacher, deep-link (launched from the LMS), visitor, admin, admin-out
    reach: Reach
    shows: str = "main h1"  # what the page must show (a CSS selector): the right page
    langs: tuple[str, ...] = ("en", "vi")
    lang_of_page: str | None = None  # when the page is not in the person's language


PAGES = (
    # learners, in the LMS's frame
    Row("my-path", "learner", go("/path")),
    Row(
        "no-path",
        "learner-no-path",
        _launched,
        shows='[data-testid="no-path"]',
    ),
    Row("step", "learner", go("/path/steps/search-basics")),
    Row("locked-step", "learner", go("/path/steps/check-judge-safety"), shows='[role="alert"]'),
    Row("checkpoint", "learner", go("/path/steps/check-search")),
    Row("checkpoint-result", "learner", _checkpoint_result, shows='[data-testid="verdict"]'),
    Row("placement", "learner", go("/path/placement"), shows="form"),
    Row("placement-result", "learner", _placement_result, shows='[data-testid="by-skill"]'),
    Row("skills", "learner", go("/path/skills")),
    Row("skill-check", "learner", go("/path/skills/search/check"), shows="form"),
    Row("goal-saved", "learner", _goal_saved, shows=".flash"),
    Row(
        "learner-not-found", "learner", go("/path/steps/nowhere"), shows='[data-testid="way-back"]'
    ),
    # teachers, in the LMS's frame
    Row("dashboard", "teacher", go("/teach"), shows="table.heat"),
    Row("dashboard-page-2", "teacher", _second_page_of_the_class, shows="table.heat"),
    Row("learner-for-teacher", "teacher", _learner_for_teacher),
    Row("change-path", "teacher", _change_path, shows='input[name="confirmed"]'),
    Row("version-move", "teacher", _version_move_review, shows='form[action$="/activity/move"]'),
    Row("paths", "teacher", go("/teach/paths")),
    Row("new-path", "teacher", _new_path, shows='[data-testid="publish-refusal"]'),
    Row("path-editor", "teacher", _path_editor),
    Row("step-editor", "teacher", _step_editor, shows='a[href$="/questions/1"]'),
    Row("question-editor", "teacher", _question_editor, shows='form[action$="/questions/1"]'),
    Row("competencies", "teacher", go("/teach/competencies")),
    Row("library-for-teachers", "teacher", go("/teach/library")),
    Row("library-preview", "teacher", _library_preview),
    Row("library-publish", "teacher", _library_publish, shows='input[name="licence"]'),
    Row(
        "library-publish-refused",
        "teacher",
        _library_publish_refused,
        shows='[data-testid="form-error"]',
    ),
    Row(
        "library-report-refused",
        "teacher",
        _library_report_refused,
        shows='#report [data-testid="form-error"]',
    ),
    Row("deep-linking", "deep-link", _deep_linking, shows="#choose-paths"),
    Row(
        "deep-linking-nothing-chosen",
        "deep-link",
        _deep_linking_nothing_chosen,
        shows='[data-testid="form-error"]',
    ),
    Row(
        "deep-linking-returned",
        "deep-link",
        _deep_linking_returned,
        lang_of_page="en",
        shows="main",
    ),
    # anyone, on the tool's own site
    Row("home", "visitor", public("/")),
    Row("library", "visitor", public("/library")),
    Row("library-entry", "visitor", _library_entry),
    Row("setup", "visitor", public("/lti/setup")),
    Row("not-found", "visitor", public("/nowhere"), shows='[data-testid="way-back"]'),
    Row("demo-lms", "visitor", lambda p: p.open(p.sites.lms + "/demo"), lang_of_page="en"),
    # the LMS administrator's console (in English only)
    Row(
        "admin-sign-in", "admin-out", _admin_sign_in, langs=("en",), shows='input[type="password"]'
    ),
    Row(
        "admin-sign-in-refused",
        "admin-out",
        _admin_sign_in_refused,
        langs=("en",),
        shows='[role="alert"], .error',
    ),
    Row("admin-console", "admin", admin("/admin/"), langs=("en",)),
    Row("admin-new-platform", "admin", admin("/admin/platforms/new"), langs=("en",)),
    Row(
        "admin-new-platform-refused",
        "admin",
        _admin_new_platform_refused,
        langs=("en",),
        shows='[role="alert"]',
    ),
    Row("admin-library", "admin", admin("/admin/library"), langs=("en",)),
    Row("admin-launches", "admin", admin("/admin/launches"), langs=("en",)),
    Row("admin-grade-sync", "admin", admin("/admin/grades"), langs=("en",)),
    Row("admin-keys", "admin", admin("/admin/keys"), langs=("en",)),
)
CASES = [pytest.param(row, lang, id=f"{row.name}-{lang}") for row in PAGES for lang in row.langs]


@pytest.mark.parametrize(("row", "lang"), CASES)
def test_the_page_in_a_browser(people: People, row: Row, lang: str):
    person = people.get(row.who, lang)
    frame = row.reach(person)
    frame.wait_for_load_state()
    assert frame.evaluate("() => document.contentType") == "text/html", frame.url
    expect(frame.locator(row.shows).first).to_be_attached()
    for width, size in SIZES.items():
        person.page.set_viewport_size(size)
        check_page(frame, row.lang_of_page or lang)
        screenshot(person, frame, f"{row.name}-{lang}-{width}.png")
    person.page.set_viewport_size(SIZES[360])


def screenshot(person: Person, frame: Frame, name: str) -> None:
    """The whole page. In the LMS, the tool's frame is made as tall as its page and the
    window as tall as the LMS page for the picture: Chromium paints a frame of another
    site only where it is on screen."""
    page = person.page
    if frame is page.main_frame:
        full_page_screenshot(page, ARTIFACTS / name)
        return
    size = page.viewport_size
    assert size is not None
    tool = page.locator('iframe[name="tool-frame"]')
    height = frame.evaluate("() => document.documentElement.scrollHeight")
    tool.evaluate("(element, height) => { element.style.height = height + 'px'; }", height)
    whole = page.evaluate("() => document.documentElement.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": min(whole, MAX_SHOT_HEIGHT)})
    page.screenshot(path=ARTIFACTS / name)
    page.set_viewport_size(size)
    tool.evaluate("element => { element.style.height = ''; }")


def test_a_locked_step_offers_only_the_way_back(people: People):
    frame = people.get("learner", "en").open("/path/steps/check-judge-safety")
    assert frame.locator("form").count() == 0
    expect(frame.get_by_role("link", name="Back to my path").last).to_be_visible()


def test_the_demo_frame_is_tall_enough_on_a_phone(people: People):
    person = people.get("learner", "en")
    person.open("/path")
    height = person.page.locator('iframe[name="tool-frame"]').bounding_box()["height"]
    assert height >= 540  # 85 % of a 640 px phone screen, at least 36 rem
