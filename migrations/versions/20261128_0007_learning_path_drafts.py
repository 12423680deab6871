"""learning path drafts: the editable selfpath-path/1 document of each path

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28 20:30:25.468826
"""

from alembic import op
import sqlalchemy as sa
import paths.db


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('learning_paths', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('learning_paths', schema=None) as batch_op:
        batch_op.drop_column('draft')

