"""What an admin sees of the grade-sync queue, and asking for a resync from the command line."""

from __future__ import annotations

import json

from lti.grade_status import queue_health
from tests.grades import drain, finish, learners, linked_activity, states


def test_queue_health_counts_scores_per_platform(
    platform, second_platform, session, gradebook, worker
):
    activity = linked_activity(session, platform, gradebook.claim(gradebook.add_line_item()))
    people = learners(session, platform, activity, 4)
    unlinked = linked_activity(session, platform, None, link="link-2")
    learners(session, platform, unlinked, 1)
    gradebook.scripted.append(
        (404, {"Content-Type": "application/json"}, json.dumps({"error": "gone"}))
    )
    worker.run_batch(session)
    finished = next(
        p for p, state in zip(people, states(session, people), strict=True) if state == "sent"
    )
    finish(session, finished, "search-queries")  # a newer score is waiting
    session.commit()

    moodle, canvas = queue_health(session)
    assert (moodle.platform_id, moodle.name) == (platform.platform_id, "moodle")
    assert (moodle.pending, moodle.failed, moodle.sent, moodle.not_linked) == (1, 1, 2, 1)
    assert moodle.oldest_pending is not None and moodle.oldest_pending.tzinfo is not None
    assert (canvas.pending, canvas.failed, canvas.sent, canvas.oldest_pending) == (0, 0, 0, None)


def test_scores_status_and_resync_commands(app, platform, session, gradebook, worker):
    activity = linked_activity(session, platform, gradebook.claim(gradebook.add_line_item()))
    people = learners(session, platform, activity, 2)
    gradebook.scripted.extend([(422, {}, "no")] * 2)
    worker.run_batch(session)
    runner = app.test_cli_runner()

    status = runner.invoke(args=["scores", "status"])
    assert status.exit_code == 0
    row = next(line for line in status.output.splitlines() if "moodle" in line)
    assert row.split()[2:7] == ["0", "0", "2", "0", "0"]

    resync = runner.invoke(args=["scores", "resync", "--course", "course-1"])
    assert resync.exit_code == 0 and "2 score(s) of course course-1" in resync.output
    session.expire_all()
    assert states(session, people) == ["pending", "pending"]
    drain(worker, session)
    assert states(session, people) == ["sent", "sent"]
    assert runner.invoke(args=["scores", "resync", "--course", "nowhere"]).output.startswith("0")
