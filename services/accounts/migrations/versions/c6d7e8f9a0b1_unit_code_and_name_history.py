"""units get their number (单位编号, DWBH + 8 digits); unit name changes are kept

Revision ID: c6d7e8f9a0b1
Revises: b41e8d2f6a10
"""
import secrets

import sqlalchemy as sa
from alembic import op

import zc_common.db

revision = 'c6d7e8f9a0b1'
down_revision = 'b41e8d2f6a10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=12), nullable=True))
        batch_op.create_unique_constraint('uq_organizations_code', ['code'])
    # Every unit registered before gets its number now.
    bind = op.get_bind()
    taken = set()
    for (org_id,) in bind.execute(sa.text("SELECT id FROM organizations WHERE kind = 'unit' ORDER BY created_at")):
        code = None
        while code is None or code in taken:
            code = f"DWBH{secrets.randbelow(100_000_000):08d}"
        taken.add(code)
        bind.execute(sa.text("UPDATE organizations SET code = :code WHERE id = :id"), {"code": code, "id": org_id})
    op.create_table(
        'org_name_changes',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('org_id', sa.String(length=32), nullable=False),
        sa.Column('old_name', sa.String(length=200), nullable=False),
        sa.Column('new_name', sa.String(length=200), nullable=False),
        sa.Column('by_user_id', sa.String(length=32), nullable=True),
        sa.Column('by_name', sa.String(length=200), nullable=True),
        sa.Column('at', zc_common.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['org_id'], ['organizations.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_org_name_changes_org_id', 'org_name_changes', ['org_id'])


def downgrade():
    op.drop_table('org_name_changes')
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_constraint('uq_organizations_code', type_='unique')
        batch_op.drop_column('code')
