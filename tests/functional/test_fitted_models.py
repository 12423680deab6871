"""The fitted mastery models a process reads are the application's, made by create_app:
each application has its own, and a fit saved by `flask skills fit` is used at once."""

from __future__ import annotations

from paths.study.skills import FittedModels
from service import create_app
from service.learner.estimates import fitted_models
from service.lti.services import lti_services
from tests.functional.learner_pages import RIGHT, WRONG, post


def test_each_application_keeps_its_own_fitted_models(settings):
    first, second = create_app(settings), create_app(settings)
    models = []
    for app in (first, second):
        with app.app_context():
            models.append(fitted_models())
            lti_services().http.close()
    assert all(isinstance(m, FittedModels) for m in models) and models[0] is not models[1]


def test_a_fit_saved_by_the_command_is_used_at_once(learner, app, session):
    for key in ("search-basics", "search-queries"):
        post(learner, f"/path/steps/{key}/done", {}, f"/path/steps/{key}")
    post(learner, "/path/steps/check-search/checkpoint", WRONG, "/path/steps/check-search")
    post(learner, "/path/steps/check-search/checkpoint", RIGHT, "/path/steps/check-search")
    before = fitted_models().get(session, "bkt", {"search"})  # read, and kept a minute
    assert before.params_json()["skills"] == {}
    result = app.test_cli_runner().invoke(args=["skills", "fit"])
    assert result.exit_code == 0, result.output
    after = fitted_models().get(session, "bkt", {"search"})
    assert set(after.params_json()["skills"]) == {"search"}
