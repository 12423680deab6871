"""paths, steps, assignments, enrollments and progress events

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 20:08:09.775905
"""

from alembic import op
import sqlalchemy as sa
import paths.db


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('learning_paths',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=True),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('is_template', sa.Boolean(), nullable=False),
    sa.Column('created_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_learning_paths_course_id_courses'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_learning_paths_owner_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['tenant_id'], ['lti_deployments.id'], name=op.f('fk_learning_paths_tenant_id_lti_deployments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_learning_paths'))
    )
    op.create_table('path_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('path_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('published_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['path_id'], ['learning_paths.id'], name=op.f('fk_path_versions_path_id_learning_paths'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_path_versions')),
    sa.UniqueConstraint('path_id', 'number', name=op.f('uq_path_versions_path_id_number'))
    )
    op.create_table('assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('path_version_id', sa.Integer(), nullable=False),
    sa.Column('grading', sa.String(length=16), nullable=False),
    sa.Column('due_at', paths.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('pacing_minutes_per_week', sa.Integer(), nullable=True),
    sa.Column('assigned_by', sa.Integer(), nullable=True),
    sa.Column('created_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], name=op.f('fk_assignments_activity_id_activities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['assigned_by'], ['users.id'], name=op.f('fk_assignments_assigned_by_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['path_version_id'], ['path_versions.id'], name=op.f('fk_assignments_path_version_id_path_versions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments')),
    sa.UniqueConstraint('activity_id', name=op.f('uq_assignments_activity_id'))
    )
    op.create_table('steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('instructions', sa.Text(), nullable=False),
    sa.Column('resource_url', sa.String(length=2048), nullable=True),
    sa.Column('resource_licence', sa.String(length=120), nullable=True),
    sa.Column('resource_source', sa.String(length=200), nullable=True),
    sa.Column('resource_framable', sa.Boolean(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('skills', sa.JSON(), nullable=False),
    sa.Column('optional', sa.Boolean(), nullable=False),
    sa.Column('prerequisites', sa.JSON(), nullable=False),
    sa.Column('remedial_for', sa.String(length=40), nullable=True),
    sa.Column('mastery_threshold', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['path_versions.id'], name=op.f('fk_steps_version_id_path_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_steps')),
    sa.UniqueConstraint('version_id', 'key', name=op.f('uq_steps_version_id_key'))
    )
    op.create_table('enrollments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('goal_minutes_per_week', sa.Integer(), nullable=True),
    sa.Column('goal_target_date', sa.Date(), nullable=True),
    sa.Column('created_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_enrollments_assignment_id_assignments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_enrollments_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enrollments')),
    sa.UniqueConstraint('assignment_id', 'user_id', name=op.f('uq_enrollments_assignment_id_user_id'))
    )
    op.create_table('questions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('prompt', sa.Text(), nullable=False),
    sa.Column('skill', sa.String(length=64), nullable=True),
    sa.Column('choices', sa.JSON(), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=False),
    sa.Column('explanation', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['step_id'], ['steps.id'], name=op.f('fk_questions_step_id_steps'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_questions'))
    )
    op.create_table('progress_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('step_key', sa.String(length=40), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('once_key', sa.String(length=64), nullable=True),
    sa.Column('at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_progress_events_enrollment_id_enrollments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_events')),
    sa.UniqueConstraint('enrollment_id', 'once_key', name=op.f('uq_progress_events_enrollment_id_once_key'))
    )
    with op.batch_alter_table('progress_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_events_enrollment_id'), ['enrollment_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('progress_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_events_enrollment_id'))

    op.drop_table('progress_events')
    op.drop_table('questions')
    op.drop_table('enrollments')
    op.drop_table('steps')
    op.drop_table('assignments')
    op.drop_table('path_versions')
    op.drop_table('learning_paths')
