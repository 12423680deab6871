"""platform deployment policy and granted scopes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 20:11:25.888090
"""

from alembic import op
import sqlalchemy as sa
import paths.db


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('lti_platforms', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepts_new_deployments', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('granted_scopes', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('lti_platforms', schema=None) as batch_op:
        batch_op.drop_column('granted_scopes')
        batch_op.drop_column('accepts_new_deployments')
