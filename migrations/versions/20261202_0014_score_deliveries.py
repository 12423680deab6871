"""score deliveries: the grade-sync state of each score moves to an LTI table

Revision ID: 0014_score_deliveries
Revises: 0013_tenants
Create Date: 2026-12-02 23:10:00

The scores keep what the gradebook should show; what the LMS acknowledged, the worker's
lease and the last failure move, row for row, to lti_score_deliveries.
"""

from alembic import op
import sqlalchemy as sa
import paths.db


revision = '0014_score_deliveries'
down_revision = '0013_tenants'
branch_labels = None
depends_on = None

# The delivery columns, in the order both tables list them.
COLUMNS = ('acknowledged_version', 'acknowledged_at', 'attempts', 'next_attempt_at',
           'last_error', 'last_error_at', 'failed_at', 'claimed_until', 'claimed_by')


def _columns(required: bool) -> list[sa.Column]:
    """The delivery columns; `required` False for scores' columns while they are refilled."""
    return [
        sa.Column('acknowledged_version', sa.Integer(), nullable=not required),
        sa.Column('acknowledged_at', paths.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=not required),
        sa.Column('next_attempt_at', paths.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('last_error_at', paths.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column('failed_at', paths.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column('claimed_until', paths.db.UtcDateTime(timezone=True), nullable=True),
        sa.Column('claimed_by', sa.String(length=64), nullable=True),
    ]


def upgrade() -> None:
    op.create_table('lti_score_deliveries',
    sa.Column('score_id', sa.Integer(), nullable=False),
    *_columns(required=True),
    sa.ForeignKeyConstraint(['score_id'], ['scores.id'], name=op.f('fk_lti_score_deliveries_score_id_scores'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('score_id', name=op.f('pk_lti_score_deliveries'))
    )
    with op.batch_alter_table('lti_score_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_score_deliveries_next_attempt_at'), ['next_attempt_at'], unique=False)
    listed = ', '.join(COLUMNS)
    op.execute(f"INSERT INTO lti_score_deliveries (score_id, {listed}) "
               f"SELECT id, {listed} FROM scores")
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scores_next_attempt_at'))
        for column in COLUMNS:
            batch_op.drop_column(column)


def downgrade() -> None:
    with op.batch_alter_table('scores', schema=None) as batch_op:
        for column in _columns(required=False):
            batch_op.add_column(column)
    for column in COLUMNS:
        op.execute(f"UPDATE scores SET {column} = (SELECT d.{column} FROM "
                   f"lti_score_deliveries d WHERE d.score_id = scores.id)")
    # Scores no worker had claimed yet have no delivery: nothing acknowledged or tried.
    op.execute("UPDATE scores SET acknowledged_version = 0 WHERE acknowledged_version IS NULL")
    op.execute("UPDATE scores SET attempts = 0 WHERE attempts IS NULL")
    with op.batch_alter_table('scores', schema=None) as batch_op:
        batch_op.alter_column('acknowledged_version', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('attempts', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_scores_next_attempt_at'), ['next_attempt_at'], unique=False)
    with op.batch_alter_table('lti_score_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_score_deliveries_next_attempt_at'))
    op.drop_table('lti_score_deliveries')
