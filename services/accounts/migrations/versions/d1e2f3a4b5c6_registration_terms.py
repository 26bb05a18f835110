"""注册须知: the version a registrant accepted, and when

Revision ID: d1e2f3a4b5c6
Revises: c52f1d8e9a34
"""
import sqlalchemy as sa
from alembic import op

import zc_common.db

revision = 'd1e2f3a4b5c6'
down_revision = 'c52f1d8e9a34'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('terms_version', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('terms_accepted_at', zc_common.db.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('terms_accepted_at')
        batch_op.drop_column('terms_version')
