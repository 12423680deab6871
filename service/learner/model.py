"""The configured learner model, with the parameters fitted for a path's skills."""

from __future__ import annotations

from paths.enrollment import Enrollment
from paths.learning.mastery import MasteryModel
from paths.mastery import fitted_model, question_skills
from paths.studying import steps_of
from service.extensions import db_session
from service.settings import current_settings


def path_skills(enrollment: Enrollment) -> set[str]:
    skills: set[str] = set()
    for step in steps_of(enrollment):
        skills.update(step.skills)
        skills.update(k for k in question_skills(step) if k)
    return skills


def learner_model(enrollment: Enrollment) -> MasteryModel:
    """MASTERY_MODEL's family with the parameters `flask skills fit` stored, if any."""
    return fitted_model(db_session(), current_settings().mastery_model, path_skills(enrollment))
