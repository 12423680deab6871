"""scores and gradebook endpoints

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 20:30:47.648078
"""

from alembic import op
import sqlalchemy as sa
import paths.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lti_ags_endpoints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('lineitem_url', sa.String(length=2048), nullable=True),
    sa.Column('lineitems_url', sa.String(length=2048), nullable=True),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('line_item_created', sa.Boolean(), nullable=False),
    sa.Column('updated_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_lti_ags_endpoints_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'], name=op.f('fk_lti_ags_endpoints_platform_id_lti_platforms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_ags_endpoints')),
    sa.UniqueConstraint('activity_id', name=op.f('uq_lti_ags_endpoints_activity_id'))
    )
    with op.batch_alter_table('lti_ags_endpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_ags_endpoints_platform_id'), ['platform_id'], unique=False)

    op.create_table('scores',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('score_given', sa.Float(), nullable=False),
    sa.Column('score_maximum', sa.Float(), nullable=False),
    sa.Column('activity_progress', sa.String(length=16), nullable=False),
    sa.Column('grading_progress', sa.String(length=16), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changed_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('acknowledged_version', sa.Integer(), nullable=False),
    sa.Column('acknowledged_at', paths.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', paths.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('last_error_at', paths.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('failed_at', paths.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('claimed_until', paths.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_scores_enrollment_id_enrollments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scores')),
    sa.UniqueConstraint('enrollment_id', name=op.f('uq_scores_enrollment_id'))
    )
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scores_next_attempt_at'), ['next_attempt_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scores_next_attempt_at'))

    op.drop_table('scores')
    with op.batch_alter_table('lti_ags_endpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_ags_endpoints_platform_id'))

    op.drop_table('lti_ags_endpoints')
