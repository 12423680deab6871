"""My path's steps are worded once per process and kept by what they show: a step of
another version with the same key, or the same step in another state, is worded anew."""

from __future__ import annotations

from dataclasses import replace

from flask_babel import force_locale

from paths.published import PublishedStep
from paths.study.path_view import StepState
from service.learner.my_path import _StepsShown


def step(**changes) -> PublishedStep:
    fields = {
        "id": 1,
        "version_id": 1,
        "key": "read-1",
        "uuid": "u-1",
        "position": 1,
        "kind": "read",
        "title": "Fractions",
        "instructions": "",
        "resource_url": None,
        "resource_licence": None,
        "resource_source": None,
        "resource_framable": False,
        "minutes": 10,
        "skills": ["fractions"],
        "optional": False,
        "prerequisites": [],
        "remedial_for": None,
        "mastery_threshold": None,
        "questions": (),
    }
    return PublishedStep(**{**fields, **changes})  # type: ignore[arg-type]


def shown(app, item: StepState):
    with app.test_request_context("/path"), force_locale("en"):
        return _StepsShown()(item)


def test_a_step_of_another_version_with_the_same_key_shows_its_own_words(app):
    first = StepState(step(), "available", (), False, False)
    assert "Fractions" in shown(app, first).item
    retitled = shown(app, replace(first, step=step(id=2, version_id=2, title="Decimals")))
    assert "Decimals" in retitled.item and "Fractions" not in retitled.item
    longer = shown(app, replace(first, step=step(id=3, version_id=3, minutes=25)))
    assert "25" in longer.row.details and "10" not in longer.row.details
    watched = shown(app, replace(first, step=step(id=4, version_id=4, kind="watch")))
    assert watched.row.details != shown(app, first).row.details


def test_the_same_step_in_another_state_is_worded_for_that_state(app):
    item = StepState(step(key="read-2"), "available", (), False, False)
    assert 'data-status="available"' in shown(app, item).item
    locked = shown(app, replace(item, status="locked", locked_by=("Intro",)))
    assert 'data-status="locked"' in locked.item and "Intro" in locked.item
    flagged = shown(app, replace(item, recommended=True))
    assert "recommended" in flagged.item and "recommended" not in shown(app, item).item
    optional = shown(app, replace(item, step=step(key="read-2", optional=True)))
    assert "optional" in optional.row.details
