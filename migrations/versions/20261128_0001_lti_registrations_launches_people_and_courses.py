"""lti registrations, launches, people and courses

Revision ID: 0001
Revises: 
Create Date: 2026-11-28 19:52:59.471982
"""

from alembic import op
import sqlalchemy as sa
import paths.db


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lti_launch_states',
    sa.Column('state', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('expires_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('state', name=op.f('pk_lti_launch_states'))
    )
    with op.batch_alter_table('lti_launch_states', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_launch_states_expires_at'), ['expires_at'], unique=False)

    op.create_table('lti_platforms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('client_id', sa.String(length=255), nullable=False),
    sa.Column('auth_login_url', sa.String(length=2048), nullable=False),
    sa.Column('auth_token_url', sa.String(length=2048), nullable=False),
    sa.Column('auth_audience', sa.String(length=2048), nullable=True),
    sa.Column('key_set_url', sa.String(length=2048), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_platforms')),
    sa.UniqueConstraint('issuer', 'client_id', name=op.f('uq_lti_platforms_issuer_client_id'))
    )
    op.create_table('lti_seen_nonces',
    sa.Column('nonce', sa.String(length=128), nullable=False),
    sa.Column('expires_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('nonce', name=op.f('pk_lti_seen_nonces'))
    )
    with op.batch_alter_table('lti_seen_nonces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_seen_nonces_expires_at'), ['expires_at'], unique=False)

    op.create_table('lti_tool_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kid', sa.String(length=64), nullable=False),
    sa.Column('private_pem', sa.Text(), nullable=False),
    sa.Column('public_jwk', sa.Text(), nullable=False),
    sa.Column('created_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('retired_at', paths.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('published_until', paths.db.UtcDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_tool_keys')),
    sa.UniqueConstraint('kid', name=op.f('uq_lti_tool_keys_kid'))
    )
    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=True),
    sa.Column('email', sa.String(length=320), nullable=True),
    sa.Column('locale', sa.String(length=35), nullable=True),
    sa.Column('created_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('issuer', 'subject', name=op.f('uq_users_issuer_subject'))
    )
    op.create_table('lti_deployments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('deployment_id', sa.String(length=255), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'], name=op.f('fk_lti_deployments_platform_id_lti_platforms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_deployments')),
    sa.UniqueConstraint('platform_id', 'deployment_id', name=op.f('uq_lti_deployments_platform_id_deployment_id'))
    )
    op.create_table('lti_launch_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=True),
    sa.Column('issuer', sa.String(length=255), nullable=True),
    sa.Column('client_id', sa.String(length=255), nullable=True),
    sa.Column('deployment_id', sa.String(length=255), nullable=True),
    sa.Column('message_type', sa.String(length=64), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('reason_code', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'], name=op.f('fk_lti_launch_records_platform_id_lti_platforms'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_lti_launch_records_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_launch_records'))
    )
    with op.batch_alter_table('lti_launch_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_launch_records_at'), ['at'], unique=False)

    op.create_table('courses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('context_id', sa.String(length=255), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=True),
    sa.Column('label', sa.String(length=255), nullable=True),
    sa.Column('created_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['tenant_id'], ['lti_deployments.id'], name=op.f('fk_courses_tenant_id_lti_deployments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_courses')),
    sa.UniqueConstraint('tenant_id', 'context_id', name=op.f('uq_courses_tenant_id_context_id'))
    )
    op.create_table('activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('tenant_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('resource_link_id', sa.String(length=255), nullable=False),
    sa.Column('title', sa.String(length=255), nullable=True),
    sa.Column('created_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_activities_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tenant_id'], ['lti_deployments.id'], name=op.f('fk_activities_tenant_id_lti_deployments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activities')),
    sa.UniqueConstraint('tenant_id', 'resource_link_id', name=op.f('uq_activities_tenant_id_resource_link_id'))
    )
    op.create_table('memberships',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('last_launch_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_memberships_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_memberships_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships')),
    sa.UniqueConstraint('user_id', 'course_id', name=op.f('uq_memberships_user_id_course_id'))
    )


def downgrade() -> None:
    op.drop_table('memberships')
    op.drop_table('activities')
    op.drop_table('courses')
    with op.batch_alter_table('lti_launch_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_launch_records_at'))

    op.drop_table('lti_launch_records')
    op.drop_table('lti_deployments')
    op.drop_table('users')
    op.drop_table('lti_tool_keys')
    with op.batch_alter_table('lti_seen_nonces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_seen_nonces_expires_at'))

    op.drop_table('lti_seen_nonces')
    op.drop_table('lti_platforms')
    with op.batch_alter_table('lti_launch_states', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_launch_states_expires_at'))

    op.drop_table('lti_launch_states')
