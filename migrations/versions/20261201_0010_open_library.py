"""open library: entries, releases, reports, path and step identities

Revision ID: 0010_open_library
Revises: 0008_registration_approval
Create Date: 2026-12-01 21:45:21.709883
"""

import uuid

from alembic import op
import sqlalchemy as sa
import paths.db


revision = '0010_open_library'
down_revision = '0008_registration_approval'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('library_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('uuid', sa.String(length=36), nullable=False),
    sa.Column('path_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('subject', sa.String(length=40), nullable=True),
    sa.Column('level', sa.String(length=40), nullable=True),
    sa.Column('licence', sa.String(length=20), nullable=False),
    sa.Column('credit', sa.String(length=200), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('step_count', sa.Integer(), nullable=False),
    sa.Column('checkpoint_count', sa.Integer(), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('created_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['path_id'], ['learning_paths.id'], name=op.f('fk_library_entries_path_id_learning_paths'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_entries')),
    sa.UniqueConstraint('uuid', name=op.f('uq_library_entries_uuid'))
    )
    with op.batch_alter_table('library_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_entries_language'), ['language'], unique=False)
        batch_op.create_index(batch_op.f('ix_library_entries_path_id'), ['path_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_library_entries_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_library_entries_subject'), ['subject'], unique=False)
        batch_op.create_index(batch_op.f('ix_library_entries_updated_at'), ['updated_at'], unique=False)

    op.create_table('library_releases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('licence', sa.String(length=20), nullable=False),
    sa.Column('credit', sa.String(length=200), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('step_count', sa.Integer(), nullable=False),
    sa.Column('checkpoint_count', sa.Integer(), nullable=False),
    sa.Column('question_count', sa.Integer(), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('published_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['library_entries.id'], name=op.f('fk_library_releases_entry_id_library_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['path_versions.id'], name=op.f('fk_library_releases_version_id_path_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_releases')),
    sa.UniqueConstraint('entry_id', 'number', name=op.f('uq_library_releases_entry_id_number')),
    sa.UniqueConstraint('version_id', name=op.f('uq_library_releases_version_id'))
    )
    op.create_table('library_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('reported_by', sa.Integer(), nullable=True),
    sa.Column('created_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', paths.db.UtcDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['library_entries.id'], name=op.f('fk_library_reports_entry_id_library_entries'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reported_by'], ['users.id'], name=op.f('fk_library_reports_reported_by_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_reports'))
    )
    with op.batch_alter_table('library_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_reports_entry_id'), ['entry_id'], unique=False)

    # Existing paths and steps get their identities before the columns become required.
    with op.batch_alter_table('learning_paths', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uuid', sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column('derived_from_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('path_versions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('level', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('skill_labels', sa.JSON(), nullable=True))
    with op.batch_alter_table('steps', schema=None) as batch_op:
        batch_op.add_column(sa.Column('uuid', sa.String(length=36), nullable=True))
    _give_identities('learning_paths')
    _give_identities('steps')
    op.execute("UPDATE path_versions SET skill_labels = '[]'")

    with op.batch_alter_table('learning_paths', schema=None) as batch_op:
        batch_op.alter_column('uuid', existing_type=sa.String(length=36), nullable=False)
        batch_op.create_index(batch_op.f('ix_learning_paths_derived_from_id'), ['derived_from_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_learning_paths_uuid'), ['uuid'])
        batch_op.create_foreign_key(batch_op.f('fk_learning_paths_derived_from_id_library_releases'), 'library_releases', ['derived_from_id'], ['id'], ondelete='SET NULL')
    with op.batch_alter_table('path_versions', schema=None) as batch_op:
        batch_op.alter_column('skill_labels', existing_type=sa.JSON(), nullable=False)
    with op.batch_alter_table('steps', schema=None) as batch_op:
        batch_op.alter_column('uuid', existing_type=sa.String(length=36), nullable=False)
    _search_index()


def _give_identities(table: str) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text(f"SELECT id FROM {table} WHERE uuid IS NULL")).all()
    for (row_id,) in rows:
        connection.execute(sa.text(f"UPDATE {table} SET uuid = :uuid WHERE id = :id"),
                           {"uuid": str(uuid.uuid4()), "id": row_id})


def _search_index() -> None:
    """Full-text search over the entries' normalised text (paths/library/search.py)."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE INDEX ix_library_entries_search ON library_entries "
                   "USING gin (to_tsvector('simple', search_text))")
        return
    op.execute("CREATE VIRTUAL TABLE library_search USING fts5(text)")
    op.execute("CREATE TRIGGER library_search_insert AFTER INSERT ON library_entries BEGIN "
               "INSERT INTO library_search (rowid, text) VALUES (new.id, new.search_text); END")
    op.execute("CREATE TRIGGER library_search_update AFTER UPDATE OF search_text "
               "ON library_entries BEGIN "
               "DELETE FROM library_search WHERE rowid = old.id; "
               "INSERT INTO library_search (rowid, text) VALUES (new.id, new.search_text); END")
    op.execute("CREATE TRIGGER library_search_delete AFTER DELETE ON library_entries BEGIN "
               "DELETE FROM library_search WHERE rowid = old.id; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_library_entries_search")
    else:
        for trigger in ("insert", "update", "delete"):
            op.execute(f"DROP TRIGGER library_search_{trigger}")
        op.execute("DROP TABLE library_search")
    with op.batch_alter_table('steps', schema=None) as batch_op:
        batch_op.drop_column('uuid')

    with op.batch_alter_table('path_versions', schema=None) as batch_op:
        batch_op.drop_column('skill_labels')
        batch_op.drop_column('level')
        batch_op.drop_column('subject')

    with op.batch_alter_table('learning_paths', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_learning_paths_derived_from_id_library_releases'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_learning_paths_uuid'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_learning_paths_derived_from_id'))
        batch_op.drop_column('derived_from_id')
        batch_op.drop_column('uuid')

    with op.batch_alter_table('library_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_library_reports_entry_id'))

    op.drop_table('library_reports')
    op.drop_table('library_releases')
    with op.batch_alter_table('library_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_library_entries_updated_at'))
        batch_op.drop_index(batch_op.f('ix_library_entries_subject'))
        batch_op.drop_index(batch_op.f('ix_library_entries_status'))
        batch_op.drop_index(batch_op.f('ix_library_entries_path_id'))
        batch_op.drop_index(batch_op.f('ix_library_entries_language'))

    op.drop_table('library_entries')
