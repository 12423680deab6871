"""registry version: one counter moved on with every platform or deployment change

Revision ID: 0016_registry_version
Revises: 0015_learner_states
Create Date: 2026-12-02 05:40:00

Each process caches the registrations it launches with and reads this counter to know
when they changed.
"""

from alembic import op
import sqlalchemy as sa


revision = '0016_registry_version'
down_revision = '0015_learner_states'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        'lti_registry_versions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_registry_versions')),
    )
    op.bulk_insert(table, [{'id': 1, 'version': 1}])


def downgrade() -> None:
    op.drop_table('lti_registry_versions')
