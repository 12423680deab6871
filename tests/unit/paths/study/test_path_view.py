"""The "My path" read model (`paths.study.path_view`): step states, progress and time left
on the demo path, from the first step to the last."""

from paths.db import utcnow
from paths.study import checkpoints, completion, learner_path
from paths.study.path_view import path_view
from paths.study.up_next import CLOSES_GAP, COMPLETE
from tests.unit.paths.study.demo_path import SEARCH_RIGHT


def test_new_learner_starts_at_the_first_step(session, enrollment):
    view = path_view(session, enrollment, utcnow())
    assert view.up_next.step_key == "search-basics" and view.up_next.reason == CLOSES_GAP
    assert view.up_next.params == {"skills": "Finding information"}
    statuses = {s.step.key: s.status for s in view.steps}
    assert statuses["search-basics"] == "available"
    assert statuses["search-queries"] == "locked"
    locked = next(s for s in view.steps if s.step.key == "search-queries")
    assert locked.locked_by == ("How search engines work",)
    assert view.percent == 0 and view.required_total == 10
    assert view.minutes_left == 118


def test_finishing_everything_completes_the_path(session, enrollment):
    now = utcnow()
    steps = learner_path.steps_of(session, enrollment)
    answers = {
        "check-search": SEARCH_RIGHT,
        "check-judge-safety": {0: "1", 1: "0", 2: "2", 3: "Phishing"},
    }
    from paths.graph import topological_order

    for key in topological_order(steps):
        step = learner_path.find_step(session, enrollment, key)
        if step.remedial_for or step.optional:
            continue
        if step.is_checkpoint:
            assert checkpoints.submit_checkpoint(
                session, enrollment, key, answers[key], now=now
            ).passed
        else:
            completion.complete_step(session, enrollment, key, now=now)
    view = path_view(session, enrollment, now)
    assert view.percent == 100 and view.minutes_left == 0
    assert view.up_next.step_key == "two-factor"  # only the optional step is left
    completion.complete_step(session, enrollment, "two-factor", now=now)
    assert path_view(session, enrollment, now).up_next.reason == COMPLETE
