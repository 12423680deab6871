"""What a learner's requests read of their enrollment, assignment and path version: the
rows' values in one statement of columns (no ORM objects), and changes made by UPDATE."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from sqlalchemy import select

from paths.catalog import PathVersion
from paths.db import utcnow
from paths.enrollment import (
    ASSIGNMENTS,
    ENROLLMENTS,
    VERSIONS,
    Assignment,
    AssignmentValues,
    Enrollment,
    EnrollmentValues,
    VersionValues,
    learner_on_activity,
)
from paths.study import goals


def columns_of(table) -> list[str]:  # noqa: ANN001
    return [column.key for column in table.c]


def fields_of(values: type) -> list[str]:
    return [field.name for field in dataclasses.fields(values)]


def test_each_value_class_has_every_column_of_its_table_in_order():
    assert fields_of(VersionValues) == columns_of(VERSIONS)
    assert fields_of(AssignmentValues) == [*columns_of(ASSIGNMENTS), "version"]
    assert fields_of(EnrollmentValues) == [*columns_of(ENROLLMENTS), "assignment"]


def test_the_learner_read_gives_the_rows_values(session, enrollment):
    assignment = session.get_one(Assignment, enrollment.assignment_id)
    version = session.get_one(PathVersion, assignment.path_version_id)
    found = learner_on_activity(session, enrollment.user_id, assignment.activity_id)
    assert (found.user_id, found.activity_id) == (enrollment.user_id, assignment.activity_id)
    read = found.enrollment
    assert isinstance(read, EnrollmentValues)
    assert [getattr(read, c) for c in columns_of(ENROLLMENTS)] == [
        getattr(enrollment, c) for c in columns_of(ENROLLMENTS)
    ]
    assert [getattr(read.assignment, c) for c in columns_of(ASSIGNMENTS)] == [
        getattr(assignment, c) for c in columns_of(ASSIGNMENTS)
    ]
    assert [getattr(read.assignment.version, c) for c in columns_of(VERSIONS)] == [
        getattr(version, c) for c in columns_of(VERSIONS)
    ]
    assert found.assignment is read.assignment


def test_a_learner_not_enrolled_yet_reads_the_assignment_alone(session, enrollment):
    assignment = session.get_one(Assignment, enrollment.assignment_id)
    session.delete(enrollment)
    session.commit()
    found = learner_on_activity(session, enrollment.user_id, assignment.activity_id)
    assert found.enrollment is None
    assert found.assignment is not None and found.assignment.id == assignment.id


def test_a_goal_set_on_the_values_is_written_and_a_held_row_given_it(session, enrollment):
    assignment = session.get_one(Assignment, enrollment.assignment_id)
    read = learner_on_activity(session, enrollment.user_id, assignment.activity_id).enrollment
    assert read is not None
    target = (utcnow() + timedelta(days=30)).date()
    goals.set_goal(session, read, minutes_per_week=90, target_date=target, now=utcnow())
    assert (enrollment.goal_minutes_per_week, enrollment.goal_target_date) == (90, target)
    session.commit()
    stored = session.execute(
        select(ENROLLMENTS.c.goal_minutes_per_week).where(ENROLLMENTS.c.id == read.id)
    ).scalar_one()
    assert stored == 90
    assert session.get_one(Enrollment, read.id) is enrollment
