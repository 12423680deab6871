"""admin sessions: the admin console's signed-in sessions, so signing out ends them

Revision ID: 0008_admin_sessions
Revises: 0007
Create Date: 2026-11-28 21:00:00.000000
"""

from alembic import op
import sqlalchemy as sa
import paths.db


revision = '0008_admin_sessions'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'admin_sessions',
        sa.Column('id_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', paths.db.UtcDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', paths.db.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id_hash', name=op.f('pk_admin_sessions')),
    )
    with op.batch_alter_table('admin_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_sessions_expires_at'), ['expires_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('admin_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admin_sessions_expires_at'))
    op.drop_table('admin_sessions')
