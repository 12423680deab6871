"""What the LMS refuses, or answers oddly, is recorded with a readable reason and held
until someone asks for a resync; nothing is dropped and no token goes astray."""

from __future__ import annotations

import json

import pytest
from werkzeug.wrappers import Response

from lti.ags_endpoint import LINEITEM, SCORE
from lti.grade_status import resync, resync_course, sync_status_for
from tests.grades import delivery_of, drain, learners, linked_activity, states
from tests.platform import PlatformServer


def refusal(status: int, words: str) -> tuple[int, dict[str, str], str]:
    return status, {"Content-Type": "application/json"}, json.dumps({"error": words})


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (refusal(400, "Incorrect score received"), "400 (Incorrect score received)"),
        (refusal(403, "User cannot be graded"), "403 (User cannot be graded)"),
        (refusal(404, "No such line item"), "404 (No such line item)"),
        (refusal(422, "scoreGiven above maximum"), "422 (scoreGiven above maximum)"),
        (
            (200, {"Content-Type": "text/html"}, "<html><body>Please log in</body></html>"),
            "200 with a text/html page instead of accepting the score (Please log in)",
        ),
    ],
)
def test_a_refused_score_is_held_with_the_lms_reason_until_resync(
    platform, session, gradebook, worker, answer, reason
):
    activity = linked_activity(session, platform, gradebook.claim(gradebook.add_line_item()))
    people = learners(session, platform, activity, 2)
    gradebook.scripted.append(answer)
    report = worker.run_batch(session)
    assert (report.failed, report.sent) == (1, 1)
    failed = next(p for p in people if delivery_of(session, p).failed_at is not None)
    status = sync_status_for(session, [failed.id])[failed.id]
    assert status.state == "failed" and reason in status.last_error
    assert worker.run_batch(session).claimed == 0  # held: not retried on its own

    assert resync(session, [failed.id]) == 1
    session.commit()
    drain(worker, session)
    assert states(session, people) == ["sent", "sent"]
    assert len(gradebook.latest) == 2


def test_a_401_gets_one_fresh_token_then_is_recorded(platform, session, gradebook, worker):
    activity = linked_activity(session, platform, gradebook.claim(gradebook.add_line_item()))
    [person] = learners(session, platform, activity, 1)
    gradebook.scripted.extend([refusal(401, "Unauthorized")] * 2)
    assert worker.run_batch(session).failed == 1
    assert gradebook.token_requests == 2
    assert "Authorization header" in delivery_of(session, person).last_error


def test_a_token_endpoint_that_refuses_the_assertion_is_recorded(
    platform, session, gradebook, worker
):
    activity = linked_activity(session, platform, gradebook.claim(gradebook.add_line_item()))
    [person] = learners(session, platform, activity, 1)
    gradebook.tool_jwks = lambda: {"keys": []}  # the LMS does not know Selfpath's key
    assert worker.run_batch(session).failed == 1
    error = delivery_of(session, person).last_error
    assert "access token" in error and "400 (invalid_client: unknown key" in error
    assert gradebook.attempts == []  # no score was posted without a token


def test_a_token_endpoint_answering_nonsense_is_recorded(platform, session, gradebook, worker):
    activity = linked_activity(session, platform, gradebook.claim(gradebook.add_line_item()))
    [person] = learners(session, platform, activity, 1)
    platform.server.routes[f"/{platform.name}/token"] = lambda request: Response(
        json.dumps({"token_type": "Bearer"}), mimetype="application/json"
    )
    assert worker.run_batch(session).failed == 1
    assert "no access_token" in delivery_of(session, person).last_error


def test_a_line_item_from_another_platform_in_a_forged_claim_gets_nothing(
    platform, session, gradebook, worker
):
    elsewhere = PlatformServer()
    try:
        forged = f"{elsewhere.base_url}/moodle/ags/lineitems/1/lineitem?type_id=3"
        activity = linked_activity(session, platform, gradebook.claim(forged))
        [person] = learners(session, platform, activity, 1)
        assert worker.run_batch(session).failed == 1
        error = delivery_of(session, person).last_error
        assert "is not on the LMS's own address" in error and elsewhere.base_url in error
        assert elsewhere.hits == {} and gradebook.token_requests == 0
    finally:
        elsewhere.close()


@pytest.mark.parametrize(
    ("claim", "words"),
    [
        ({"scope": [LINEITEM], "lineitem": "LINE"}, "does not allow sending scores"),
        ({"scope": [SCORE], "lineitems": "ITEMS"}, "do not let Selfpath create one"),
        ({"scope": [SCORE, LINEITEM]}, "no line items address"),
    ],
)
def test_operations_the_claim_does_not_allow_are_not_attempted(
    platform, session, gradebook, worker, claim, words
):
    claim = {
        k: (
            gradebook.add_line_item()
            if v == "LINE"
            else gradebook.lineitems_url
            if v == "ITEMS"
            else v
        )
        for k, v in claim.items()
    }
    activity = linked_activity(session, platform, claim)
    [person] = learners(session, platform, activity, 1)
    assert worker.run_batch(session).failed == 1
    assert words in delivery_of(session, person).last_error
    assert gradebook.token_requests == 0 and gradebook.attempts == []


def test_a_new_launch_with_a_new_endpoint_releases_held_scores(
    platform, session, gradebook, worker
):
    from lti.ags_endpoint import store_endpoint
    from paths.db import utcnow

    activity = linked_activity(session, platform, {"scope": [SCORE]})
    [person] = learners(session, platform, activity, 1)
    worker.run_batch(session)
    assert states(session, [person]) == ["failed"]
    store_endpoint(
        session,
        activity.id,
        platform.platform_id,
        gradebook.claim(gradebook.add_line_item()),
        utcnow(),
    )
    session.commit()
    drain(worker, session)
    assert states(session, [person]) == ["sent"]


def test_resync_a_course_by_its_lms_context_id(platform, session, gradebook, worker):
    activity = linked_activity(session, platform, gradebook.claim(gradebook.add_line_item()))
    people = learners(session, platform, activity, 3)
    gradebook.scripted.extend([refusal(404, "gone")] * 3)
    worker.run_batch(session)
    assert states(session, people) == ["failed"] * 3
    assert resync_course(session, "course-1") == 3
    session.commit()
    drain(worker, session)
    assert states(session, people) == ["sent"] * 3
