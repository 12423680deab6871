"""Every domain model, imported in one place so the metadata is complete."""

from paths.people import Activity, Course, Membership, User

__all__ = ["Activity", "Course", "Membership", "User"]
