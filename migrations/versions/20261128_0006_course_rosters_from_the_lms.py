"""course rosters from the LMS

Revision ID: 0006
Revises: 0004
Create Date: 2026-11-28 20:56:32.101590
"""

from alembic import op
import sqlalchemy as sa
import paths.db


revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('lti_course_rosters',
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('memberships_url', sa.String(length=2048), nullable=False),
    sa.Column('members', sa.JSON(), nullable=False),
    sa.Column('fetched_at', paths.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['courses.id'], name=op.f('fk_lti_course_rosters_course_id_courses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platforms.id'], name=op.f('fk_lti_course_rosters_platform_id_lti_platforms'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('course_id', name=op.f('pk_lti_course_rosters'))
    )


def downgrade() -> None:
    op.drop_table('lti_course_rosters')
