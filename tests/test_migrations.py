"""The schema comes only from the migrations: one head, reversible, and no drift."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from paths.db import Base
from tests.conftest import alembic_config


def test_single_head(database_url):
    script = ScriptDirectory.from_config(alembic_config(database_url))
    assert len(script.get_heads()) == 1


# Made by the migrations outside the models: the library's full-text index (SQLite's FTS5
# table and its shadow tables, PostgreSQL's expression index).
SEARCH_INDEX = ("library_search", "ix_library_entries_search")


def _modelled(name, type_, parent_names):  # type: ignore[no-untyped-def]
    return not (name or "").startswith(SEARCH_INDEX)


def test_upgrade_downgrade_upgrade_without_drift(database_url):
    config = alembic_config(database_url)
    command.downgrade(config, "base")
    command.upgrade(config, "head")
    engine = create_engine(database_url)
    with engine.connect() as connection:
        diff = compare_metadata(
            MigrationContext.configure(
                connection, opts={"compare_type": True, "include_name": _modelled}
            ),
            Base.metadata,
        )
    engine.dispose()
    assert diff == []


SCHOOL_ROWS = (
    "INSERT INTO lti_platforms (id, name, issuer, client_id, auth_login_url, auth_token_url, "
    "key_set_url, enabled, awaiting_approval, accepts_new_deployments, created_at) VALUES "
    "(7, 'Moodle', 'https://moodle.example', 'c1', 'https://moodle.example/a', "
    "'https://moodle.example/t', 'https://moodle.example/k', TRUE, FALSE, FALSE, :at)",
    "INSERT INTO lti_deployments (id, platform_id, deployment_id, enabled, created_at) "
    "VALUES (41, 7, 'dep-1', TRUE, :at)",
    "INSERT INTO courses (id, tenant_id, context_id, created_at) VALUES (5, 41, 'bio', :at)",
    "INSERT INTO activities (id, tenant_id, course_id, resource_link_id, created_at) "
    "VALUES (6, 41, 5, 'link-1', :at)",
    "INSERT INTO learning_paths (id, uuid, tenant_id, title, description, language, "
    "is_template, created_at) VALUES (8, '00000000-0000-4000-8000-000000000008', 41, "
    "'Cells', '', 'en', FALSE, :at)",
    "INSERT INTO competency_frameworks (id, identifier, uri, title, creator, scope, "
    "imported_at) VALUES (9, '00000000-0000-4000-8000-000000000009', 'https://case.example',"
    " 'Biology', '', 41, :at)",
)
TENANT_COLUMNS = {
    "courses": "tenant_id",
    "activities": "tenant_id",
    "learning_paths": "tenant_id",
    "competency_frameworks": "scope",
}


def _referred(connection, table: str) -> set[str]:  # type: ignore[no-untyped-def]
    return {fk["referred_table"] for fk in inspect(connection).get_foreign_keys(table)}


def _tenant_of_rows(connection) -> list[int]:  # type: ignore[no-untyped-def]
    return [
        connection.scalar(text(f"SELECT {column} FROM {table}"))
        for table, column in TENANT_COLUMNS.items()
    ]


def test_tenants_are_made_from_deployments_and_taken_back(database_url):
    """A school's rows survive upgrade → downgrade → upgrade, each deployment becoming a
    tenant with its own id, the domain's foreign keys following."""
    config = alembic_config(database_url)
    engine = create_engine(database_url)
    command.downgrade(config, "0011_competency_frameworks")
    try:
        with engine.begin() as connection:
            for statement in SCHOOL_ROWS:
                connection.execute(text(statement), {"at": "2026-11-01 10:00:00+00:00"})
        command.upgrade(config, "head")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT id, name FROM tenants")).all() == [
                (41, "Moodle — dep-1")
            ]
            assert connection.scalar(text("SELECT tenant_id FROM lti_deployments")) == 41
            assert _tenant_of_rows(connection) == [41, 41, 41, 41]
            assert _referred(connection, "courses") == {"tenants"}
            assert _referred(connection, "competency_frameworks") == {"tenants"}
            assert "lti_deployments" not in set().union(
                *(_referred(connection, table) for table in TENANT_COLUMNS)
            )
        command.downgrade(config, "0011_competency_frameworks")
        with engine.connect() as connection:
            assert _tenant_of_rows(connection) == [41, 41, 41, 41]
            assert "tenants" not in inspect(connection).get_table_names()
            assert {"lti_deployments"} <= _referred(connection, "courses")
    finally:
        command.upgrade(config, "head")
        with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())
        engine.dispose()


GRADE_ROWS = (
    "INSERT INTO users (id, issuer, subject, created_at, last_seen_at) "
    "VALUES (3, 'https://moodle.example', 'u1', :at, :at)",
    "INSERT INTO path_versions (id, path_id, number, title, description, language, "
    "skill_labels, published_at) VALUES (10, 8, 1, 'Cells', '', 'en', '[]', :at)",
    "INSERT INTO assignments (id, activity_id, path_version_id, grading, created_at) "
    "VALUES (11, 6, 10, 'completion', :at)",
    "INSERT INTO enrollments (id, assignment_id, user_id, created_at) VALUES (12, 11, 3, :at)",
    "INSERT INTO scores (id, enrollment_id, score_given, score_maximum, activity_progress, "
    "grading_progress, version, changed_at, acknowledged_version, attempts, last_error, "
    "failed_at, claimed_by) VALUES (13, 12, 40.0, 100.0, 'InProgress', 'FullyGraded', 3, "
    ":at, 2, 4, 'the LMS answered 422', :at, 'worker-1')",
)
DELIVERY = (
    "SELECT acknowledged_version, attempts, last_error, claimed_by, "
    "failed_at IS NOT NULL FROM {table}"
)


def test_grade_sync_state_moves_to_score_deliveries_and_back(database_url):
    """What the LMS acknowledged and why a send failed move with the score, row for row."""
    config = alembic_config(database_url)
    engine = create_engine(database_url)
    command.downgrade(config, "0011_competency_frameworks")
    try:
        with engine.begin() as connection:
            for statement in SCHOOL_ROWS + GRADE_ROWS:
                connection.execute(text(statement), {"at": "2026-11-01 10:00:00+00:00"})
        command.upgrade(config, "head")
        kept = (2, 4, "the LMS answered 422", "worker-1", True)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT score_id FROM lti_score_deliveries")).all() == [
                (13,)
            ]
            assert (
                tuple(connection.execute(text(DELIVERY.format(table="lti_score_deliveries"))).one())
                == kept
            )
            columns = {c["name"] for c in inspect(connection).get_columns("scores")}
            assert "acknowledged_version" not in columns and "version" in columns
        command.downgrade(config, "0013_tenants")
        with engine.connect() as connection:
            assert tuple(connection.execute(text(DELIVERY.format(table="scores"))).one()) == kept
    finally:
        command.upgrade(config, "head")
        with engine.begin() as connection:
            for table in reversed(Base.metadata.sorted_tables):
                connection.execute(table.delete())
        engine.dispose()
