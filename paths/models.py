"""Every domain model, imported in one place so the metadata is complete."""

from paths.catalog import LearningPath, PathVersion, Question, Step
from paths.enrollment import Assignment, Enrollment
from paths.people import Activity, Course, Membership, User
from paths.progress import ProgressEvent
from paths.scores import Score

__all__ = ["Activity", "Assignment", "Course", "Enrollment", "LearningPath", "Membership",
           "PathVersion", "ProgressEvent", "Question", "Score", "Step", "User"]
