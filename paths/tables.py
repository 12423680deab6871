"""Every domain table (its ORM class), imported in one place so the metadata Alembic reads is
complete."""

from paths.catalog import LearningPath, PathVersion, Question, Step
from paths.competencies.models import Competency, CompetencyAlignment, CompetencyLink, Framework
from paths.enrollment import Assignment, Enrollment
from paths.learner_state import LearnerStateRow
from paths.library.models import LibraryEntry, LibraryRelease, LibraryReport
from paths.library.resources import HarvestSource, LibraryResource
from paths.people import Activity, Course, Membership, Tenant, User
from paths.progress import ProgressEvent
from paths.scores import Score
from paths.study.review_cards import ReviewCardRow
from paths.study.skills import SkillMastery, SkillParameters

__all__ = [
    "Activity",
    "Assignment",
    "Competency",
    "CompetencyAlignment",
    "CompetencyLink",
    "Course",
    "Enrollment",
    "Framework",
    "HarvestSource",
    "LearnerStateRow",
    "LearningPath",
    "LibraryEntry",
    "LibraryRelease",
    "LibraryReport",
    "LibraryResource",
    "Membership",
    "PathVersion",
    "ProgressEvent",
    "Question",
    "ReviewCardRow",
    "Score",
    "SkillMastery",
    "SkillParameters",
    "Step",
    "Tenant",
    "User",
]
