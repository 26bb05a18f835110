"""南疆四地州 定向评价 on qualifications; 纸质材料报送 received and the unit's
number and credit code on applications

Revision ID: b8c9d0e1f2a3
Revises: a7b8c9d0e1f2
"""
import sqlalchemy as sa
from alembic import op

import zc_common.db

revision = 'b8c9d0e1f2a3'
down_revision = 'a7b8c9d0e1f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('qualifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('directed', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('paper_received_at', zc_common.db.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('paper_received_by', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('unit_code', sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column('unit_credit_code', sa.String(length=18), nullable=True))


def downgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('unit_credit_code')
        batch_op.drop_column('unit_code')
        batch_op.drop_column('paper_received_by')
        batch_op.drop_column('paper_received_at')
    with op.batch_alter_table('qualifications', schema=None) as batch_op:
        batch_op.drop_column('directed')
