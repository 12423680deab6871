"""competency frameworks (CASE 1.1) and alignments

Revision ID: 0011_competency_frameworks
Revises: 0011_harvested_resources
Create Date: 2026-12-02 09:00:00
"""

from alembic import op
import sqlalchemy as sa
import paths.db


revision = '0011_competency_frameworks'
down_revision = '0011_harvested_resources'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('competency_frameworks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('identifier', sa.String(length=36), nullable=False),
    sa.Column('uri', sa.String(length=2048), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('creator', sa.String(length=300), nullable=False),
    sa.Column('language', sa.String(length=35), nullable=True),
    sa.Column('version', sa.String(length=50), nullable=True),
    sa.Column('scope', sa.Integer(), nullable=True),
    sa.Column('changed_at', paths.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('imported_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['scope'], ['lti_deployments.id'], name=op.f('fk_competency_frameworks_scope_lti_deployments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competency_frameworks')),
    sa.UniqueConstraint('identifier', name=op.f('uq_competency_frameworks_identifier'))
    )
    with op.batch_alter_table('competency_frameworks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competency_frameworks_scope'), ['scope'], unique=False)

    op.create_table('competencies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('identifier', sa.String(length=36), nullable=False),
    sa.Column('uri', sa.String(length=2048), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('code', sa.String(length=100), nullable=True),
    sa.Column('item_type', sa.String(length=100), nullable=True),
    sa.Column('language', sa.String(length=35), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['framework_id'], ['competency_frameworks.id'], name=op.f('fk_competencies_framework_id_competency_frameworks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competencies')),
    sa.UniqueConstraint('framework_id', 'identifier', name=op.f('uq_competencies_framework_id_identifier'))
    )
    with op.batch_alter_table('competencies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competencies_framework_id'), ['framework_id'], unique=False)

    op.create_table('competency_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('framework_id', sa.Integer(), nullable=False),
    sa.Column('identifier', sa.String(length=36), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('origin', sa.String(length=36), nullable=False),
    sa.Column('destination', sa.String(length=36), nullable=False),
    sa.ForeignKeyConstraint(['framework_id'], ['competency_frameworks.id'], name=op.f('fk_competency_links_framework_id_competency_frameworks'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competency_links')),
    sa.UniqueConstraint('framework_id', 'identifier', name=op.f('uq_competency_links_framework_id_identifier'))
    )
    with op.batch_alter_table('competency_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competency_links_framework_id'), ['framework_id'], unique=False)

    op.create_table('competency_alignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('skill', sa.String(length=64), nullable=False),
    sa.Column('step_key', sa.String(length=40), nullable=True),
    sa.Column('competency_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['competency_id'], ['competencies.id'], name=op.f('fk_competency_alignments_competency_id_competencies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['path_versions.id'], name=op.f('fk_competency_alignments_version_id_path_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_competency_alignments')),
    sa.UniqueConstraint('version_id', 'skill', 'competency_id', name=op.f('uq_competency_alignments_version_id_skill_competency_id'))
    )
    with op.batch_alter_table('competency_alignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_competency_alignments_competency_id'), ['competency_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_competency_alignments_version_id'), ['version_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('competency_alignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competency_alignments_version_id'))
        batch_op.drop_index(batch_op.f('ix_competency_alignments_competency_id'))

    op.drop_table('competency_alignments')
    with op.batch_alter_table('competency_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competency_links_framework_id'))

    op.drop_table('competency_links')
    with op.batch_alter_table('competencies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competencies_framework_id'))

    op.drop_table('competencies')
    with op.batch_alter_table('competency_frameworks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_competency_frameworks_scope'))

    op.drop_table('competency_frameworks')
