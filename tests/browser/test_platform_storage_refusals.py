"""Tampered platform-storage answers are refused and the launch does not complete.

The frame is blocked from every cookie (as in the platform-storage scenario), so the
launch can only finish through the LMS's storage frame. Here the demo LMS's storage frame
(`/demo/storage`) is replaced by a hostile one, served by the test through Playwright's
routing: it keeps what the tool puts, but answers `lti.get_data` wrongly.
"""

from __future__ import annotations

from playwright.sync_api import Route, expect
from sqlalchemy import func, select

from paths.people import User
from service.extensions import db
from tests.browser.lms import LEARNER, CourseInTheLms

EVIL = "https://evil.invalid"
HOSTILE_STORAGE = """<!doctype html><html lang="en"><head><title>storage</title></head><body>
%(extra)s
<script>
var kept = {};
window.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.subject === "lti.put_data") {
    kept[data.key] = data.value;
    event.source.postMessage({subject: "lti.put_data.response", message_id: data.message_id,
                              key: data.key, value: data.value}, event.origin);
  } else if (data.subject === "lti.get_data") {
    var answer = {subject: "lti.get_data.response", message_id: data.message_id,
                  key: data.key, value: kept[data.key]};
    %(tamper)s
    window.answered = true;
  }
});
</script></body></html>"""
# Relays the right answer to the tool's frame, but from another origin.
RELAY = """<!doctype html><html lang="en"><head><title>relay</title></head><body><script>
window.addEventListener("message", function (event) {
  window.top.frames["tool-frame"].postMessage(event.data, "*");
  window.answered = true;
});
</script></body></html>"""


def _serve_hostile_storage(course: CourseInTheLms, tamper: str, extra: str = "") -> None:
    body = HOSTILE_STORAGE % {"tamper": tamper, "extra": extra}

    def storage(route: Route) -> None:
        route.fulfill(status=200, content_type="text/html", body=body)

    course.page.route(course.sites.lms + "/demo/storage", storage)
    course.page.route(
        EVIL + "/relay",
        lambda route: route.fulfill(status=200, content_type="text/html", body=RELAY),
    )


def _people(course: CourseInTheLms) -> int:
    with course.sites.app.app_context():
        count = db.session.scalar(select(func.count()).select_from(User))
        db.session.remove()
    return int(count or 0)


def _launch_is_not_completed(course: CourseInTheLms, answered_in: str) -> None:
    expect(course.tool.get_by_role("button", name="Open Selfpath in a new window")).to_be_visible(
        timeout=10_000
    )
    frame = course.page.frame(name=answered_in)
    assert frame is not None and frame.evaluate("() => window.answered === true")
    assert len(course.launch_requests) == 1  # the answer was never posted to Selfpath
    assert _people(course) == 0


def test_answer_from_another_origin_is_ignored(course_blocking_cookies: CourseInTheLms):
    course = course_blocking_cookies
    _serve_hostile_storage(
        course,
        extra=f'<iframe name="relay" src="{EVIL}/relay" title="relay"></iframe>',
        tamper='window.frames.relay.postMessage(answer, "*");',
    )
    course.open(storage=True)
    course.launch(LEARNER)
    _launch_is_not_completed(course, answered_in="relay")


def test_answer_with_another_message_id_is_ignored(course_blocking_cookies: CourseInTheLms):
    course = course_blocking_cookies
    _serve_hostile_storage(
        course,
        tamper='answer.message_id = "get-forged"; event.source.postMessage(answer, event.origin);',
    )
    course.open(storage=True)
    course.launch(LEARNER)
    _launch_is_not_completed(course, answered_in="post_message_forwarding")


def test_state_that_does_not_match_is_refused(course_blocking_cookies: CourseInTheLms):
    course = course_blocking_cookies
    _serve_hostile_storage(
        course,
        tamper='answer.value = "forged-binding-of-another-login"; '
        "event.source.postMessage(answer, event.origin);",
    )
    course.open(storage=True)
    course.launch(LEARNER)
    course.wait_for("/lti/launch")
    expect(course.tool.get_by_role("alert")).to_contain_text("state_mismatch")
    assert len(course.launch_requests) == 2 and _people(course) == 0
    course.check_tool_page("launch-refused", "en")


def test_demo_storage_frame_answers_only_the_tool(course: CourseInTheLms):
    """The demo LMS's storage frame answers lti.capabilities from the tool's origin, keeps
    what the tool puts, and ignores the same questions from any other origin."""
    course.open(storage=True)
    course.launch(LEARNER)
    course.wait_for("/path")
    ask = """async (message) => {
      const storage = window.parent.frames["post_message_forwarding"];
      const answer = new Promise(resolve => {
        window.addEventListener("message", e => {
          if (e.data && e.data.message_id === message.message_id) resolve(e.data);
        });
        setTimeout(() => resolve(null), 1000);
      });
      storage.postMessage(message, "*");
      return await answer;
    }"""
    capabilities = course.frame.evaluate(ask, {"subject": "lti.capabilities", "message_id": "c1"})
    assert {m["subject"] for m in capabilities["supported_messages"]} >= {
        "lti.capabilities",
        "lti.put_data",
        "lti.get_data",
    }
    put = course.frame.evaluate(
        ask, {"subject": "lti.put_data", "message_id": "p1", "key": "k", "value": "v"}
    )
    assert put["subject"] == "lti.put_data.response" and put["value"] == "v"
    got = course.frame.evaluate(ask, {"subject": "lti.get_data", "message_id": "g1", "key": "k"})
    assert got["subject"] == "lti.get_data.response" and got["value"] == "v"
    # The LMS page itself is another origin than the tool's: no answer.
    ask_from_lms = ask.replace("window.parent.frames", "window.frames")
    assert (
        course.page.evaluate(
            ask_from_lms, {"subject": "lti.get_data", "message_id": "g2", "key": "k"}
        )
        is None
    )
