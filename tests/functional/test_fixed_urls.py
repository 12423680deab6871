"""Addresses that are the same on every request of a process are built once: a page's
links to fixed pages, its stylesheet and its steps' address pattern; a session that
travels in the links gets its token in every one of them, as before."""

from __future__ import annotations

import flask
import pytest

from service import fixed_urls
from service.assets import asset_url
from service.fixed_urls import fixed_url, template_url_for
from tests.functional.learner_pages import page_of


@pytest.fixture
def builds(monkeypatch) -> list[str]:
    """The endpoints Flask's url_for built while the test runs."""
    built: list[str] = []
    real = flask.url_for

    def counted(endpoint, **values):  # type: ignore[no-untyped-def]
        built.append(endpoint)
        return real(endpoint, **values)

    monkeypatch.setattr(fixed_urls, "url_for", counted)
    return built


def test_a_fixed_address_is_built_once_and_is_flasks(app, builds):
    with app.test_request_context("/path"):
        first = fixed_url("learner.what_i_know")
        assert fixed_url("learner.what_i_know") == first == flask.url_for("learner.what_i_know")
        assert template_url_for("learner.what_i_know") == first
    with app.test_request_context("/path/skills"):
        assert fixed_url("learner.what_i_know") == first
    assert builds.count("learner.what_i_know") <= 1


def test_each_script_root_has_its_own_addresses(app):
    with app.test_request_context("/path"):
        plain = fixed_url("learner.my_path")
        stylesheet = asset_url("selfpath.css")
    with app.test_request_context("/path", base_url="http://localhost/selfpath/"):
        assert fixed_url("learner.my_path") == "/selfpath" + plain
        assert asset_url("selfpath.css") == "/selfpath" + stylesheet


def test_a_templates_address_with_values_is_built_every_time(app, builds):
    with app.test_request_context("/path"):
        template_url_for("learner.step", key="a")
        template_url_for("learner.step", key="a")
    assert builds == ["learner.step", "learner.step"]


def test_a_carried_session_gets_its_token_in_fixed_addresses(app, builds):
    with app.test_request_context("/path"):
        flask.session["user_id"] = 1
        flask.session.carried = True  # type: ignore[attr-defined]
        my_path = fixed_url("learner.my_path")
        assert "sp=" in my_path and "sp=" in fixed_url("learner.my_path")
    assert builds == ["learner.my_path", "learner.my_path"]


def test_a_process_keeps_a_bounded_number_of_addresses(app, monkeypatch):
    monkeypatch.setattr(fixed_urls, "KEPT_SIZE", 0)
    kept = app.extensions[fixed_urls.KEPT]
    before = dict(kept)
    with app.test_request_context("/path", base_url="http://localhost/elsewhere/"):
        assert fixed_url("learner.my_path") == "/elsewhere/path"
    assert kept == before


def test_the_learner_page_links_as_before(learner):
    page = page_of(learner, "/path")
    for address in ('href="/path"', 'href="/path/skills"', 'action="/path/goal"'):
        assert address in page
