"""dynamic registrations await approval: lti_platforms.awaiting_approval

Revision ID: 0008_registration_approval
Revises: 0008_admin_sessions
Create Date: 2026-11-28 21:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0008_registration_approval'
down_revision = '0008_admin_sessions'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing registrations keep their state: none of them is waiting.
    with op.batch_alter_table('lti_platforms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('awaiting_approval', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('lti_platforms', schema=None) as batch_op:
        batch_op.drop_column('awaiting_approval')
