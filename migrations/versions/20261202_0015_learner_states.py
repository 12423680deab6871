"""learner states: one row per enrollment, the read model of its progress events

Revision ID: 0015_learner_states
Revises: 0014_score_deliveries
Create Date: 2026-12-02 05:40:00

The table starts empty: each learner's state is derived from their events on their next
request (or by `flask skills rebuild`) and kept up to date with every event after that.
"""

from alembic import op
import sqlalchemy as sa
import paths.db


revision = '0015_learner_states'
down_revision = '0014_score_deliveries'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('learner_states',
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('format', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('model', sa.String(length=8), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('state', sa.Text(), nullable=False),
    sa.Column('checksum', sa.String(length=32), nullable=False),
    sa.Column('updated_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_learner_states_enrollment_id_enrollments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('enrollment_id', name=op.f('pk_learner_states'))
    )


def downgrade() -> None:
    op.drop_table('learner_states')
