"""learner summaries: what the class dashboard reads of each learner, beside their state

Revision ID: 0017_learner_summaries
Revises: 0016_registry_version
Create Date: 2026-12-03 07:00:00

Existing rows have no summary: the dashboard reads those learners from their events until
their next event writes it, or `flask skills rebuild` writes every one.
"""

from alembic import op
import sqlalchemy as sa


revision = '0017_learner_summaries'
down_revision = '0016_registry_version'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('learner_states', schema=None) as batch_op:
        batch_op.add_column(sa.Column('summary', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('summary_checksum', sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('learner_states', schema=None) as batch_op:
        batch_op.drop_column('summary_checksum')
        batch_op.drop_column('summary')
