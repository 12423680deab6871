"""resource catalogue: repositories harvested over OAI-PMH and their resources

Revision ID: 0011_harvested_resources
Revises: 0010_open_library
Create Date: 2026-12-02 10:00:00.000000
"""

from alembic import op
import sqlalchemy as sa
import paths.db


revision = '0011_harvested_resources'
down_revision = '0010_open_library'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('harvest_sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('base_url', sa.String(length=2048), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('last_datestamp', sa.String(length=20), nullable=True),
    sa.Column('last_harvested_at', paths.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('created_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_harvest_sources')),
    sa.UniqueConstraint('base_url', name=op.f('uq_harvest_sources_base_url'))
    )
    op.create_table('library_resources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('identifier', sa.String(length=255), nullable=False),
    sa.Column('datestamp', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('licence', sa.String(length=200), nullable=True),
    sa.Column('licence_url', sa.String(length=2048), nullable=True),
    sa.Column('publisher', sa.String(length=200), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=True),
    sa.Column('subjects', sa.JSON(), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('harvested_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['source_id'], ['harvest_sources.id'], name=op.f('fk_library_resources_source_id_harvest_sources'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_library_resources')),
    sa.UniqueConstraint('source_id', 'identifier', name=op.f('uq_library_resources_source_id_identifier'))
    )
    with op.batch_alter_table('library_resources', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_library_resources_deleted'), ['deleted'], unique=False)
        batch_op.create_index(batch_op.f('ix_library_resources_source_id'), ['source_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('library_resources', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_library_resources_source_id'))
        batch_op.drop_index(batch_op.f('ix_library_resources_deleted'))

    op.drop_table('library_resources')
    op.drop_table('harvest_sources')
