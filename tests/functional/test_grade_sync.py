"""Every score reaches the LMS gradebook, once, newest last, through a real HTTP fake LMS."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from lti import claims
from lti.models import AgsEndpoint, ScoreDelivery
from paths.scores import Score
from tests.grades import (
    delivery_of,
    drain,
    finish,
    learners,
    linked_activity,
    score_of,
    states,
    unsent,
)
from tests.platform import LEARNER


def test_a_launch_keeps_the_gradebook_endpoint_and_progress_reaches_the_lms(
    browser, platform, session, gradebook, worker
):
    from tests.functional.learner_pages import assign_demo_path, post

    assign_demo_path(session, platform)
    line_item = gradebook.add_line_item(resource_link_id=LEARNER.resource_link_id)
    response = browser.launch(
        platform, LEARNER, **{claims.AGS_ENDPOINT: gradebook.claim(line_item)}
    )
    assert response.status_code == 303
    endpoint = session.scalars(select(AgsEndpoint)).one()
    assert endpoint.lineitem_url == line_item and endpoint.lineitems_url.endswith("?type_id=3")
    assert endpoint.platform_id == platform.platform_id and len(endpoint.scopes) == 4

    post(browser.client, "/path/steps/search-basics/done", {}, "/path/steps/search-basics")
    score = session.scalars(select(Score)).one()
    assert (score.version, score.activity_progress) == (1, "InProgress")
    assert session.scalars(select(ScoreDelivery)).all() == []  # no worker has tried it yet
    drain(worker, session)
    [arrived] = gradebook.received
    assert arrived.user_id == LEARNER.subject and arrived.score_given == 10.0
    assert (arrived.activity_progress, arrived.grading_progress) == ("InProgress", "FullyGraded")
    session.refresh(score)
    delivery = session.get(ScoreDelivery, score.id)
    assert arrived.timestamp == score.changed_at and delivery.acknowledged_version == 1


def test_lms_down_for_a_while_then_every_final_score_arrives_once(
    platform, session, gradebook, worker
):
    activity = linked_activity(session, platform, gradebook.claim(gradebook.add_line_item()))
    people = learners(session, platform, activity, 6)
    gradebook.down = True
    for _ in range(5):  # the LMS is down; learners keep studying
        worker.run_batch(session)
    finish(session, people[0], "search-queries")
    finish(session, people[1], "search-queries")
    session.commit()
    # A failure pauses the platform for a moment, so a quick run of batches may not reach
    # every learner: keep trying (while the LMS stays down) until the third one is tried.
    for _ in range(500):  # ten seconds of the worker's clock
        if delivery_of(session, people[2]).attempts:
            break
        worker.clock.advance(0.02)
        worker.run_batch(session)
    assert gradebook.received == [] and set(states(session, people)) <= {"retrying", "pending"}
    held = delivery_of(session, people[2])
    assert held.attempts >= 1 and "503" in held.last_error

    gradebook.down = False
    drain(worker, session)
    assert sorted(r.user_id for r in gradebook.received) == sorted(
        f"link-1-u{n}" for n in range(6)
    )  # each learner's score arrived once
    assert gradebook.final()["link-1-u0"] == 20.0 and gradebook.final()["link-1-u5"] == 10.0
    assert states(session, people) == ["sent"] * 6 and gradebook.stale == []


def test_retry_after_is_honoured(platform, session, gradebook, worker):
    activity = linked_activity(session, platform, gradebook.claim(gradebook.add_line_item()))
    learners(session, platform, activity, 1)
    gradebook.scripted.append((429, {"Retry-After": "1"}, "slow down"))
    report = worker.run_batch(session)
    assert report.retrying == 1
    assert worker.run_batch(session).claimed == 0  # the platform is paused
    paused_at = worker.clock()
    drain(worker, session, seconds=5)
    [(_, status), (_, ok)] = gradebook.attempts
    assert (status, ok) == (429, 200)
    assert worker.clock() - paused_at >= timedelta(seconds=1)  # not sent again before


def test_one_token_per_platform_and_scope_set_while_it_is_valid(platform, session, gradebook):
    from tests.clocks import BehindWallClock
    from tests.grades import quick_worker

    worker = quick_worker(batch=3)
    worker.tokens.clock = clock = BehindWallClock()
    try:
        activity = linked_activity(session, platform, gradebook.claim(gradebook.add_line_item()))
        people = learners(session, platform, activity, 8)
        drain(worker, session)
        assert len(gradebook.received) == 8 and gradebook.token_requests == 1

        from lti.ags_endpoint import SCORE

        gradebook.expires_in = 1  # tokens from now on last a second
        other = linked_activity(
            session,
            platform,
            gradebook.claim(gradebook.add_line_item(resource_link_id="link-2"), scopes=[SCORE]),
            link="link-2",
        )
        people = learners(session, platform, other, 2)
        drain(worker, session)
        assert gradebook.token_requests == 2  # another scope set, another token

        clock.advance(1.0)  # it expired
        finish(session, people[0], "search-queries")
        session.commit()
        drain(worker, session)
        assert gradebook.token_requests == 3 and len(gradebook.scores_of("link-2-u0")) == 2
    finally:
        worker.close()


def test_a_missing_line_item_is_created_once_for_the_resource_link(
    platform, session, gradebook, worker
):
    activity = linked_activity(session, platform, gradebook.claim(None))
    learners(session, platform, activity, 3)
    drain(worker, session)
    [item] = gradebook.line_items.values()
    assert (item["resourceLinkId"], item["label"], item["scoreMaximum"]) == (
        "link-1",
        "Cells path",
        100.0,
    )
    endpoint = session.scalars(select(AgsEndpoint)).one()
    assert endpoint.lineitem_url == item["id"] and endpoint.line_item_created
    assert {r.line_item for r in gradebook.received} == {"1"} and len(gradebook.received) == 3


def test_an_existing_line_item_for_the_link_is_found_not_duplicated(
    platform, session, gradebook, worker
):
    gradebook.add_line_item(resource_link_id="other")
    existing = gradebook.add_line_item(resource_link_id="link-1")
    activity = linked_activity(session, platform, gradebook.claim(None))
    learners(session, platform, activity, 1)
    drain(worker, session)
    assert len(gradebook.line_items) == 2
    assert session.scalars(select(AgsEndpoint)).one().lineitem_url == existing


def test_an_older_score_never_overwrites_a_newer_one(platform, session, gradebook, worker):
    from lti import grade_queue
    from paths.db import utcnow

    activity = linked_activity(session, platform, gradebook.claim(gradebook.add_line_item()))
    [person] = learners(session, platform, activity, 1)
    [claimed] = grade_queue.claim(session, worker="w", now=utcnow(), lease_seconds=30, limit=5)
    finish(session, person, "search-queries")  # a newer score while version 1 is in flight
    session.commit()
    grade_queue.acknowledged(session, claimed, worker="w", now=utcnow())
    session.commit()
    assert (
        score_of(session, person).version,
        delivery_of(session, person).acknowledged_version,
    ) == (2, 1)
    assert states(session, [person]) == ["pending"]
    drain(worker, session)
    [arrived] = gradebook.received
    assert arrived.score_given == 20.0 and arrived.timestamp > claimed.changed_at
    assert unsent(session) == []


def test_a_late_acknowledgement_keeps_the_newer_version_and_another_workers_claim(
    platform, session, gradebook
):
    from dataclasses import replace

    from lti import grade_queue
    from paths.db import utcnow

    activity = linked_activity(session, platform, gradebook.claim(gradebook.add_line_item()))
    [person] = learners(session, platform, activity, 1)
    [claimed] = grade_queue.claim(session, worker="w", now=utcnow(), lease_seconds=30, limit=5)
    finish(session, person, "search-queries")
    session.commit()
    grade_queue.acknowledged(session, replace(claimed, version=2), worker="w", now=utcnow())
    delivery = delivery_of(session, person)
    delivery.claimed_by, delivery.claimed_until = "other", utcnow() + timedelta(seconds=30)
    session.commit()
    grade_queue.acknowledged(session, claimed, worker="w", now=utcnow())  # version 1, late
    session.commit()
    after = delivery_of(session, person)
    assert (after.acknowledged_version, after.claimed_by, after.attempts) == (2, "other", 0)
    assert after.claimed_until is not None and after.acknowledged_at is not None


def test_scores_without_a_gradebook_endpoint_wait_as_not_linked(platform, session, worker):
    activity = linked_activity(session, platform, None)
    people = learners(session, platform, activity, 2)
    assert worker.run_batch(session).claimed == 0
    assert states(session, people) == ["not_linked", "not_linked"]
