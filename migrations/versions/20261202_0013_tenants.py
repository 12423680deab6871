"""tenants: the domain's schools, which LTI deployments point to

Revision ID: 0013_tenants
Revises: 0011_competency_frameworks
Create Date: 2026-12-02 23:00:00

Every deployment gets a tenant with the same id, so the tenant ids already stored in
courses, activities, paths and frameworks stay valid; then their foreign keys move from
lti_deployments to tenants.
"""

from alembic import op
import sqlalchemy as sa
import paths.db


revision = '0013_tenants'
down_revision = '0011_competency_frameworks'
branch_labels = None
depends_on = None

# (table, column) of every domain table that names its tenant.
TENANT_COLUMNS = (('courses', 'tenant_id'), ('activities', 'tenant_id'),
                  ('learning_paths', 'tenant_id'), ('competency_frameworks', 'scope'))


def upgrade() -> None:
    op.create_table('tenants',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('created_at', paths.db.UtcDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tenants'))
    )
    op.execute("INSERT INTO tenants (id, name, created_at) "
               "SELECT d.id, substr(p.name || ' — ' || d.deployment_id, 1, 255), d.created_at "
               "FROM lti_deployments d JOIN lti_platforms p ON p.id = d.platform_id")
    if op.get_bind().dialect.name == 'postgresql':
        # Rows inserted with their ids: the next tenant must not take one of them.
        op.execute("SELECT setval(pg_get_serial_sequence('tenants', 'id'), "
                   "COALESCE((SELECT MAX(id) FROM tenants), 0) + 1, false)")
    with op.batch_alter_table('lti_deployments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tenant_id', sa.Integer(), nullable=True))
    op.execute("UPDATE lti_deployments SET tenant_id = id")
    with op.batch_alter_table('lti_deployments', schema=None) as batch_op:
        batch_op.alter_column('tenant_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_lti_deployments_tenant_id'), ['tenant_id'])
        batch_op.create_foreign_key(batch_op.f('fk_lti_deployments_tenant_id_tenants'), 'tenants', ['tenant_id'], ['id'], ondelete='CASCADE')
    for table, column in TENANT_COLUMNS:
        _point(table, column, 'lti_deployments', 'tenants')


def downgrade() -> None:
    for table, column in TENANT_COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(f'fk_{table}_{column}_tenants', type_='foreignkey')
        # Back to the id of the tenant's deployment (the same for tenants made by upgrade).
        op.execute(f"UPDATE {table} SET {column} = (SELECT d.id FROM lti_deployments d "
                   f"WHERE d.tenant_id = {table}.{column}) WHERE {column} IS NOT NULL")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_foreign_key(f'fk_{table}_{column}_lti_deployments', 'lti_deployments', [column], ['id'], ondelete='CASCADE')
    with op.batch_alter_table('lti_deployments', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_lti_deployments_tenant_id_tenants'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_lti_deployments_tenant_id'), type_='unique')
        batch_op.drop_column('tenant_id')
    op.drop_table('tenants')


def _point(table: str, column: str, old: str, new: str) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(f'fk_{table}_{column}_{old}', type_='foreignkey')
        batch_op.create_foreign_key(f'fk_{table}_{column}_{new}', new, [column], ['id'], ondelete='CASCADE')
