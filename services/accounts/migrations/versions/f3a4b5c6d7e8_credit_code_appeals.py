"""a unit's credit code changed through an appeal, kept in the unit's history

Revision ID: f3a4b5c6d7e8
Revises: e2f3a4b5c6d7
"""
import sqlalchemy as sa
from alembic import op

revision = 'f3a4b5c6d7e8'
down_revision = 'e2f3a4b5c6d7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('org_name_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('field', sa.String(length=16), server_default='name', nullable=False))
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('org_id', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('old_credit_code', sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))
        batch_op.alter_column('new_phone', existing_type=sa.String(length=32), nullable=True)
        batch_op.alter_column('scan_file_id', existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column('scan_name', existing_type=sa.String(length=200), nullable=True)
        batch_op.create_index('ix_appeals_org_id', ['org_id'])
        batch_op.create_foreign_key('fk_appeals_org_id_organizations', 'organizations', ['org_id'], ['id'])


def downgrade():
    with op.batch_alter_table('appeals', schema=None) as batch_op:
        batch_op.drop_constraint('fk_appeals_org_id_organizations', type_='foreignkey')
        batch_op.drop_index('ix_appeals_org_id')
        batch_op.drop_column('reason')
        batch_op.drop_column('old_credit_code')
        batch_op.drop_column('org_id')
    with op.batch_alter_table('org_name_changes', schema=None) as batch_op:
        batch_op.drop_column('field')
