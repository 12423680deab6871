"""The demo LMS's course page in Chromium, with Selfpath in its frame, and the checks
every page passes: axe-core, weight, no horizontal scroll at 360 px, a screenshot."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Frame, FrameLocator, Locator, Page, Request, TimeoutError

if TYPE_CHECKING:
    from tests.browser.conftest import Sites

HERE = Path(__file__).resolve().parent
AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = HERE / "artifacts"
MAX_PAGE_BYTES = 60 * 1024
BLOCKING_IMPACTS = {"serious", "critical"}

LEARNER = "Launch as learner"
TEACHER = "Launch as teacher"
LEARNER_VI = "Học bằng tiếng Việt (launch as a Vietnamese-speaking learner)"
TEACHER_VI = "Dạy bằng tiếng Việt (launch as a Vietnamese-speaking teacher)"
LEARNER_NEW = "Launch as learner on the next unit (no path chosen yet)"
LEARNER_NEW_VI = (
    "Học chủ đề tiếp theo (launch as a Vietnamese-speaking learner, no path chosen yet)"
)
DEEP_LINK = "Add Selfpath to the course (deep linking)"
DEEP_LINK_VI = "Thêm Selfpath vào khóa học (deep linking, as a Vietnamese-speaking teacher)"

# The page's own document and same-origin resources; external ones are not counted.
WIDTHS = {360: {"width": 360, "height": 640}, 1280: {"width": 1280, "height": 800}}
MAX_SHOT_HEIGHT = 16_000  # px: Chromium's limit for one capture
CLICK_SENT_MS = 5_000  # how long a click may take to send its request
POLL_MS = 50
_WEIGHT = """() => {
  const own = [...performance.getEntriesByType("navigation"),
               ...performance.getEntriesByType("resource").filter(
                 e => e.name.startsWith(location.origin))];
  return own.reduce((sum, e) => sum + Math.max(e.transferSize, e.encodedBodySize), 0);
}"""
_AXE_RUN = """async () => {
  const result = await axe.run(document, {iframes: false, resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""
_NO_SIDEWAYS_SCROLL = (
    "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
)
# The first elements whose right edge passes the page's, to say what makes it scroll.
_WIDER_THAN_THE_PAGE = """() => {
  const edge = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter(e => e.getBoundingClientRect().right > edge + 1)
    .slice(0, 5)
    .map(e => {
      const right = Math.round(e.getBoundingClientRect().right);
      return `${e.tagName.toLowerCase()}.${e.className} (${right} px)`;
    });
}"""


class CourseInTheLms:
    """A person on the demo LMS's course page; Selfpath opens in its `tool-frame`."""

    def __init__(self, page: Page, sites: Sites) -> None:
        self.page = page
        self.sites = sites
        self.launch_requests: list[Request] = []
        page.on("request", self._remember_launch)

    def _remember_launch(self, request: Request) -> None:
        if request.url == self.sites.tool + "/lti/launch":
            self.launch_requests.append(request)

    # -- the LMS page ----------------------------------------------------------------------
    def open(self, *, storage: bool = True) -> None:
        """Open the course page, with platform storage (as Canvas) or without (as Moodle)."""
        self.page.goto(self.sites.lms + "/demo" + ("" if storage else "?storage=0"))

    def launch(self, label: str) -> None:
        self.page.get_by_role("button", name=label, exact=True).click()

    # -- the tool's frame ------------------------------------------------------------------
    @property
    def frame(self) -> Frame:
        frame = self.page.frame(name="tool-frame")
        assert frame is not None
        return frame

    @property
    def tool(self) -> FrameLocator:
        return self.page.frame_locator('iframe[name="tool-frame"]')

    def url_of(self, path: str) -> re.Pattern[str]:
        """The tool's page at `path`, with any query string; a `*` in it stands for one
        segment of the path (an id)."""
        pattern = re.escape(self.sites.tool + path).replace(r"\*", "[^/?#]+")
        return re.compile(pattern + r"(\?.*)?$")

    def wait_for(self, path: str) -> None:
        """Wait until the tool's frame shows `path` (with or without a query string)."""
        try:
            self.frame.wait_for_url(self.url_of(path))
        except TimeoutError as error:
            raise self._elsewhere() from error

    def follow(self, target: Locator, path: str) -> None:
        """Click a link or button in the tool and wait for the page at `path` it opens."""
        try:
            with self.frame.expect_navigation(url=self.url_of(path)):
                self._click_until_sent(target)
        except TimeoutError as error:
            raise self._elsewhere() from error

    def _click_until_sent(self, target: Locator) -> None:
        """Click `target`. On a loaded machine headless Chromium has lost a click now and
        then (seen soon after Playwright's own full-page capture, which full_page_screenshot
        no longer uses): Playwright reports it done, yet the frame asks for no page. Then
        the person clicks once more; never when the first click sent its request (a form
        is not sent twice), and a button that sends nothing still fails the test."""
        sent: list[Request] = []

        def remember(request: Request) -> None:
            if request.is_navigation_request() and request.frame == self.frame:
                sent.append(request)

        self.page.on("request", remember)
        try:
            target.click()
            waited = 0
            while not sent and waited < CLICK_SENT_MS:
                self.page.wait_for_timeout(POLL_MS)
                waited += POLL_MS
            if not sent:
                target.click()
        finally:
            self.page.remove_listener("request", remember)

    def _elsewhere(self) -> AssertionError:
        """Where the tool's frame is instead, and what it shows (or that its page does not
        answer: a frame still loading, or one the page has replaced)."""
        try:
            text = self.frame.locator("body").inner_text(timeout=1000)[:500]
        except TimeoutError:
            text = "(its page did not show a body within a second)"
        return AssertionError(f"the tool's frame is at {self.frame.url}: {text}")

    def progress(self) -> int:
        return int(self.tool.get_by_role("progressbar").get_attribute("aria-valuenow") or 0)

    def statuses(self) -> dict[str, str]:
        items = self.tool.locator("ol.map li")
        return {
            items.nth(i).get_attribute("data-step") or "": items.nth(i).get_attribute("data-status")
            or ""
            for i in range(items.count())
        }

    def state_cookie_sent(self) -> bool:
        """Whether the first id_token POST carried the login's state cookie."""
        assert self.launch_requests, "no launch reached Selfpath"
        return "lti_state_" in (self.launch_requests[0].all_headers().get("cookie") or "")

    def tool_cookies(self) -> list[Any]:
        return list(self.page.context.cookies(self.sites.tool))

    # -- checks on every page --------------------------------------------------------------
    def check_tool_page(self, name: str, lang: str, *, scripts: bool = True) -> None:
        """The page in the tool's frame: its language, weight, width, accessibility."""
        frame = self.frame
        frame.wait_for_load_state()
        check_page(frame, lang, scripts=scripts)
        self._screenshot(f"{name}-{lang}.png")

    def check_tool_page_at_every_width(self, name: str, lang: str) -> None:
        """check_tool_page at a phone's width and at a laptop's, then back to the phone."""
        for width, size in WIDTHS.items():
            self.page.set_viewport_size(size)
            self.check_tool_page(f"{name}-{width}", lang)
        self.page.set_viewport_size(WIDTHS[360])

    def check_lms_page(self, name: str) -> None:
        check_page(self.page.main_frame, "en")
        self._screenshot(f"{name}.png")

    def _screenshot(self, name: str) -> None:
        full_page_screenshot(self.page, ARTIFACTS / name)


def full_page_screenshot(page: Page, path: Path) -> None:
    """The whole page: the window made as tall as the page for the picture, then set back.
    Playwright's own full-page capture lays the page out beyond the window behind the
    page's back, and on a loaded machine a click made soon after now and then landed where
    nothing was; a change of the window's size is one Playwright waits for."""
    size = page.viewport_size
    assert size is not None
    whole = page.evaluate("() => document.documentElement.scrollHeight")
    if whole > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(whole, MAX_SHOT_HEIGHT)})
    try:
        page.screenshot(path=path)
    finally:
        page.set_viewport_size(size)


def choose(option: Locator) -> None:
    """Tick a radio button or checkbox as a person does, by clicking it. Right after a
    full-page screenshot Chromium now and then delivers the click while the page is
    being laid out again at its own size, and Playwright reports that the click did not
    change the option: then the person clicks once more."""
    try:
        option.check()
    except PlaywrightError as missed:
        if "did not change its state" not in str(missed):
            raise
        option.check()


def check_page(frame: Frame, lang: str, *, scripts: bool = True) -> None:
    assert frame.evaluate("() => document.documentElement.lang") == lang
    weight = frame.evaluate(_WEIGHT)
    assert 0 < weight < MAX_PAGE_BYTES, f"{frame.url} weighs {weight} bytes"
    assert frame.evaluate(_NO_SIDEWAYS_SCROLL), (
        f"{frame.url} scrolls sideways at 360 px: {frame.evaluate(_WIDER_THAN_THE_PAGE)}"
    )
    if scripts:  # axe runs as a script in the page: not where the person turned them off
        assert not blocking_violations(frame), frame.url


def blocking_violations(frame: Frame) -> list[dict[str, Any]]:
    frame.add_script_tag(path=str(AXE))
    violations: list[dict[str, Any]] = frame.evaluate(_AXE_RUN)
    blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        print("axe:", frame.url, blocking)  # shown by pytest when the test fails
    return blocking
