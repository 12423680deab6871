"""What estimates a learner's mastery: the configured family (MASTERY_MODEL) with the
parameters fitted for their path's skills."""

from __future__ import annotations

from flask import current_app

from paths.enrollment import EnrollmentFacts
from paths.learning.mastery import MasteryModel
from paths.study.learner_path import steps_of
from paths.study.skills import FittedModels, question_skills
from paths.version_cache import caches_of, version_key
from service.extensions import db_session
from service.settings import current_settings

FITTED_MODELS = "selfpath.fitted_models"  # the app's FittedModels, made by create_app


def path_skills(enrollment: EnrollmentFacts) -> frozenset[str]:
    """Every skill the learner's path version names, on its steps and its questions."""
    skills = caches_of(db_session()).skills
    return skills.get(version_key(enrollment.assignment.version), lambda: _skills_of(enrollment))


def _skills_of(enrollment: EnrollmentFacts) -> frozenset[str]:
    skills: set[str] = set()
    for step in steps_of(db_session(), enrollment):
        skills.update(step.skills)
        skills.update(k for k in question_skills(step) if k)
    return frozenset(skills)


def learner_model(enrollment: EnrollmentFacts) -> MasteryModel:
    """MASTERY_MODEL's family with the parameters `flask skills fit` stored, if any (read
    once a minute per process: paths.study.skills.FittedModels)."""
    return fitted_models().get(
        db_session(), current_settings().mastery_model, path_skills(enrollment)
    )


def fitted_models() -> FittedModels:
    """The running application's fitted mastery models, kept for every request."""
    models: FittedModels = current_app.extensions[FITTED_MODELS]
    return models
