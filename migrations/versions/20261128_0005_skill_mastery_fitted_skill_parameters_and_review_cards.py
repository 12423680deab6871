"""skill mastery, fitted skill parameters and review cards

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 20:28:15.750595
"""

from alembic import op
import sqlalchemy as sa
import paths.db


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('skill_parameters',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('model', sa.String(length=8), nullable=False),
    sa.Column('skill', sa.String(length=64), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('fitted_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skill_parameters')),
    sa.UniqueConstraint('model', 'skill', name=op.f('uq_skill_parameters_model_skill'))
    )
    op.create_table('review_cards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('step_key', sa.String(length=40), nullable=False),
    sa.Column('due', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.Column('last_review', paths.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('stability', sa.Float(), nullable=True),
    sa.Column('difficulty', sa.Float(), nullable=True),
    sa.Column('reviews', sa.Integer(), nullable=False),
    sa.Column('lapses', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_review_cards_enrollment_id_enrollments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_cards')),
    sa.UniqueConstraint('enrollment_id', 'step_key', name=op.f('uq_review_cards_enrollment_id_step_key'))
    )
    with op.batch_alter_table('review_cards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_cards_enrollment_id'), ['enrollment_id'], unique=False)

    op.create_table('skill_mastery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrollment_id', sa.Integer(), nullable=False),
    sa.Column('skill', sa.String(length=64), nullable=False),
    sa.Column('model', sa.String(length=8), nullable=False),
    sa.Column('mastery', sa.Float(), nullable=False),
    sa.Column('uncertainty', sa.Float(), nullable=False),
    sa.Column('answers', sa.Integer(), nullable=False),
    sa.Column('correct', sa.Integer(), nullable=False),
    sa.Column('last_at', paths.db.UtcDateTime(timezone=True), nullable=True),
    sa.Column('last_correct', sa.Boolean(), nullable=True),
    sa.Column('internals', sa.JSON(), nullable=False),
    sa.Column('updated_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'], name=op.f('fk_skill_mastery_enrollment_id_enrollments'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skill_mastery')),
    sa.UniqueConstraint('enrollment_id', 'skill', name=op.f('uq_skill_mastery_enrollment_id_skill'))
    )
    with op.batch_alter_table('skill_mastery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_skill_mastery_enrollment_id'), ['enrollment_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('skill_mastery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_skill_mastery_enrollment_id'))

    op.drop_table('skill_mastery')
    with op.batch_alter_table('review_cards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_cards_enrollment_id'))

    op.drop_table('review_cards')
    op.drop_table('skill_parameters')
